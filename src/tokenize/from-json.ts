// A tokenizer from Hugging Face's tokenizer.json (what save_pretrained writes for fast tokenizers):
// the WordPiece or BPE model with its vocabulary, the added tokens, and the pipeline components.
// tokenizer_config.json, when given, adds what Transformers reads from it on top.
import { FormatError } from "../errors.js";
import {
  parseDecoder, parseNormalizer, parsePostProcessor, parsePreTokenizer,
} from "./from-json-components.js";
import {
  asArray, asInteger, asObject, asString, asTokenId, booleanField, componentType, describeJson, stringField, type JsonObject,
} from "./json-fields.js";
import { Bpe, checkMerges } from "./models/bpe.js";
import { Vocab } from "./models/vocab.js";
import { WordPiece } from "./models/wordpiece.js";
import type { Model } from "./pipeline.js";
import { BERT_SPECIAL_TOKENS, ROBERTA_SPECIAL_TOKENS, withOverrides } from "./special-tokens.js";
import { fileLabel, readJsonFile } from "./text-files.js";
import { parseAddedToken, parseTokenizerConfig, readTokenizerConfig, type TokenizerConfig } from "./tokenizer-config.js";
import { PipelineTokenizer, type Tokenizer } from "./tokenizer.js";

export const SUPPORTED_MODELS = ["WordPiece", "BPE"] as const;

export interface TokenizerJsonOptions {
  /** Path of the tokenizer_config.json to apply (do_lower_case, special tokens, clean_up_tokenization_spaces, add_prefix_space). */
  tokenizerConfig?: string;
  /** Replaces add_prefix_space of a ByteLevel pre-tokenizer (needed true for encodePretokenized). */
  addPrefixSpace?: boolean;
}

export function fromTokenizerJson(path: string, options: TokenizerJsonOptions = {}): Tokenizer {
  const config = options.tokenizerConfig === undefined ? null : readTokenizerConfig(options.tokenizerConfig);
  return tokenizerFromJson(readJsonFile(path, "fromTokenizerJson"), fileLabel(path), config, options.addPrefixSpace);
}

/** The same from already-parsed JSON objects; `label` names the source in errors. */
export function parseTokenizerJson(
  json: unknown,
  options: { label?: string; tokenizerConfig?: unknown; addPrefixSpace?: boolean } = {},
): Tokenizer {
  const label = options.label ?? "tokenizer.json";
  const config = options.tokenizerConfig === undefined ? null : parseTokenizerConfig(options.tokenizerConfig, "tokenizer_config.json");
  return tokenizerFromJson(json, label, config, options.addPrefixSpace);
}

export function tokenizerFromJson(json: unknown, label: string, config: TokenizerConfig | null, addPrefixSpace: boolean | undefined): Tokenizer {
  const root = asObject(json, label);
  const modelWhere = `${label} model`;
  const kind = componentType(root.model, modelWhere, SUPPORTED_MODELS) === "WordPiece" ? "wordpiece" : "bpe";
  const modelObj = asObject(root.model, modelWhere);
  const vocab = parseVocabObject(modelObj.vocab, `${modelWhere}.vocab`);
  const model = kind === "wordpiece" ? parseWordPiece(modelObj, vocab, modelWhere) : parseBpe(modelObj, vocab, modelWhere);

  const defaults = kind === "wordpiece" ? BERT_SPECIAL_TOKENS : ROBERTA_SPECIAL_TOKENS;
  const unk = stringField(modelObj, "unk_token", modelWhere, defaults.unk);
  const names = withOverrides({ ...defaults, unk }, config?.specialTokens);
  const addedTokens = root.added_tokens === undefined || root.added_tokens === null
    ? []
    : asArray(root.added_tokens, `${label} added_tokens`).map((t, i) => parseAddedToken(t, `${label} added_tokens[${i}]`));
  const post = parsePostProcessor(root.post_processor, `${label} post_processor`);
  // The truncation and padding stored in tokenizer.json are not read: Transformers overrides them on
  // every call, and here the caller passes them to encode.
  return new PipelineTokenizer({
    kind,
    vocab,
    model,
    addedTokens,
    normalizer: parseNormalizer(root.normalizer, `${label} normalizer`, config),
    preTokenizer: parsePreTokenizer(root.pre_tokenizer, `${label} pre_tokenizer`, addPrefixSpace ?? config?.addPrefixSpace),
    template: post.template,
    decoder: parseDecoder(root.decoder, `${label} decoder`),
    specialTokens: names,
    cleanUpTokenizationSpaces: config?.cleanUpTokenizationSpaces ?? kind === "wordpiece",
    trimOffsets: config?.trimOffsets ?? post.trimOffsets,
  });
}

