// BERT WordPiece from vocab.txt, set up as Hugging Face's BertTokenizerFast builds it from that file:
// BertNormalizer, BertPreTokenizer, WordPiece ("##", 100 characters), [CLS] A [SEP] B [SEP], and the
// WordPiece decoder. A token's id is its 0-based line number; an empty line is a token too.
import { ConfigError } from "../errors.js";
import type { AddedToken } from "./added-tokens.js";
import { WordPieceDecoder } from "./decoders/wordpiece-decoder.js";
import { Vocab } from "./models/vocab.js";
import { WordPiece } from "./models/wordpiece.js";
import { BertNormalizer } from "./normalizers/bert-normalizer.js";
import { bertTemplate } from "./post-processors/template.js";
import { BertPreTokenizer } from "./pre-tokenizers/bert-pre-tokenizer.js";
import { BERT_SPECIAL_TOKENS, requireToken, specialAddedTokens, withOverrides } from "./special-tokens.js";
import { fileLabel, readTextFile } from "./text-files.js";
import { PipelineTokenizer, type SpecialTokenNames, type Tokenizer } from "./tokenizer.js";

export interface VocabFileOptions {
  /** do_lower_case: true for uncased models, false for cased ones. No default: a wrong guess silently changes every id. */
  lowercase: boolean;
  /** strip_accents; default null, which strips exactly when lowercasing. */
  stripAccents?: boolean | null;
  /** tokenize_chinese_chars; default true. */
  handleChineseChars?: boolean;
  /** Longer words become [UNK]; default 100. */
  maxInputCharsPerWord?: number;
  /** Special token strings other than [CLS], [SEP], [PAD], [UNK], [MASK]. */
  specialTokens?: Partial<SpecialTokenNames>;
  /** clean_up_tokenization_spaces for decode; default true, as BertTokenizer. */
  cleanUpTokenizationSpaces?: boolean;
  /** The added tokens with their ids (tokenizer_config.json's added_tokens_decoder); default the special tokens. */
  addedTokens?: readonly AddedToken[];
}

/** One token per line. Lines end at "\n", "\r\n" or "\r" (Python's universal newlines); a final newline ends the last line. */
export function parseVocabTxt(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function fromVocabFile(path: string, options: VocabFileOptions): Tokenizer {
  return wordPieceFromTokens(parseVocabTxt(readTextFile(path, "fromVocabFile")), options, fileLabel(path));
}

/** The tokenizer for a vocabulary given as its lines; `label` names it in errors. */
export function wordPieceFromTokens(lines: readonly string[], options: VocabFileOptions, label: string): Tokenizer {
  const vocab = Vocab.fromTokens(lines);
  const names = withOverrides(BERT_SPECIAL_TOKENS, options.specialTokens);
  if (typeof options.lowercase !== "boolean") {
    throw new ConfigError(`${label}: expected the lowercase option true (uncased model) or false (cased), got ${String(options.lowercase)}`);
  }
  const maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
  if (!(Number.isInteger(maxInputCharsPerWord) && maxInputCharsPerWord > 0)) {
    throw new ConfigError(`${label}: expected maxInputCharsPerWord a positive integer, got ${String(maxInputCharsPerWord)}`);
  }
  const [unk] = requireToken(vocab, names.unk, "unk", label);
  const cls = requireToken(vocab, names.cls, "cls", label);
  const sep = requireToken(vocab, names.sep, "sep", label);
  return new PipelineTokenizer({
    kind: "wordpiece",
    vocab,
    model: new WordPiece(vocab, {
      unkToken: unk,
      continuingSubwordPrefix: "##",
      maxInputCharsPerWord,
    }),
    addedTokens: options.addedTokens ?? specialAddedTokens(vocab, names),
    normalizer: new BertNormalizer({
      cleanText: true,
      handleChineseChars: options.handleChineseChars ?? true,
      stripAccents: options.stripAccents ?? null,
      lowercase: options.lowercase,
    }),
    preTokenizer: new BertPreTokenizer(),
    template: bertTemplate(cls, sep),
    decoder: new WordPieceDecoder("##", true),
    specialTokens: names,
    cleanUpTokenizationSpaces: options.cleanUpTokenizationSpaces ?? true,
    trimOffsets: false,
  });
}
