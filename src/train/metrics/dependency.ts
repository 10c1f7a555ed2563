// Dependency parsing (K-Adapter's linguistic adapter): unlabelled attachment score.
// Conventions (no NaN, zero division, argument order) are in common.ts.
import { ConfigError } from "../../errors.js";
import { checkLengths, ratio } from "./common.js";

/** Which words to leave out of an attachment score as punctuation. */
export interface PunctuationOptions {
  /** The words of each sentence, shaped like the heads. */
  words: readonly (readonly string[])[];
  /** Each word's tag, shaped like the heads; with tags, a word is punctuation when its tag is in `punctTags`. */
  tags?: readonly (readonly string[])[];
  /** The punctuation tags; default ["PUNCT"] (UD's UPOS). Only used with `tags`. */
  punctTags?: readonly string[];
}

/** A word made only of Unicode punctuation characters (category P): CoNLL-X eval.pl's is_uni_punct. */
function isPunctuationForm(word: string): boolean {
  return /^\p{P}+$/u.test(word);
}

/**
 * Unlabelled attachment score: the fraction of scored words whose predicted head equals the gold head.
 * Heads are per sentence, one per word, in any consistent numbering (CoNLL-U's: 0 root, 1-based words).
 * By default every word is scored, as the CoNLL 2018 UD shared task's evaluation does. `ignorePunct` leaves
 * punctuation out: by tag when `tags` are given (UPOS "PUNCT" by default), else by form, a word made only
 * of Unicode punctuation characters, which is what the CoNLL-X eval.pl ignores unless run with -p.
 * 0 when no word is scored.
 */
export function unlabeledAttachmentScore(
  goldHeads: readonly (readonly number[])[],
  predHeads: readonly (readonly number[])[],
  options: { ignorePunct?: PunctuationOptions } = {},
): number {
  checkLengths("unlabeledAttachmentScore", goldHeads, predHeads);
  const punct = options.ignorePunct;
  if (punct !== undefined) {
    checkSentenceShapes("unlabeledAttachmentScore: ignorePunct.words", goldHeads, punct.words);
    if (punct.tags !== undefined) checkSentenceShapes("unlabeledAttachmentScore: ignorePunct.tags", goldHeads, punct.tags);
  }
  const punctTags = new Set(punct?.punctTags ?? ["PUNCT"]);
  let scored = 0;
  let correct = 0;
  for (let s = 0; s < goldHeads.length; s++) {
    const gold = goldHeads[s];
    const predicted = predHeads[s];
    if (gold.length !== predicted.length) {
      throw new ConfigError(`unlabeledAttachmentScore: expected sentence ${s} to have as many predicted heads as gold heads, got ${predicted.length} and ${gold.length}`);
    }
    for (let w = 0; w < gold.length; w++) {
      if (punct !== undefined) {
        const isPunct = punct.tags !== undefined ? punctTags.has(punct.tags[s][w]) : isPunctuationForm(punct.words[s][w]);
        if (isPunct) continue;
      }
      scored += 1;
      if (predicted[w] === gold[w]) correct += 1;
    }
  }
  return ratio(correct, scored);
}

function checkSentenceShapes(what: string, heads: readonly (readonly number[])[], other: readonly (readonly unknown[])[]): void {
  if (other.length !== heads.length) throw new ConfigError(`${what}: expected ${heads.length} sentences (as the gold heads), got ${other.length}`);
  for (let s = 0; s < heads.length; s++) {
    if (other[s].length !== heads[s].length) {
      throw new ConfigError(`${what}: expected sentence ${s} to have ${heads[s].length} entries (as its gold heads), got ${other[s].length}`);
    }
  }
}
