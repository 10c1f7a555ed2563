// One tokenizer for WordPiece (BERT) and byte-level BPE (RoBERTa): added-token matching, normalizer,
// pre-tokenizer, model, template and decoder, run in Hugging Face's order. Loaders (load-vocab-txt.ts,
// load-bpe-files.ts, from-json.ts) assemble the parts; callers see only the Tokenizer interface.
import { ConfigError } from "../errors.js";
import { AddedTokenMatcher, type AddedToken } from "./added-tokens.js";
import { cleanUpTokenizationSpaces } from "./decoders/clean-up-spaces.js";
import { resolveEncodeOptions, type EncodeOptions, type ResolvedEncodeOptions } from "./encode-options.js";
import { appendSequence, emptySequence, type Encoding, type SequenceEncoding } from "./encoding.js";
import type { Vocab } from "./models/vocab.js";
import { NormalizedString } from "./normalized-string.js";
import { padEncoding, paddedLength } from "./padding.js";
import type { Decoder, Model, Normalizer, Piece, PreTokenizer } from "./pipeline.js";
import { applyTemplate, type TemplatePostProcessor } from "./post-processors/template.js";
import { ByteLevelPreTokenizer, trimmedByteLevelOffsets } from "./pre-tokenizers/byte-level.js";
import { truncateSequences } from "./truncation.js";

/** Ids of the special tokens; null where the tokenizer has none (BERT has no bos/eos). */
export interface SpecialTokenIds {
  cls: number | null;
  sep: number | null;
  pad: number | null;
  unk: number | null;
  mask: number | null;
  bos: number | null;
  eos: number | null;
}

/** The special token strings, as tokenizer_config.json names them (cls_token, sep_token, ...). */
export type SpecialTokenNames = { [K in keyof SpecialTokenIds]: string | null };

export interface DecodeOptions {
  /** Leave out special tokens ([CLS], [SEP], [PAD], [UNK], [MASK], <s>, ...). Default false. */
  skipSpecialTokens?: boolean;
  /** Hugging Face's clean_up_tokenization ("hello ." -> "hello."); default: the tokenizer's setting. */
  cleanUpTokenizationSpaces?: boolean;
}

export interface Tokenizer {
  readonly kind: "wordpiece" | "bpe";
  /** 1 + the largest token id: the embedding rows a model needs. */
  readonly vocabSize: number;
  readonly specialTokenIds: SpecialTokenIds;
  encode(text: string, pair?: string | null, options?: EncodeOptions): Encoding;
  /** Each input a text or a [text, pair]; with padding every encoding has the same length. */
  encodeBatch(inputs: ReadonlyArray<string | readonly [string, string]>, options?: EncodeOptions): Encoding[];
  /** Text already split into words (CoNLL, UD): wordIds index into `words`, offsets are within each word. */
  encodePretokenized(words: readonly string[], pair?: readonly string[] | null, options?: EncodeOptions): Encoding;
  encodePretokenizedBatch(inputs: ReadonlyArray<readonly string[]>, options?: EncodeOptions): Encoding[];
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
}

export interface TokenizerParts {
  kind: "wordpiece" | "bpe";
  vocab: Vocab;
  model: Model;
  addedTokens: readonly AddedToken[];
  normalizer: Normalizer | null;
  preTokenizer: PreTokenizer;
  template: TemplatePostProcessor;
  decoder: Decoder;
  specialTokens: SpecialTokenNames;
  /** Apply Hugging Face's clean_up_tokenization in decode by default. */
  cleanUpTokenizationSpaces: boolean;
  /** Leave the byte-level spaces at a token's edges out of its offsets (trim_offsets). */
  trimOffsets: boolean;
}

export class PipelineTokenizer implements Tokenizer {
  readonly kind: "wordpiece" | "bpe";
  readonly vocabSize: number;
  readonly specialTokenIds: SpecialTokenIds;
  /** Added tokens found in the raw text, and those found after normalization (normalized: true). */
  private readonly rawMatcher: AddedTokenMatcher;
  private readonly normalizedMatcher: AddedTokenMatcher;
  private readonly addedById = new Map<number, AddedToken>();
  private readonly addedByContent = new Map<string, AddedToken>();
  private readonly specialIds = new Set<number>();

