// RoBERTa byte-level BPE from vocab.json + merges.txt, set up as Hugging Face's RobertaTokenizerFast
// builds it from those files: ByteLevel pre-tokenizer (add_prefix_space false by default), BPE with the
// merge ranks, <s> A </s></s> B </s> with type ids all 0, offsets trimmed of spaces, ByteLevel decoder.
import { ConfigError, FormatError } from "../errors.js";
import type { AddedToken } from "./added-tokens.js";
import { ByteLevelDecoder } from "./decoders/byte-level-decoder.js";
import { asObject, asTokenId } from "./json-fields.js";
import { Bpe, checkMerges } from "./models/bpe.js";
import { Vocab } from "./models/vocab.js";
import { robertaTemplate } from "./post-processors/template.js";
import { ByteLevelPreTokenizer } from "./pre-tokenizers/byte-level.js";
import { requireToken, ROBERTA_SPECIAL_TOKENS, specialAddedTokens, withOverrides } from "./special-tokens.js";
import { fileLabel, parseJsonText, readTextFile } from "./text-files.js";
import { PipelineTokenizer, type SpecialTokenNames, type Tokenizer } from "./tokenizer.js";

export interface BpeFilesOptions {
  /** add_prefix_space: spell a text's first word like any other (" Hello"). Default false, as roberta-base. */
  addPrefixSpace?: boolean;
  /** trim_offsets: leave a token's leading space out of its offsets. Default true. */
  trimOffsets?: boolean;
  /** Special token strings other than <s>, </s>, <pad>, <unk>, <mask>. */
  specialTokens?: Partial<SpecialTokenNames>;
  /** clean_up_tokenization_spaces for decode; default false, as RobertaTokenizer. */
  cleanUpTokenizationSpaces?: boolean;
  /** The added tokens with their ids (tokenizer_config.json's added_tokens_decoder); default the special tokens. */
  addedTokens?: readonly AddedToken[];
}

/** vocab.json: an object from token to non-negative integer id. */
export function parseVocabJson(text: string, label: string): Vocab {
  const obj = asObject(parseJsonText(text, label), label);
  return Vocab.fromEntries(Object.entries(obj).map(([token, id]) => [token, asTokenId(id, `${label} key ${JSON.stringify(token)}`)] as const));
}

/**
 * merges.txt: an optional "#version" first line, then one merge per line, "left right", rank = order.
 * A line without exactly one space is an error, as in Hugging Face's Rust reader.
 */
export function parseMergesTxt(text: string, label: string): Array<[string, string]> {
  const lines = text.split(/\r\n|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const merges: Array<[string, string]> = [];
  lines.forEach((line, i) => {
    if (i === 0 && line.startsWith("#version")) return;
    const parts = line.split(" ");
    if (parts.length !== 2) {
      throw new FormatError(`${label} line ${i + 1}: expected 2 space-separated tokens, got ${parts.length} in ${JSON.stringify(line)}`);
    }
    merges.push([parts[0], parts[1]]);
  });
  return merges;
}

export function fromBpeFiles(vocabPath: string, mergesPath: string, options: BpeFilesOptions = {}): Tokenizer {
  const vocab = parseVocabJson(readTextFile(vocabPath, "fromBpeFiles"), fileLabel(vocabPath));
  const mergesText = readTextFile(mergesPath, "fromBpeFiles");
  const merges = parseMergesTxt(mergesText, fileLabel(mergesPath));
  // The line of merge `rank`: one header line, if any, comes before the first merge.
  const header = mergesText.startsWith("#version") ? 1 : 0;
  checkMerges(vocab, merges, (rank) => `${fileLabel(mergesPath)} line ${rank + 1 + header}`);
  return byteLevelBpe(vocab, merges, options, fileLabel(vocabPath));
}

/** The RoBERTa tokenizer over an already-parsed vocabulary and merge list; `label` names the vocabulary in errors. */
export function byteLevelBpe(vocab: Vocab, merges: ReadonlyArray<readonly [string, string]>, options: BpeFilesOptions, label: string): Tokenizer {
  const names = withOverrides(ROBERTA_SPECIAL_TOKENS, options.specialTokens);
  const bos = requireToken(vocab, names.bos, "bos", label);
  const eos = requireToken(vocab, names.eos, "eos", label);
  const addPrefixSpace = options.addPrefixSpace ?? false;
  if (typeof addPrefixSpace !== "boolean") throw new ConfigError(`${label}: expected addPrefixSpace true or false, got ${String(addPrefixSpace)}`);
  const unk = names.unk !== null && vocab.id(names.unk) !== undefined ? names.unk : null;
  // RobertaTokenizer registers <mask> with lstrip: "Hello <mask>" gives no "Ġ" token before the mask.
  const lstripped = new Set(names.mask === null ? [] : [names.mask]);
  return new PipelineTokenizer({
    kind: "bpe",
    vocab,
    model: new Bpe(vocab, merges, { unkToken: unk, fuseUnk: false, ignoreMerges: false, cacheCapacity: 10_000 }),
    addedTokens: options.addedTokens ?? specialAddedTokens(vocab, names, lstripped),
    normalizer: null,
    preTokenizer: new ByteLevelPreTokenizer({ addPrefixSpace, useRegex: true }),
    template: robertaTemplate(bos, eos),
    decoder: new ByteLevelDecoder(),
    specialTokens: names,
    cleanUpTokenizationSpaces: options.cleanUpTokenizationSpaces ?? false,
    trimOffsets: options.trimOffsets ?? true,
  });
}
