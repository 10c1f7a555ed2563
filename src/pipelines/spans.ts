// K-Adapter's span tasks, with inputs in the fields of the tasks' own data files:
//   entity typing (OpenEntity)            { text, start, end }: the mention's UTF-16 offsets in text; "@" goes
//                                         around it; the head reads the first "@"; result { labels, scores }
//   relation classification (TACRED)      { tokens, subject: [s, e], object: [s, e] }: inclusive token spans;
//                                         "@" around the subject, "#" around the object; result { label, score, scores }
import { ConfigError } from "../errors.js";
import { encodeMention, encodeRelationSpans, type MarkedInput } from "../data/index.js";
import type { Tokenizer } from "../tokenize/index.js";
import type { PipelineRow } from "./pipeline.js";
import { softmax, type ClassificationResult, type MultilabelResult } from "./text-classification.js";

export interface EntityTypingInput {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export interface RelationInput {
  readonly tokens: readonly string[];
  readonly subject: readonly [number, number];
  readonly object: readonly [number, number];
}

/** A row whose head reads marker positions (P per row). */
export interface SpanRow<R> extends PipelineRow<R> {
  readonly markers: Int32Array;
}

function asObject(input: unknown, where: string, fields: string): Record<string, unknown> {
  if (input === null || typeof input !== "object" || Array.isArray(input))
    throw new ConfigError(`${where}: expected an object ${fields}, got ${JSON.stringify(input)?.slice(0, 80)}`);
  return input as Record<string, unknown>;
}

/** The input's ids, with a bad span reported as the request's (markEntityText / markRelationWords name only themselves). */
function encoded(where: string, encode: () => MarkedInput): MarkedInput {
  try {
    return encode();
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${where}: ${err.message.replace(/^mark\w+: /, "")}`);
    throw err;
  }
}

export function encodeEntityTypingInput(tokenizer: Tokenizer, input: unknown, labels: readonly string[], maxLength: number, where: string): SpanRow<MultilabelResult> {
  const x = asObject(input, where, "{ text, start, end }");
  if (typeof x.text !== "string" || !Number.isInteger(x.start) || !Number.isInteger(x.end))
    throw new ConfigError(`${where}: expected { text: string, start: integer, end: integer }, got ${JSON.stringify(input)?.slice(0, 80)}`);
  const enc = encoded(where, () => encodeMention(tokenizer, x.text as string, x.start as number, x.end as number, maxLength));
  if (enc.positions[0] < 0) throw new ConfigError(`${where}: the mention starts past the first ${maxLength} tokens`);
  return {
    ids: enc.ids,
    typeIds: enc.typeIds,
    markers: Int32Array.from(enc.positions),
    decode: (logits, offset) => {
      const probs = labels.map((_, c) => 1 / (1 + Math.exp(-logits[offset + c])));
      return { labels: labels.filter((_, c) => probs[c] > 0.5), scores: Object.fromEntries(labels.map((l, c) => [l, probs[c]])) };
    },
  };
}

export function encodeRelationInput(tokenizer: Tokenizer, input: unknown, labels: readonly string[], maxLength: number, where: string): SpanRow<ClassificationResult> {
  const x = asObject(input, where, "{ tokens, subject, object }");
  const span = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && v.every(Number.isInteger);
  if (!Array.isArray(x.tokens) || !x.tokens.every((t) => typeof t === "string") || !span(x.subject) || !span(x.object)) {
    throw new ConfigError(
      `${where}: expected { tokens: string[], subject: [start, end], object: [start, end] } (inclusive token indices), got ${JSON.stringify(input)?.slice(0, 80)}`,
    );
  }
  const enc = encoded(where, () => encodeRelationSpans(tokenizer, x.tokens as string[], x.subject as [number, number], x.object as [number, number], maxLength));
  if (enc.positions.some((p) => p < 0)) throw new ConfigError(`${where}: the subject or object starts past the first ${maxLength} tokens`);
  return {
    ids: enc.ids,
    typeIds: enc.typeIds,
    markers: Int32Array.from(enc.positions),
    decode: (logits, offset) => {
      const probs = softmax(logits, offset, labels.length);
      const best = probs.indexOf(Math.max(...probs));
      return { label: labels[best], score: probs[best], scores: Object.fromEntries(labels.map((l, c) => [l, probs[c]])) };
    },
  };
}
