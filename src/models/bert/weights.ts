// The parameters of a BERT/RoBERTa encoder, and the mapping from checkpoint names (Hugging Face and Google
// TF) to AdapterKit's dotted paths. This file is the only place that knows checkpoint names.
//
// AdapterKit names (shapes with V vocab, P positions, TV token types, H hidden, I FFN inner):
//   embeddings.word.weight (V,H)  embeddings.position.weight (P,H)  embeddings.tokenType.weight (TV,H)
//   embeddings.norm.{weight,bias} (H)
//   encoder.layers.<i>.attn.{query,key,value,output}.weight (H,H) .bias (H)   attn.norm.{weight,bias} (H)
//   encoder.layers.<i>.ffn.inner.weight (I,H) .bias (I)   ffn.output.weight (H,I) .bias (H)   ffn.norm.* (H)
//   pooler.weight (H,H) .bias (H)
// Linear weights are [out, in] as Hugging Face stores them; Google's TF kernels are [in, out] and are
// transposed on load.
import { formatShape, shapeSize, type Shape } from "../../dtype.js";
import { FormatError } from "../../errors.js";
import type { BertConfig } from "./config.js";

export interface ParameterSpec {
  readonly name: string;
  readonly shape: Shape;
}

/** A named float32 tensor as read from a checkpoint (already upcast). */
export interface NamedArray {
  readonly name: string;
  readonly shape: Shape;
  readonly data: Float32Array;
}

export function encoderParameters(config: BertConfig): ParameterSpec[] {
  const { vocabSize: V, hiddenSize: H, intermediateSize: I, maxPositions: P, typeVocabSize: TV } = config;
  const specs: ParameterSpec[] = [
    { name: "embeddings.word.weight", shape: [V, H] },
    { name: "embeddings.position.weight", shape: [P, H] },
    { name: "embeddings.tokenType.weight", shape: [TV, H] },
    { name: "embeddings.norm.weight", shape: [H] },
    { name: "embeddings.norm.bias", shape: [H] },
  ];
  for (let i = 0; i < config.numLayers; i++) {
    const layer = `encoder.layers.${i}`;
    for (const proj of ["query", "key", "value", "output"]) {
      specs.push({ name: `${layer}.attn.${proj}.weight`, shape: [H, H] }, { name: `${layer}.attn.${proj}.bias`, shape: [H] });
    }
    specs.push(
      { name: `${layer}.attn.norm.weight`, shape: [H] }, { name: `${layer}.attn.norm.bias`, shape: [H] },
      { name: `${layer}.ffn.inner.weight`, shape: [I, H] }, { name: `${layer}.ffn.inner.bias`, shape: [I] },
      { name: `${layer}.ffn.output.weight`, shape: [H, I] }, { name: `${layer}.ffn.output.bias`, shape: [H] },
      { name: `${layer}.ffn.norm.weight`, shape: [H] }, { name: `${layer}.ffn.norm.bias`, shape: [H] },
    );
  }
  specs.push({ name: "pooler.weight", shape: [H, H] }, { name: "pooler.bias", shape: [H] });
  return specs;
}

// Hugging Face suffix (after the optional "bert."/"roberta." prefix) for each AdapterKit name.
const HF_LAYER_NAMES: [string, string][] = [
  ["attn.query", "attention.self.query"],
  ["attn.key", "attention.self.key"],
  ["attn.value", "attention.self.value"],
  ["attn.output", "attention.output.dense"],
  ["attn.norm", "attention.output.LayerNorm"],
  ["ffn.inner", "intermediate.dense"],
  ["ffn.output", "output.dense"],
  ["ffn.norm", "output.LayerNorm"],
];
const HF_TOP_NAMES: [string, string][] = [
  ["embeddings.word", "embeddings.word_embeddings"],
  ["embeddings.position", "embeddings.position_embeddings"],
  ["embeddings.tokenType", "embeddings.token_type_embeddings"],
  ["embeddings.norm", "embeddings.LayerNorm"],
  ["pooler", "pooler.dense"],
];

/** The Hugging Face name (without model prefix) of an AdapterKit parameter. */
export function hfName(name: string): string {
  const layer = /^encoder\.layers\.(\d+)\.(.+)\.(weight|bias)$/.exec(name);
  if (layer) {
    const found = HF_LAYER_NAMES.find(([ak]) => ak === layer[2]);
    if (found) return `encoder.layer.${layer[1]}.${found[1]}.${layer[3]}`;
  }
  const top = /^(.+)\.(weight|bias)$/.exec(name);
  const found = top ? HF_TOP_NAMES.find(([ak]) => ak === top[1]) : undefined;
  if (!top || !found) throw new FormatError(`hfName: unknown AdapterKit parameter "${name}"`);
  return `${found[1]}.${top[2]}`;
}

