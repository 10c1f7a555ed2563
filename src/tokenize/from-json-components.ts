// The normalizer, pre-tokenizer, post-processor and decoder of a Hugging Face tokenizer.json. Only the
// components BERT and RoBERTa tokenizers use are supported; any other is a FormatError listing these.
import { FormatError } from "../errors.js";
import { ByteLevelDecoder } from "./decoders/byte-level-decoder.js";
import { WordPieceDecoder } from "./decoders/wordpiece-decoder.js";
import {
  asArray, asInteger, asObject, asString, booleanField, componentType, describeJson, nullableBooleanField, stringField,
} from "./json-fields.js";
import { BertNormalizer } from "./normalizers/bert-normalizer.js";
import type { Decoder, Normalizer, PreTokenizer } from "./pipeline.js";
import {
  bertTemplate, PLAIN_TEMPLATE, robertaTemplate, TemplatePostProcessor, type TemplateItem,
} from "./post-processors/template.js";
import { BertPreTokenizer } from "./pre-tokenizers/bert-pre-tokenizer.js";
import { ByteLevelPreTokenizer } from "./pre-tokenizers/byte-level.js";
import type { TokenizerConfig } from "./tokenizer-config.js";

export const SUPPORTED_NORMALIZERS = ["BertNormalizer"] as const;
export const SUPPORTED_PRE_TOKENIZERS = ["BertPreTokenizer", "ByteLevel"] as const;
export const SUPPORTED_POST_PROCESSORS = ["TemplateProcessing", "BertProcessing", "RobertaProcessing", "ByteLevel", "Sequence"] as const;
export const SUPPORTED_DECODERS = ["WordPiece", "ByteLevel"] as const;

/**
 * BertNormalizer; do_lower_case, strip_accents and tokenize_chinese_chars from tokenizer_config.json win
 * over the ones stored here, as BertTokenizerFast rebuilds its normalizer when they disagree.
 */
export function parseNormalizer(value: unknown, where: string, config: TokenizerConfig | null): Normalizer | null {
  if (value === null || value === undefined) return null;
  componentType(value, where, SUPPORTED_NORMALIZERS);
  const obj = asObject(value, where);
  return new BertNormalizer({
    cleanText: booleanField(obj, "clean_text", where, true),
    handleChineseChars: config?.tokenizeChineseChars ?? booleanField(obj, "handle_chinese_chars", where, true),
    stripAccents: config?.stripAccents !== undefined ? config.stripAccents : nullableBooleanField(obj, "strip_accents", where),
    lowercase: config?.doLowerCase ?? booleanField(obj, "lowercase", where, true),
  });
}

/** `addPrefixSpace`, when given, replaces the stored add_prefix_space (RobertaTokenizerFast(add_prefix_space=...)). */
export function parsePreTokenizer(value: unknown, where: string, addPrefixSpace: boolean | undefined): PreTokenizer {
  const type = componentType(value, where, SUPPORTED_PRE_TOKENIZERS);
  if (type === "BertPreTokenizer") return new BertPreTokenizer();
  const obj = asObject(value, where);
  return new ByteLevelPreTokenizer({
    addPrefixSpace: addPrefixSpace ?? booleanField(obj, "add_prefix_space", where, true),
    useRegex: booleanField(obj, "use_regex", where, true),
  });
}

export interface PostProcessing {
  template: TemplatePostProcessor;
  /** trim_offsets of a RobertaProcessing or ByteLevel post-processor. */
  trimOffsets: boolean;
}

export function parsePostProcessor(value: unknown, where: string): PostProcessing {
  if (value === null || value === undefined) return { template: PLAIN_TEMPLATE, trimOffsets: false };
  const type = componentType(value, where, SUPPORTED_POST_PROCESSORS);
  const obj = asObject(value, where);
  switch (type) {
    case "TemplateProcessing":
      return { template: parseTemplate(obj, where), trimOffsets: false };
    case "BertProcessing":
      return { template: bertTemplate(tokenAndId(obj.cls, `${where}.cls`), tokenAndId(obj.sep, `${where}.sep`)), trimOffsets: false };
    case "RobertaProcessing":
      return {
        template: robertaTemplate(tokenAndId(obj.cls, `${where}.cls`), tokenAndId(obj.sep, `${where}.sep`)),
        trimOffsets: booleanField(obj, "trim_offsets", where, true),
      };
    case "ByteLevel":
      return { template: PLAIN_TEMPLATE, trimOffsets: booleanField(obj, "trim_offsets", where, true) };
    default:
      return parseSequence(obj, where);
  }
}

