// From raw examples to padded batches: tokenise once, order examples into length-bucketed batches (so a
// batch pads to its own longest sequence, not the global maximum), and collate each batch into typed arrays.
import { FormatError } from "../errors.js";
import type { Rng } from "../rng.js";
import { labelsToTokens, type Tokenizer } from "../tokenize/index.js";

export type TaskKind = "classification" | "multilabel" | "regression" | "tagging";

/** One tokenised example. target: class id, score, multi-hot (C) or per-token class ids (T, -100 ignored). */
export interface EncodedExample {
  readonly ids: Int32Array;
  readonly typeIds: Int32Array;
  readonly target: number | Float32Array | Int32Array | null;
  readonly source: string; // file:line, for error messages and predictions
  /** Token positions a head reads (K-Adapter's entity markers), the same count in every example of a task. */
  readonly markers?: Int32Array;
}

export interface Batch {
  readonly ids: Int32Array; // (B,T)
  readonly typeIds: Int32Array; // (B,T)
  readonly attentionMask: Int32Array; // (B,T)
  readonly batchSize: number;
  readonly seqLength: number;
  /** Class ids (B) or (B·T), or float targets (B) or (B·C); null for unlabelled data. */
  readonly labels: { kind: "classes"; ids: Int32Array } | { kind: "values"; values: Float32Array } | null;
  /** (B,P) marker positions when the examples have them. */
  readonly markers: Int32Array | null;
  readonly examples: readonly EncodedExample[];
}

export interface TextInput {
  textA: string;
  textB?: string;
  label: string | number | string[] | null;
  source: string;
}

export interface TaggedInput {
  words: string[];
  tags: string[] | null;
  source: string;
}

function classId(labelIds: ReadonlyMap<string, number>, label: string, source: string): number {
  const id = labelIds.get(label);
  if (id === undefined) throw new FormatError(`${source}: unknown label "${label}"; expected one of ${[...labelIds.keys()].join(", ")}`);
  return id;
}

export function encodeText(tokenizer: Tokenizer, inputs: readonly TextInput[], kind: Exclude<TaskKind, "tagging">, labelIds: ReadonlyMap<string, number>, maxLength: number): EncodedExample[] {
  return inputs.map((x) => {
    const enc = tokenizer.encode(x.textA, x.textB ?? null, { maxLength, truncation: "longest_first" });
    let target: EncodedExample["target"] = null;
    if (x.label !== null) {
      if (kind === "regression") {
        target = typeof x.label === "number" ? x.label : Number(x.label);
        if (!Number.isFinite(target)) throw new FormatError(`${x.source}: expected a number label for regression, got ${JSON.stringify(x.label)}`);
      } else if (kind === "multilabel") {
        const hot = new Float32Array(labelIds.size);
        for (const l of Array.isArray(x.label) ? x.label : [String(x.label)]) hot[classId(labelIds, l, x.source)] = 1;
        target = hot;
      } else {
        target = classId(labelIds, String(x.label), x.source);
      }
    }
    return { ids: enc.ids, typeIds: enc.typeIds, target, source: x.source };
  });
}

/** Tagging: each word's tag goes to its first sub-token; other sub-tokens and specials get -100. */
export function encodeTagged(tokenizer: Tokenizer, inputs: readonly TaggedInput[], labelIds: ReadonlyMap<string, number>, maxLength: number): EncodedExample[] {
  return inputs.map((x) => {
    const enc = tokenizer.encodePretokenized(x.words, null, { maxLength, truncation: "longest_first" });
    const target = x.tags === null ? null : labelsToTokens(x.tags.map((t) => classId(labelIds, t, x.source)), enc.wordIds);
    return { ids: enc.ids, typeIds: enc.typeIds, target, source: x.source };
  });
}

/**
 * Batches of example indices. With an rng: shuffle, sort within windows of 50 batches by length, cut into
 * batches, then shuffle the batch order (length bucketing keeps padding small and order random).
 * Without: the data order, in batches.
 */
export function batchOrder(examples: readonly EncodedExample[], batchSize: number, rng: Rng | null): number[][] {
  const order = examples.map((_, i) => i);
  if (rng) {
    shuffle(order, rng);
    const window = batchSize * 50;
    for (let start = 0; start < order.length; start += window) {
      const part = order.slice(start, start + window).sort((a, b) => examples[a].ids.length - examples[b].ids.length || a - b);
      order.splice(start, part.length, ...part);
    }
  }
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
  if (rng) shuffle(batches, rng);
  return batches;
}

function shuffle<T>(items: T[], rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
}

/** Pads a batch to its longest sequence (right padding) and gathers its targets. */
export function collate(examples: readonly EncodedExample[], kind: TaskKind, padId: number): Batch {
  const B = examples.length;
  const T = Math.max(...examples.map((x) => x.ids.length));
  const ids = new Int32Array(B * T).fill(padId);
  const typeIds = new Int32Array(B * T);
  const attentionMask = new Int32Array(B * T);
  examples.forEach((x, b) => {
    ids.set(x.ids, b * T);
    typeIds.set(x.typeIds, b * T);
    attentionMask.fill(1, b * T, b * T + x.ids.length);
  });
  return { ids, typeIds, attentionMask, batchSize: B, seqLength: T, labels: collateTargets(examples, kind, T), markers: collateMarkers(examples), examples };
}

function collateMarkers(examples: readonly EncodedExample[]): Int32Array | null {
  const P = examples[0]?.markers?.length ?? 0;
  if (P === 0) return null;
  const markers = new Int32Array(examples.length * P);
  examples.forEach((x, b) => {
    if (x.markers?.length !== P) throw new FormatError(`${x.source}: expected ${P} marker positions like the rest of the batch, got ${x.markers?.length ?? 0}`);
    markers.set(x.markers, b * P);
  });
  return markers;
}

function collateTargets(examples: readonly EncodedExample[], kind: TaskKind, T: number): Batch["labels"] {
  if (examples.some((x) => x.target === null)) return null;
  const B = examples.length;
  if (kind === "classification") return { kind: "classes", ids: Int32Array.from(examples, (x) => Number(x.target)) };
  if (kind === "regression") return { kind: "values", values: Float32Array.from(examples, (x) => Number(x.target)) };
  if (kind === "tagging") {
    const ids = new Int32Array(B * T).fill(-100);
    examples.forEach((x, b) => { if (x.target instanceof Int32Array) ids.set(x.target, b * T); });
    return { kind: "classes", ids };
  }
  const first = examples[0].target;
  const C = first instanceof Float32Array ? first.length : 0;
  const values = new Float32Array(B * C);
  examples.forEach((x, b) => { if (x.target instanceof Float32Array) values.set(x.target, b * C); });
  return { kind: "values", values };
}
