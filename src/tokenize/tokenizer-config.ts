// The fields of Hugging Face's tokenizer_config.json that change how text is tokenized or decoded.
// Everything else in it (model_max_length, tokenizer_class, chat templates, ...) is not read.
import { FormatError } from "../errors.js";
import type { AddedToken } from "./added-tokens.js";
import {
  asObject, asString, asTokenId, booleanField, describeJson, nullableBooleanField, type JsonObject,
} from "./json-fields.js";
import { fileLabel, readJsonFile } from "./text-files.js";
import type { SpecialTokenNames } from "./tokenizer.js";

export interface TokenizerConfig {
  /** do_lower_case (BERT). */
  doLowerCase?: boolean;
  /** strip_accents: null means "when lowercasing". */
  stripAccents?: boolean | null;
  /** tokenize_chinese_chars. */
  tokenizeChineseChars?: boolean;
  /** clean_up_tokenization_spaces. */
  cleanUpTokenizationSpaces?: boolean;
  /** add_prefix_space (RoBERTa). */
  addPrefixSpace?: boolean;
  /** trim_offsets (RoBERTa). */
  trimOffsets?: boolean;
  /** cls_token, sep_token, ...: only those present. */
  specialTokens: Partial<SpecialTokenNames>;
  /** added_tokens_decoder, when present: the full list of added tokens with their ids. */
  addedTokens?: AddedToken[];
}

const SPECIAL_KEYS: ReadonlyArray<[keyof SpecialTokenNames, string]> = [
  ["cls", "cls_token"], ["sep", "sep_token"], ["pad", "pad_token"], ["unk", "unk_token"],
  ["mask", "mask_token"], ["bos", "bos_token"], ["eos", "eos_token"],
];

export function readTokenizerConfig(path: string): TokenizerConfig {
  return parseTokenizerConfig(readJsonFile(path, "tokenizer_config.json"), fileLabel(path));
}

export function parseTokenizerConfig(json: unknown, label: string): TokenizerConfig {
  const obj = asObject(json, label);
  const config: TokenizerConfig = { specialTokens: {} };
  const flag = (key: string): boolean | undefined => (obj[key] === undefined || obj[key] === null ? undefined : booleanField(obj, key, label, false));
  config.doLowerCase = flag("do_lower_case");
  if ("strip_accents" in obj) config.stripAccents = nullableBooleanField(obj, "strip_accents", label);
  config.tokenizeChineseChars = flag("tokenize_chinese_chars");
  config.cleanUpTokenizationSpaces = flag("clean_up_tokenization_spaces");
  config.addPrefixSpace = flag("add_prefix_space");
  config.trimOffsets = flag("trim_offsets");
  for (const [name, key] of SPECIAL_KEYS) {
    const value = obj[key];
    if (value === undefined) continue;
    config.specialTokens[name] = value === null ? null : specialTokenContent(value, `${label} ${key}`);
  }
  if (obj.added_tokens_decoder !== undefined && obj.added_tokens_decoder !== null) {
    config.addedTokens = parseAddedTokensDecoder(asObject(obj.added_tokens_decoder, `${label} added_tokens_decoder`), `${label} added_tokens_decoder`);
  }
  return config;
}

/** A special token is written as a string or as a serialized AddedToken {"content": ...}. */
function specialTokenContent(value: unknown, where: string): string {
  if (typeof value === "string") return value;
  return asString(asObject(value, where).content, `${where}.content`);
}

function parseAddedTokensDecoder(obj: JsonObject, where: string): AddedToken[] {
  return Object.entries(obj).map(([key, value]) => {
    if (!/^\d+$/.test(key)) throw new FormatError(`${where}: expected token ids as keys, got ${describeJson(key)}`);
    return parseAddedToken({ ...asObject(value, `${where}.${key}`), id: Number(key) }, `${where}.${key}`);
  });
}

/** One added token as tokenizer.json and tokenizer_config.json write it. */
export function parseAddedToken(value: unknown, where: string): AddedToken {
  const obj = asObject(value, where);
  const special = booleanField(obj, "special", where, false);
  return {
    id: asTokenId(obj.id, `${where}.id`),
    content: asString(obj.content, `${where}.content`),
    special,
    lstrip: booleanField(obj, "lstrip", where, false),
    rstrip: booleanField(obj, "rstrip", where, false),
    singleWord: booleanField(obj, "single_word", where, false),
    // Hugging Face's default: special tokens match the raw text, other added tokens the normalized text.
    normalized: booleanField(obj, "normalized", where, !special),
  };
}