function parseVocabObject(value: unknown, where: string): Vocab {
  const obj = asObject(value, where);
  return Vocab.fromEntries(Object.entries(obj).map(([token, id]) => [token, asTokenId(id, `${where}[${JSON.stringify(token)}]`)] as const));
}

function parseWordPiece(obj: JsonObject, vocab: Vocab, where: string): Model {
  const unkToken = stringField(obj, "unk_token", where, "[UNK]") ?? "[UNK]";
  if (vocab.id(unkToken) === undefined) throw new FormatError(`${where}.unk_token: expected a token of ${where}.vocab, got ${describeJson(unkToken)}`);
  const maxChars = obj.max_input_chars_per_word;
  return new WordPiece(vocab, {
    unkToken,
    continuingSubwordPrefix: stringField(obj, "continuing_subword_prefix", where, "##") ?? "##",
    maxInputCharsPerWord: maxChars === undefined || maxChars === null ? 100 : asInteger(maxChars, `${where}.max_input_chars_per_word`),
  });
}

function parseBpe(obj: JsonObject, vocab: Vocab, where: string): Model {
  // Options that change the algorithm and that BERT/RoBERTa tokenizers never set: refuse rather than ignore.
  const unsupported: Array<[string, (v: unknown) => boolean]> = [
    ["dropout", (v) => v === null || v === undefined],
    ["continuing_subword_prefix", (v) => v === null || v === undefined || v === ""],
    ["end_of_word_suffix", (v) => v === null || v === undefined || v === ""],
    ["byte_fallback", (v) => v === null || v === undefined || v === false],
  ];
  for (const [key, isDefault] of unsupported) {
    if (!isDefault(obj[key])) throw new FormatError(`${where}.${key}: expected null or its default (not supported), got ${describeJson(obj[key])}`);
  }
  const merges = asArray(obj.merges, `${where}.merges`).map((raw, i) => parseMerge(raw, `${where}.merges[${i}]`));
  checkMerges(vocab, merges, (rank) => `${where}.merges[${rank}]`);
  const unkToken = stringField(obj, "unk_token", where, null);
  if (unkToken !== null && vocab.id(unkToken) === undefined) throw new FormatError(`${where}.unk_token: expected a token of ${where}.vocab, got ${describeJson(unkToken)}`);
  return new Bpe(vocab, merges, {
    unkToken,
    fuseUnk: booleanField(obj, "fuse_unk", where, false),
    ignoreMerges: booleanField(obj, "ignore_merges", where, false),
    cacheCapacity: 10_000,
  });
}

/** A merge is "left right" (older files) or ["left", "right"] (newer ones). */
function parseMerge(raw: unknown, where: string): [string, string] {
  if (typeof raw === "string") {
    const parts = raw.split(" ");
    if (parts.length !== 2) throw new FormatError(`${where}: expected "left right", got ${describeJson(raw)}`);
    return [parts[0], parts[1]];
  }
  const pair = asArray(raw, where);
  if (pair.length !== 2) throw new FormatError(`${where}: expected [left, right], got ${describeJson(raw)}`);
  return [asString(pair[0], `${where}[0]`), asString(pair[1], `${where}[1]`)];
}
