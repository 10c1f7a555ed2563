// Word-level labels (NER, POS) onto tokens: the usual recipe labels the first sub-token of each word and
// leaves the rest, the special tokens and the padding to the loss's ignore index.
import { ConfigError } from "../errors.js";

/** 1 at the first token of each word, 0 at later sub-tokens, special tokens and padding (T). */
export function firstSubtokenMask(wordIds: ReadonlyArray<number | null>): Uint8Array {
  const mask = new Uint8Array(wordIds.length);
  let previous: number | null = null;
  wordIds.forEach((word, t) => {
    if (word !== null && word !== previous) mask[t] = 1;
    previous = word;
  });
  return mask;
}

/**
 * Token labels (T) from word labels: the first token of word w gets wordLabels[w], every other token
 * ignoreIndex. For a single sequence (encodePretokenized(words) without a pair).
 */
export function labelsToTokens(wordLabels: ArrayLike<number>, wordIds: ReadonlyArray<number | null>, ignoreIndex = -100): Int32Array {
  const first = firstSubtokenMask(wordIds);
  const labels = new Int32Array(wordIds.length).fill(ignoreIndex);
  wordIds.forEach((word, t) => {
    if (word === null || first[t] === 0) return;
    if (word >= wordLabels.length) {
      throw new ConfigError(`labelsToTokens: expected a label for word ${word}, got ${wordLabels.length} word labels; hint: one label per word given to encodePretokenized`);
    }
    labels[t] = wordLabels[word];
  });
  return labels;
}
