// WordPiece (BERT): cut a word greedily into the longest vocabulary pieces from the left; pieces after
// the first carry the "##" prefix. A word with a part no piece covers, or longer than
// maxInputCharsPerWord code points, becomes one [UNK].
import { ConfigError } from "../../errors.js";
import type { NormalizedString } from "../normalized-string.js";
import type { Model, Piece } from "../pipeline.js";
import type { Vocab } from "./vocab.js";

export interface WordPieceOptions {
  unkToken: string;
  /** "##" in BERT. */
  continuingSubwordPrefix: string;
  /** 100 in BERT; longer words become [UNK] without being looked at. */
  maxInputCharsPerWord: number;
}

export class WordPiece implements Model {
  private readonly unkId: number;

  constructor(
    readonly vocab: Vocab,
    readonly options: WordPieceOptions,
  ) {
    const unkId = vocab.id(options.unkToken);
    if (unkId === undefined) throw new ConfigError(`WordPiece: expected the unk token "${options.unkToken}" in the vocabulary, got none`);
    this.unkId = unkId;
  }

  tokenize(word: NormalizedString): Piece[] {
    const n = word.length;
    const unknown: Piece[] = [{ id: this.unkId, token: this.options.unkToken, from: 0, to: n }];
    if (n > this.options.maxInputCharsPerWord) return unknown;
    const text = word.text();
    // UTF-16 offset of each code point boundary, so substrings are slices of `text`.
    const unitAt = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) unitAt[i + 1] = unitAt[i] + word.chars[i].length;

    const pieces: Piece[] = [];
    let start = 0;
    while (start < n) {
      let end = n;
      let found: Piece | null = null;
      while (end > start) {
        const body = text.slice(unitAt[start], unitAt[end]);
        const candidate = start > 0 ? this.options.continuingSubwordPrefix + body : body;
        const id = this.vocab.id(candidate);
        if (id !== undefined) {
          found = { id, token: candidate, from: start, to: end };
          break;
        }
        end--;
      }
      if (found === null) return unknown;
      pieces.push(found);
      start = end;
    }
    return pieces;
  }
}
