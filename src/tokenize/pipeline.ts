// The four stages every tokenizer here runs, as Hugging Face's tokenizers library splits them:
// normalize (clean and rewrite the text), pre-tokenize (cut it into words), model (cut each word into
// vocabulary pieces) and decode (turn pieces back into text). Post-processing (special tokens) is in
// post-processors/template.ts.
import type { NormalizedString } from "./normalized-string.js";

export interface Normalizer {
  normalize(input: NormalizedString): NormalizedString;
}

export interface PreTokenizer {
  /** The words of `input`, in order; each keeps its spans in the original text. */
  split(input: NormalizedString): NormalizedString[];
}

/** One vocabulary piece of a word: its id, its string, and the code points [from, to) of the word it covers. */
export interface Piece {
  id: number;
  token: string;
  from: number;
  to: number;
}

export interface Model {
  /** The pieces of one non-empty word, covering it from left to right. */
  tokenize(word: NormalizedString): readonly Piece[];
}

export interface Decoder {
  decode(tokens: readonly string[]): string;
}