  constructor(private readonly parts: TokenizerParts) {
    this.kind = parts.kind;
    const matchNormalized = (token: AddedToken): boolean => token.normalized && parts.normalizer !== null;
    this.rawMatcher = new AddedTokenMatcher(parts.addedTokens.filter((token) => !matchNormalized(token)));
    this.normalizedMatcher = new AddedTokenMatcher(parts.addedTokens.filter(matchNormalized));
    let size = parts.vocab.size;
    for (const token of parts.addedTokens) {
      this.addedById.set(token.id, token);
      this.addedByContent.set(token.content, token);
      if (token.special) this.specialIds.add(token.id);
      size = Math.max(size, token.id + 1);
    }
    this.vocabSize = size;
    const idOf = (name: string | null): number | null => (name === null ? null : (this.tokenToId(name) ?? null));
    const names = parts.specialTokens;
    this.specialTokenIds = {
      cls: idOf(names.cls), sep: idOf(names.sep), pad: idOf(names.pad), unk: idOf(names.unk),
      mask: idOf(names.mask), bos: idOf(names.bos), eos: idOf(names.eos),
    };
  }

  tokenToId(token: string): number | undefined {
    return this.addedByContent.get(token)?.id ?? this.parts.vocab.id(token);
  }

  idToToken(id: number): string | undefined {
    return this.addedById.get(id)?.content ?? this.parts.vocab.token(id);
  }

  encode(text: string, pair: string | null = null, options?: EncodeOptions): Encoding {
    checkText(text, "encode: text");
    if (pair !== null) checkText(pair, "encode: pair");
    const resolved = resolveEncodeOptions(options);
    const encoding = this.assemble(this.encodeText(text, null), pair === null ? null : this.encodeText(pair, null), resolved);
    return this.padAll([encoding], resolved)[0];
  }

  encodeBatch(inputs: ReadonlyArray<string | readonly [string, string]>, options?: EncodeOptions): Encoding[] {
    const resolved = resolveEncodeOptions(options);
    const encodings = inputs.map((input, i) => {
      const [text, pair] = splitInput(input, `encodeBatch: input ${i}`);
      return this.assemble(this.encodeText(text, null), pair === null ? null : this.encodeText(pair, null), resolved);
    });
    return this.padAll(encodings, resolved);
  }

  encodePretokenized(words: readonly string[], pair: readonly string[] | null = null, options?: EncodeOptions): Encoding {
    const resolved = resolveEncodeOptions(options);
    const encoding = this.assemble(this.encodeWords(words, "encodePretokenized: words"), pair === null ? null : this.encodeWords(pair, "encodePretokenized: pair"), resolved);
    return this.padAll([encoding], resolved)[0];
  }

