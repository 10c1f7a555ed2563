// What every reader returns: raw examples, before any tokenisation, each carrying the 1-based line of the
// file it came from so that later errors (an unknown label, a sequence too long) can point back at it.

/** A sentence or sentence-pair example. `label` is null for unlabelled data (GLUE test files). */
export interface TextExample {
  textA: string;
  /** The second sentence of a pair task; absent for single-sentence tasks. */
  textB?: string;
  /** A class name, a regression target, a list of class names (multi-label), or null when unlabelled. */
  label: string | number | string[] | null;
  /** 1-based line where the example starts (a CSV record may span several lines). */
  line: number;
}

/** A tagged sentence: one tag per word, or null tags for an untagged (words-only) file. */
export interface TaggedExample {
  words: string[];
  tags: string[] | null;
  /** 1-based line of the sentence's first word. */
  line: number;
}

/** A row a reader dropped because of `skipMalformed: true`, and why. */
export interface SkippedRow {
  line: number;
  reason: string;
}

/** Every reader returns this shape, with `skipped` empty unless `skipMalformed` was set. */
export interface ReadResult<T> {
  /** The path the examples were read from, as the caller gave it (error messages name it the same way). */
  file: string;
  examples: T[];
  skipped: SkippedRow[];
}

/** How a label field is read: a class name, a float regression target, or a list of class names. */
export type LabelKind = "class" | "float" | "multilabel";

export const LABEL_KINDS: readonly LabelKind[] = ["class", "float", "multilabel"];
