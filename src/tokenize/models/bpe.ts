// Byte-pair encoding (GPT-2, RoBERTa): start from the word's symbols (bytes in the byte alphabet) and
// repeatedly merge the adjacent pair with the lowest merge rank, the leftmost one on a tie, until no
// adjacent pair has a rank. Results are cached per word, as Hugging Face's BPE does.
import { assert, ConfigError, FormatError } from "../../errors.js";
import type { NormalizedString } from "../normalized-string.js";
import type { Model, Piece } from "../pipeline.js";
import type { Vocab } from "./vocab.js";

export interface BpeOptions {
  /** Stands for a symbol missing from the vocabulary; null drops such symbols (byte-level vocabularies never miss one). */
  unkToken: string | null;
  /** Merge runs of consecutive unknown symbols into one unk piece. */
  fuseUnk: boolean;
  /** Take a word that is itself in the vocabulary whole, without merging. */
  ignoreMerges: boolean;
  /** Words remembered; past this, new words are computed but not stored (10,000 in Hugging Face). */
  cacheCapacity: number;
}

interface Part {
  token: string;
  from: number;
  to: number;
  /** false for unk parts, which no merge applies to. */
  mergeable: boolean;
}

export class Bpe implements Model {
  /** ranks.get(left)?.get(right): the rank of merging left+right; a later duplicate merge line wins, as in Hugging Face. */
  private readonly ranks = new Map<string, Map<string, number>>();
  private readonly cache = new Map<string, readonly Piece[]>();
  private readonly unkId: number | null;

  constructor(
    readonly vocab: Vocab,
    merges: ReadonlyArray<readonly [string, string]>,
    readonly options: BpeOptions,
  ) {
    merges.forEach(([left, right], rank) => {
      let row = this.ranks.get(left);
      if (row === undefined) {
        row = new Map<string, number>();
        this.ranks.set(left, row);
      }
      row.set(right, rank);
    });
    if (options.unkToken === null) {
      this.unkId = null;
    } else {
      const unkId = vocab.id(options.unkToken);
      if (unkId === undefined) throw new ConfigError(`BPE: expected the unk token "${options.unkToken}" in the vocabulary, got none`);
      this.unkId = unkId;
    }
  }

  tokenize(word: NormalizedString): readonly Piece[] {
    const key = word.text();
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const pieces = this.encodeWord(word, key);
    if (this.cache.size < this.options.cacheCapacity) this.cache.set(key, pieces);
    return pieces;
  }

  private encodeWord(word: NormalizedString, text: string): Piece[] {
    if (this.options.ignoreMerges) {
      const id = this.vocab.id(text);
      if (id !== undefined) return [{ id, token: text, from: 0, to: word.length }];
    }
    const parts = this.initialParts(word);
    for (;;) {
      let bestRank = Infinity;
      let bestAt = -1;
      for (let i = 0; i + 1 < parts.length; i++) {
        if (!parts[i].mergeable || !parts[i + 1].mergeable) continue;
        const rank = this.ranks.get(parts[i].token)?.get(parts[i + 1].token);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          bestAt = i;
        }
      }
      if (bestAt < 0) break;
      const left = parts[bestAt];
      const right = parts[bestAt + 1];
      parts.splice(bestAt, 2, { token: left.token + right.token, from: left.from, to: right.to, mergeable: true });
    }
    return parts.map((part) => ({ id: this.idOf(part), token: part.token, from: part.from, to: part.to }));
  }

  private initialParts(word: NormalizedString): Part[] {
    const parts: Part[] = [];
    for (let i = 0; i < word.length; i++) {
      const symbol = word.chars[i];
      if (this.vocab.id(symbol) !== undefined) {
        parts.push({ token: symbol, from: i, to: i + 1, mergeable: true });
        continue;
      }
      if (this.options.unkToken === null) continue;
      const previous = parts.at(-1);
      if (this.options.fuseUnk && previous !== undefined && !previous.mergeable && previous.to === i) {
        previous.to = i + 1;
      } else {
        parts.push({ token: this.options.unkToken, from: i, to: i + 1, mergeable: false });
      }
    }
    return parts;
  }

  private idOf(part: Part): number {
    if (!part.mergeable && this.unkId !== null) return this.unkId;
    const id = this.vocab.id(part.token);
    assert(id !== undefined, `BPE: merged token "${part.token}" is not in the vocabulary; loaders check every merge result`);
    return id;
  }
}

/** Every merge must join two vocabulary tokens into a third (Hugging Face refuses the files otherwise). */
export function checkMerges(vocab: Vocab, merges: ReadonlyArray<readonly [string, string]>, describe: (rank: number) => string): void {
  merges.forEach(([left, right], rank) => {
    for (const token of [left, right, left + right]) {
      if (vocab.id(token) === undefined) throw new FormatError(`${describe(rank)}: expected ${JSON.stringify(token)} in the vocabulary, got none`);
    }
  });
}
