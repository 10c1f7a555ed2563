// Dependency trees from CoNLL-U files (Universal Dependencies, https://universaldependencies.org/format.html):
// one line per word with 10 TAB-separated columns
//   ID  FORM  LEMMA  UPOS  XPOS  FEATS  HEAD  DEPREL  DEPS  MISC
// "#" comment lines before each sentence, and a blank line after it. Syntactic words have integer IDs 1..n
// and HEAD 0 (root) or the ID of another word. Multiword-token lines ("1-2  Today's", the surface token of
// "Today" + "'s") and empty nodes ("8.1", enhanced-graph only) carry no basic tree and are skipped, so
// `words` are the syntactic words that HEAD indexes (what UD's word counts count).
//
// Checked per word line: 10 columns (split on TAB only: a UD form may hold a space), an ID that continues
// 1, 2, 3, ..., an integer HEAD, and, once the sentence is complete, 0 <= HEAD <= n and HEAD != ID. A failure
// is a FormatError "<file>:<line>: ..." naming the offending word's line, or, with `skipMalformed`, the whole
// sentence is dropped (its heads no longer point at the right words once one line is bad) and the line is
// listed in `skipped`. A single root per sentence is not required (UD requires it; the shared treebanks have
// it, 1 root in every sentence).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../errors.js";
import type { ReadResult } from "./examples.js";
import { MalformedRows } from "./malformed-rows.js";
import { isBlankLine, readSourceText, splitLines } from "./source-text.js";

/** One sentence's basic dependency tree over its syntactic words. */
export interface DependencyExample {
  words: string[];
  /** HEAD of each word as in CoNLL-U: 0 for the root, else the 1-based index of the head word. */
  heads: number[];
  /** DEPREL of each word, subtypes kept ("nmod:poss"). */
  deprels: string[];
  /** UPOS of each word ("PUNCT" marks punctuation, for scores that leave it out). */
  upos: string[];
  /** The sentence's "# sent_id = ..." comment, or null when it has none. */
  sentId: string | null;
  /** 1-based line of the sentence's first word (multiword-token lines aside). */
  line: number;
}

export interface ConllUReadOptions {
  /** Drop a sentence holding a malformed line and list that line in `skipped` instead of throwing; default false. */
  skipMalformed?: boolean;
}

const COLUMNS = 10;
const SENT_ID = /^#\s*sent_id\s*=\s*(.*)$/;
const WORD_ID = /^[1-9][0-9]*$/;
const MULTIWORD_ID = /^[1-9][0-9]*-[1-9][0-9]*$/;
const EMPTY_NODE_ID = /^[0-9]+\.[1-9][0-9]*$/;
const HEAD = /^(0|[1-9][0-9]*)$/;

export function readConllU(path: string, options: ConllUReadOptions = {}): ReadResult<DependencyExample> {
  const component = `conllu(${path})`;
  const malformed = new MalformedRows(path, options.skipMalformed ?? false);
  const examples: DependencyExample[] = [];

  let words: string[] = [];
  let heads: number[] = [];
  let deprels: string[] = [];
  let upos: string[] = [];
  let wordLines: number[] = [];
  let sentId: string | null = null;
  let broken = false;

  const endSentence = (): void => {
    if (words.length > 0 && !broken) {
      const problem = headProblem(heads);
      if (problem === null) {
        examples.push({ words, heads, deprels, upos, sentId, line: wordLines[0] });
      } else {
        malformed.report(wordLines[problem.word], problem.reason);
      }
    }
    words = [];
    heads = [];
    deprels = [];
    upos = [];
    wordLines = [];
    sentId = null;
    broken = false;
  };

  splitLines(readSourceText(path, component)).forEach((text, index) => {
    const line = index + 1;
    if (isBlankLine(text)) return endSentence();
    if (text.startsWith("#")) {
      const match = SENT_ID.exec(text);
      if (match !== null) sentId = match[1];
      return;
    }
    if (broken) return; // the sentence is dropped already; its first bad line is the one reported
    const fields = text.split("\t");
    const bad = (reason: string): void => {
      broken = true;
      malformed.report(line, reason);
    };
    if (fields.length !== COLUMNS) return bad(`expected ${COLUMNS} TAB-separated columns (CoNLL-U), got ${fields.length}`);
    const id = fields[0];
    if (MULTIWORD_ID.test(id) || EMPTY_NODE_ID.test(id)) return;
    if (!WORD_ID.test(id)) return bad(`expected a word ID (1, 2, ...), a multiword range (1-2) or an empty node (1.1), got ${JSON.stringify(id)}`);
    if (Number(id) !== words.length + 1) return bad(`expected word ID ${words.length + 1} (IDs count up from 1 in each sentence), got ${id}`);
    const head = fields[6];
    if (!HEAD.test(head)) return bad(`expected an integer HEAD (0 for the root) in column 7, got ${JSON.stringify(head)}`);
    words.push(fields[1]);
    upos.push(fields[3]);
    heads.push(Number(head));
    deprels.push(fields[7]);
    wordLines.push(line);
  });
  endSentence();
  return { file: path, examples, skipped: malformed.skipped };
}