/** Google TF variable name of an AdapterKit parameter, and whether its kernel is stored [in, out]. */
export function tfName(name: string): { tf: string; transposed: boolean } {
  const hf = hfName(name);
  const isEmbedding = /_embeddings\.weight$/.test(hf);
  const tf = "bert/" + hf
    .replace(/\.LayerNorm\.weight$/, ".LayerNorm.gamma")
    .replace(/\.LayerNorm\.bias$/, ".LayerNorm.beta")
    .replace(/_embeddings\.weight$/, "_embeddings")
    .replace(/\.weight$/, ".kernel")
    .replace(/^encoder\.layer\.(\d+)\./, "encoder.layer_$1.")
    .replaceAll(".", "/");
  return { tf, transposed: !isEmbedding && tf.endsWith("/kernel") };
}

// Checkpoint entries that are buffers or training state, not parameters: skipped without complaint.
const IGNORED = [/(^|\.)embeddings\.position_ids$/, /^global_step$/, /\/adam_[mv]$/];

export interface LoadOptions {
  /** Accept checkpoint tensors that are not encoder parameters (an MLM head, say); they are returned. */
  allowUnexpected?: boolean;
  /** File or directory named in errors. */
  source?: string;
}

const POOLER = ["pooler.weight", "pooler.bias"];

export interface MappedWeights {
  /** AdapterKit name -> data, every encoder parameter present. */
  params: Map<string, Float32Array>;
  /** Checkpoint names that are not encoder parameters (only when allowUnexpected). */
  unexpected: string[];
  /** False when the checkpoint has no pooler (both its tensors absent): the model is then built without one. */
  hasPooler: boolean;
}

/**
 * Maps checkpoint tensors onto the encoder's parameters. Strict: missing, unexpected and mis-shaped
 * tensors are reported together in one error. Accepts HF names with or without the "bert."/"roberta."
 * prefix, and Google TF names.
 */
export function mapCheckpoint(records: readonly NamedArray[], config: BertConfig, options: LoadOptions = {}): MappedWeights {
  const source = options.source ?? "checkpoint";
  const byName = new Map(records.map((r) => [r.name, r]));
  const used = new Set<string>();
  const params = new Map<string, Float32Array>();
  const missing: string[] = [];
  const misShaped: string[] = [];
  const prefixes = [`${config.modelType}.`, ""];

  for (const spec of encoderParameters(config)) {
    const hf = hfName(spec.name);
    const { tf, transposed } = tfName(spec.name);
    const candidates = [...prefixes.map((p) => ({ key: p + hf, transposed: false })), { key: tf, transposed }];
    const hit = candidates.find((c) => byName.has(c.key));
    const record = hit ? byName.get(hit.key) : undefined;
    if (!hit || !record) {
      missing.push(`${config.modelType}.${hf}`);
      continue;
    }
    used.add(hit.key);
    const storedShape = hit.transposed ? [...spec.shape].reverse() : spec.shape;
    if (formatShape(record.shape) !== formatShape(storedShape)) {
      misShaped.push(`${hit.key}: expected ${formatShape(storedShape)}, got ${formatShape(record.shape)}`);
      continue;
    }
    params.set(spec.name, hit.transposed ? transpose(record.data, storedShape[0], storedShape[1]) : record.data);
  }

  const unexpected = records.map((r) => r.name).filter((n) => !used.has(n) && !IGNORED.some((re) => re.test(n)));
  // *ForMaskedLM exports and RoBERTa checkpoints have no pooler: fine, when both of its tensors are absent
  const poolerMissing = missing.filter((n) => /\.pooler\.dense\.(weight|bias)$/.test(n));
  const hasPooler = poolerMissing.length === 0;
  if (poolerMissing.length === POOLER.length) missing.splice(0, missing.length, ...missing.filter((n) => !poolerMissing.includes(n)));
  const problems: string[] = [];
  if (missing.length) problems.push(`missing ${missing.length}: ${missing.join(", ")}`);
  if (misShaped.length) problems.push(`mis-shaped ${misShaped.length}: ${misShaped.join("; ")}`);
  if (unexpected.length && !options.allowUnexpected) problems.push(`unexpected ${unexpected.length}: ${unexpected.join(", ")}`);
  if (problems.length) {
    const hint = unexpected.length && !options.allowUnexpected ? "; hint: allow unexpected tensors (an MLM head, say) with allowUnexpected" : "";
    throw new FormatError(`${source}: expected the tensors of a ${config.modelType} encoder with ${config.numLayers} layers, got ${problems.join("; ")}${hint}`);
  }
  return { params, unexpected, hasPooler };
}

// (rows, cols) -> (cols, rows)
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(shapeSize([rows, cols]));
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}