/** A Sequence of post-processors: at most one adds special tokens; any may trim offsets. */
function parseSequence(obj: Record<string, unknown>, where: string): PostProcessing {
  let template: TemplatePostProcessor | null = null;
  let trimOffsets = false;
  asArray(obj.processors, `${where}.processors`).forEach((item, i) => {
    const part = parsePostProcessor(item, `${where}.processors[${i}]`);
    trimOffsets ||= part.trimOffsets;
    if (part.template === PLAIN_TEMPLATE) return;
    if (template !== null) throw new FormatError(`${where}.processors[${i}]: expected at most one processor that adds special tokens, got a second one`);
    template = part.template;
  });
  return { template: template ?? PLAIN_TEMPLATE, trimOffsets };
}

function tokenAndId(value: unknown, where: string): [string, number] {
  const pair = asArray(value, where);
  if (pair.length !== 2) throw new FormatError(`${where}: expected [token, id], got ${describeJson(value)}`);
  return [asString(pair[0], `${where}[0]`), asInteger(pair[1], `${where}[1]`)];
}

function parseTemplate(obj: Record<string, unknown>, where: string): TemplatePostProcessor {
  const specials = asObject(obj.special_tokens ?? {}, `${where}.special_tokens`);
  const items = (key: "single" | "pair"): TemplateItem[] =>
    asArray(obj[key], `${where}.${key}`).map((raw, i): TemplateItem => {
      const at = `${where}.${key}[${i}]`;
      const item = asObject(raw, at);
      if (item.Sequence !== undefined) {
        const seq = asObject(item.Sequence, `${at}.Sequence`);
        const id = asString(seq.id, `${at}.Sequence.id`);
        if (id !== "A" && id !== "B") throw new FormatError(`${at}.Sequence.id: expected "A" or "B", got ${describeJson(id)}`);
        return { kind: "sequence", sequence: id === "A" ? 0 : 1, typeId: asInteger(seq.type_id ?? 0, `${at}.Sequence.type_id`) };
      }
      if (item.SpecialToken !== undefined) {
        const special = asObject(item.SpecialToken, `${at}.SpecialToken`);
        const name = asString(special.id, `${at}.SpecialToken.id`);
        if (specials[name] === undefined) throw new FormatError(`${at}.SpecialToken.id: expected a key of ${where}.special_tokens, got ${describeJson(name)}`);
        const entry = asObject(specials[name], `${where}.special_tokens.${name}`);
        const ids = asArray(entry.ids, `${where}.special_tokens.${name}.ids`).map((id, k) => asInteger(id, `${where}.special_tokens.${name}.ids[${k}]`));
        const tokens = asArray(entry.tokens, `${where}.special_tokens.${name}.tokens`).map((t, k) => asString(t, `${where}.special_tokens.${name}.tokens[${k}]`));
        if (ids.length !== tokens.length) throw new FormatError(`${where}.special_tokens.${name}: expected as many ids as tokens, got ${ids.length} and ${tokens.length}`);
        return { kind: "special", ids, tokens, typeId: asInteger(special.type_id ?? 0, `${at}.SpecialToken.type_id`) };
      }
      throw new FormatError(`${at}: expected a Sequence or SpecialToken item, got keys ${Object.keys(item).join(", ")}`);
    });
  return new TemplatePostProcessor(items("single"), items("pair"));
}

export function parseDecoder(value: unknown, where: string): Decoder {
  const type = componentType(value, where, SUPPORTED_DECODERS);
  if (type === "ByteLevel") return new ByteLevelDecoder();
  const obj = asObject(value, where);
  return new WordPieceDecoder(stringField(obj, "prefix", where, "##") ?? "##", booleanField(obj, "cleanup", where, true));
}