  encodePretokenizedBatch(inputs: ReadonlyArray<readonly string[]>, options?: EncodeOptions): Encoding[] {
    const resolved = resolveEncodeOptions(options);
    const encodings = inputs.map((words, i) => this.assemble(this.encodeWords(words, `encodePretokenizedBatch: input ${i}`), null, resolved));
    return this.padAll(encodings, resolved);
  }

  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const skipSpecial = options.skipSpecialTokens ?? false;
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const token = Number.isInteger(id) ? this.idToToken(id) : undefined;
      if (token === undefined) throw new ConfigError(`decode: expected token ids of this vocabulary (0..${this.vocabSize - 1}), got ${id} at position ${i}`);
      if (skipSpecial && this.specialIds.has(id)) continue;
      tokens.push(token);
    }
    const text = this.parts.decoder.decode(tokens);
    return (options.cleanUpTokenizationSpaces ?? this.parts.cleanUpTokenizationSpaces) ? cleanUpTokenizationSpaces(text) : text;
  }

  /** The tokens of one text; word ids count the words of this text, or are all `wordId` when given. */
  private encodeText(text: string, wordId: number | null): SequenceEncoding {
    const out = emptySequence();
    let nextWord = 0;
    const pushAdded = (token: AddedToken, span: NormalizedString): void => {
      out.ids.push(token.id);
      out.tokens.push(token.content);
      out.offsets.push([span.starts[0], span.ends[span.length - 1]]);
      out.wordIds.push(wordId ?? nextWord++);
    };
    for (const segment of this.rawMatcher.split(NormalizedString.fromText(text))) {
      if (segment.token !== null) {
        pushAdded(segment.token, segment.text);
        continue;
      }
      const normalized = this.parts.normalizer === null ? segment.text : this.parts.normalizer.normalize(segment.text);
      for (const part of this.normalizedMatcher.split(normalized)) {
        if (part.token !== null) {
          pushAdded(part.token, part.text);
          continue;
        }
        for (const word of this.parts.preTokenizer.split(part.text)) {
          const id = wordId ?? nextWord++;
          for (const piece of this.parts.model.tokenize(word)) {
            out.ids.push(piece.id);
            out.tokens.push(piece.token);
            out.offsets.push(this.pieceOffsets(word, piece));
            out.wordIds.push(id);
          }
        }
      }
    }
    return out;
  }

  private pieceOffsets(word: NormalizedString, piece: Piece): [number, number] {
    if (this.parts.trimOffsets) return trimmedByteLevelOffsets(word, piece.from, piece.to);
    return [word.starts[piece.from], word.ends[piece.to - 1]];
  }

  private encodeWords(words: readonly string[], what: string): SequenceEncoding {
    if (!Array.isArray(words)) throw new ConfigError(`${what}: expected an array of words, got ${typeof words}`);
    const pre = this.parts.preTokenizer;
    if (pre instanceof ByteLevelPreTokenizer && !pre.options.addPrefixSpace) {
      // Hugging Face refuses this too: without a space in front, every word would be spelled as if it
      // started the text ("Hello" instead of "ĠHello"), unlike any word inside running text.
      throw new ConfigError(`${what}: expected a byte-level tokenizer loaded with addPrefixSpace true, got addPrefixSpace false; hint: load it with { addPrefixSpace: true }`);
    }
    const out = emptySequence();
    words.forEach((word, i) => {
      checkText(word, `${what}[${i}]`);
      appendSequence(out, this.encodeText(word, i));
    });
    return out;
  }

  /** Truncation (room left for the special tokens), then the template. */
  private assemble(a: SequenceEncoding, b: SequenceEncoding | null, options: ResolvedEncodeOptions): Encoding {
    let first = a;
    let second = b;
    if (options.truncation !== false && options.maxLength !== null) {
      const added = options.addSpecialTokens ? this.parts.template.addedTokens(b !== null) : 0;
      if (options.maxLength < added) {
        throw new ConfigError(`encode: expected maxLength at least ${added}, the special tokens of a ${b === null ? "single sequence" : "pair"}, got ${options.maxLength}`);
      }
      [first, second] = truncateSequences(a, b, options.maxLength - added, options.truncation);
    }
    return applyTemplate(this.parts.template, first, second, options.addSpecialTokens);
  }

  private padAll(encodings: Encoding[], options: ResolvedEncodeOptions): Encoding[] {
    if (options.padding === false) return encodings;
    const pad = this.parts.specialTokens.pad;
    const padId = this.specialTokenIds.pad;
    if (pad === null || padId === null) throw new ConfigError(`encode: expected a pad token for padding "${options.padding}", got none in this vocabulary`);
    const length = paddedLength(encodings.map((e) => e.ids.length), options.padding, options.maxLength, options.padToMultipleOf);
    return encodings.map((e) => padEncoding(e, length, { id: padId, token: pad }));
  }
}

/** A batch input: a text, or a [text, pair]. */
function splitInput(input: unknown, what: string): [string, string | null] {
  if (typeof input === "string") return [input, null];
  if (Array.isArray(input) && input.length === 2) {
    checkText(input[0], `${what}[0]`);
    checkText(input[1], `${what}[1]`);
    return [input[0], input[1]];
  }
  throw new ConfigError(`${what}: expected a string or a [text, pair], got ${input === null ? "null" : Array.isArray(input) ? `an array of ${input.length}` : typeof input}`);
}

function checkText(text: unknown, what: string): asserts text is string {
  if (typeof text !== "string") throw new ConfigError(`${what}: expected a string, got ${text === null ? "null" : typeof text}`);
}