/** The first word whose head is outside 0..n or is itself, and why; null for a well-formed sentence. */
function headProblem(heads: readonly number[]): { word: number; reason: string } | null {
  for (let i = 0; i < heads.length; i++) {
    if (heads[i] > heads.length) {
      return { word: i, reason: `expected HEAD in 0..${heads.length} (the sentence has ${heads.length} words), got ${heads[i]} for word ${i + 1}` };
    }
    if (heads[i] === i + 1) return { word: i, reason: `expected a HEAD other than the word itself, got ${heads[i]} for word ${i + 1}` };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// treebank folders: which files hold a split

export type TreebankSplit = "train" | "dev" | "test";

const SPLITS: readonly TreebankSplit[] = ["train", "dev", "test"];

/**
 * The CoNLL-U files of one split of a UD treebank folder, in reading order: the single
 * `<name>-ud-<split>.conllu`, or the parts `<name>-ud-<split>[-suffix].partNN-of-MM.conllu` (the shared
 * en-ewt and en-gum train sets are cut at document boundaries into parts, to be read in order: part01,
 * part02, ...). Anything ambiguous is a ConfigError listing what was found: both a whole file and parts,
 * parts of two different sets, or a missing or repeated part.
 */
export function treebankSplitFiles(dir: string, split: TreebankSplit): string[] {
  const component = `treebankSplitFiles(${dir})`;
  if (!SPLITS.includes(split)) throw new ConfigError(`${component}: unknown split ${JSON.stringify(split)}; expected one of ${SPLITS.join(", ")}`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : String(error);
    throw new ConfigError(`${component}: expected a readable folder, got ${code}`);
  }
  const pattern = new RegExp(`^(.+-ud-${split}(?:-[A-Za-z0-9]+)?)(?:\\.part([0-9]+)-of-([0-9]+))?\\.conllu$`);
  const whole: string[] = [];
  const parts: { name: string; set: string; part: number; of: number }[] = [];
  for (const name of names.sort()) {
    const match = pattern.exec(name);
    if (match === null) continue;
    if (match[2] === undefined) whole.push(name);
    else parts.push({ name, set: `${match[1]} of ${Number(match[3])}`, part: Number(match[2]), of: Number(match[3]) });
  }
  const found = [...whole, ...parts.map((part) => part.name)].join(", ");
  if (whole.length === 0 && parts.length === 0) {
    throw new ConfigError(`${component}: expected a ${split} file (*-ud-${split}.conllu, or parts *-ud-${split}*.partNN-of-MM.conllu), got none`);
  }
  if (whole.length > 1 || (whole.length === 1 && parts.length > 0)) {
    throw new ConfigError(`${component}: expected one ${split} file or one set of parts, got ${found}`);
  }
  if (whole.length === 1) return [join(dir, whole[0])];
  const sets = new Set(parts.map((part) => part.set));
  if (sets.size > 1) throw new ConfigError(`${component}: expected one set of ${split} parts, got ${found}`);
  const of = parts[0].of;
  parts.sort((a, b) => a.part - b.part);
  for (let k = 1; k <= of; k++) {
    const count = parts.filter((part) => part.part === k).length;
    if (count !== 1) throw new ConfigError(`${component}: expected ${split} parts 1..${of} once each, got part ${k} ${count} times (${found})`);
  }
  if (parts.length !== of) throw new ConfigError(`${component}: expected ${split} parts 1..${of} once each, got ${found}`);
  return parts.map((part) => join(dir, part.name));
}

/** Every file of a treebank split read with readConllU, one result per file in reading order. */
export function readTreebankSplit(dir: string, split: TreebankSplit, options: ConllUReadOptions = {}): ReadResult<DependencyExample>[] {
  return treebankSplitFiles(dir, split).map((path) => readConllU(path, options));
}
