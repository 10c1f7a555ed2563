// One typed, frozen config for BERT and RoBERTa encoders, read from a Hugging Face config.json or Google's
// bert_config.json. This file is the only place that reads "hidden_size" and its siblings.
import { ConfigError } from "../../errors.js";

export type ModelType = "bert" | "roberta";

/** The FFN activation as the checkpoint's source computes it. */
import type { HiddenActivation } from "../../nn/index.js";
export type { HiddenActivation };

export interface BertConfig {
  readonly modelType: ModelType;
  readonly vocabSize: number; // V; 30522 for bert-base-uncased, 50265 for roberta-base
  readonly hiddenSize: number; // H; 768 for base, 1024 for large
  readonly numLayers: number; // 12 for base, 24 for large
  readonly numHeads: number; // NH; H / NH is the head size HS (64 for base and large)
  readonly intermediateSize: number; // I; 4·H (3072 for base)
  readonly hiddenActivation: HiddenActivation; // GELU: tanh for Google checkpoints, erf for HF "gelu"
  readonly hiddenDropout: number; // 0.1; on embeddings, attention output and FFN output
  readonly attentionDropout: number; // 0.1; on the attention probabilities
  readonly maxPositions: number; // 512 for BERT; 514 for RoBERTa (padding_idx + 1 slots come first)
  readonly typeVocabSize: number; // 2 for BERT; 1 for RoBERTa
  readonly layerNormEps: number; // 1e-12 for BERT; 1e-5 for RoBERTa
  readonly padTokenId: number; // 0 for BERT; 1 for RoBERTa
  readonly positionOffset: number; // first position id: 0 for BERT; padding_idx + 1 = 2 for RoBERTa
  readonly initializerRange: number; // 0.02; std of the truncated normal used for new weights
}

type Json = Record<string, unknown>;

function field(json: Json, source: string, key: string, fallback?: number): number {
  const value = json[key] ?? fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ConfigError(`${source}: expected a number for "${key}", got ${JSON.stringify(json[key])}`);
  }
  return value;
}

function positiveInt(json: Json, source: string, key: string, fallback?: number): number {
  const value = field(json, source, key, fallback);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${source}: expected a positive integer for "${key}", got ${value}`);
  return value;
}

// Hugging Face names the exact erf GELU "gelu"; google-research/bert's "gelu" is the tanh approximation.
const HF_ACTIVATIONS: Record<string, HiddenActivation> = {
  gelu: { kind: "gelu", approximation: "erf" },
  gelu_new: { kind: "gelu", approximation: "tanh" },
  gelu_pytorch_tanh: { kind: "gelu", approximation: "tanh" },
  gelu_fast: { kind: "gelu", approximation: "tanh" },
  relu: { kind: "relu" },
  tanh: { kind: "tanh" },
};
const GOOGLE_ACTIVATIONS: Record<string, HiddenActivation> = {
  gelu: { kind: "gelu", approximation: "tanh" },
  relu: { kind: "relu" },
  tanh: { kind: "tanh" },
};

function activation(json: Json, source: string, table: Record<string, HiddenActivation>, key = "hidden_act"): HiddenActivation {
  const name = json[key] ?? "gelu";
  const found = typeof name === "string" ? table[name] : undefined;
  if (!found) throw new ConfigError(`${source}: unknown ${key} ${JSON.stringify(name)}; expected one of ${Object.keys(table).join(", ")}`);
  return found;
}

/** An activation by its Hugging Face name (json[key], default "gelu" = erf GELU), for other configs in HF style. */
export function hfActivation(json: Json, source: string, key: string): HiddenActivation {
  return activation(json, source, HF_ACTIVATIONS, key);
}

/** The Hugging Face name of an activation: "gelu" (erf), "gelu_new" (tanh approximation), "relu", "tanh". */
export function hfActivationName(act: HiddenActivation): string {
  return act.kind === "gelu" ? (act.approximation === "erf" ? "gelu" : "gelu_new") : act.kind;
}

function validated(config: BertConfig, source: string): BertConfig {
  if (config.hiddenSize % config.numHeads !== 0) {
    throw new ConfigError(`${source}: expected hidden_size divisible by num_attention_heads, got ${config.hiddenSize} and ${config.numHeads}`);
  }
  for (const key of ["hiddenDropout", "attentionDropout"] as const) {
    if (!(config[key] >= 0 && config[key] < 1)) throw new ConfigError(`${source}: expected a dropout in [0,1) for ${key}, got ${config[key]}`);
  }
  if (!(config.layerNormEps > 0)) throw new ConfigError(`${source}: expected layer_norm_eps > 0, got ${config.layerNormEps}`);
  return Object.freeze(config);
}

/**
 * The architecture of a config.json: its model_type, or, for configs written by older Hugging Face versions
 * that have none, what its `architectures` list names (BertForMaskedLM, RobertaModel, ...), else the prefix of
 * the checkpoint's tensor names (bert., roberta.). `how` says which, so the loader can tell the user.
 */
export function inferModelType(json: Json, tensorNames: readonly string[], source = "config.json"): { modelType: ModelType; how: string } {
  const given = json.model_type;
  if (given !== undefined) {
    if (given !== "bert" && given !== "roberta") throw new ConfigError(`${source}: unknown model_type ${JSON.stringify(given)}; expected one of bert, roberta`);
    return { modelType: given, how: "model_type" };
  }
  const architectures = Array.isArray(json.architectures) ? json.architectures.filter((a): a is string => typeof a === "string") : [];
  for (const a of architectures) {
    if (/^Roberta/.test(a)) return { modelType: "roberta", how: `architectures (${a})` };
    if (/^Bert/.test(a)) return { modelType: "bert", how: `architectures (${a})` };
  }
  const roberta = tensorNames.some((n) => n.startsWith("roberta."));
  const bert = tensorNames.some((n) => n.startsWith("bert."));
  if (roberta !== bert) return { modelType: roberta ? "roberta" : "bert", how: `the tensor names (${roberta ? "roberta" : "bert"}.*)` };
  throw new ConfigError(`${source}: expected "model_type" (bert or roberta); got none, ${architectures.length ? `architectures ${JSON.stringify(architectures)} naming neither` : "no architectures"}, and tensor names that ${roberta ? "have both bert. and roberta." : "have neither a bert. nor a roberta."} prefix; hint: add "model_type" to config.json`);
}

/** From a Hugging Face config.json (model_type "bert" or "roberta"; see inferModelType for configs without one). */
export function fromHfConfig(json: Json, source = "config.json"): BertConfig {
  const modelType = inferModelType(json, [], source).modelType;
  const roberta = modelType === "roberta";
  const padTokenId = field(json, source, "pad_token_id", roberta ? 1 : 0);
  return validated({
    modelType,
    vocabSize: positiveInt(json, source, "vocab_size"),
    hiddenSize: positiveInt(json, source, "hidden_size"),
    numLayers: positiveInt(json, source, "num_hidden_layers"),
    numHeads: positiveInt(json, source, "num_attention_heads"),
    intermediateSize: positiveInt(json, source, "intermediate_size"),
    hiddenActivation: activation(json, source, HF_ACTIVATIONS),
    hiddenDropout: field(json, source, "hidden_dropout_prob", 0.1),
    attentionDropout: field(json, source, "attention_probs_dropout_prob", 0.1),
    maxPositions: positiveInt(json, source, "max_position_embeddings", 512),
    typeVocabSize: positiveInt(json, source, "type_vocab_size", roberta ? 1 : 2),
    layerNormEps: field(json, source, "layer_norm_eps", 1e-12),
    padTokenId,
    positionOffset: roberta ? padTokenId + 1 : 0,
    initializerRange: field(json, source, "initializer_range", 0.02),
  }, source);
}

/** From Google's bert_config.json (google-research/bert and adapter-bert checkpoints). */
export function fromGoogleConfig(json: Json, source = "bert_config.json"): BertConfig {
  return validated({
    modelType: "bert",
    vocabSize: positiveInt(json, source, "vocab_size"),
    hiddenSize: positiveInt(json, source, "hidden_size"),
    numLayers: positiveInt(json, source, "num_hidden_layers"),
    numHeads: positiveInt(json, source, "num_attention_heads"),
    intermediateSize: positiveInt(json, source, "intermediate_size"),
    hiddenActivation: activation(json, source, GOOGLE_ACTIVATIONS),
    hiddenDropout: field(json, source, "hidden_dropout_prob", 0.1),
    attentionDropout: field(json, source, "attention_probs_dropout_prob", 0.1),
    maxPositions: positiveInt(json, source, "max_position_embeddings", 512),
    typeVocabSize: positiveInt(json, source, "type_vocab_size", 2),
    layerNormEps: 1e-12, // google-research/bert hard-codes it
    padTokenId: 0,
    positionOffset: 0,
    initializerRange: field(json, source, "initializer_range", 0.02),
  }, source);
}

/** Writes the Hugging Face config.json fields for a config (for saving a model directory). */
export function toHfConfig(config: BertConfig): Json {
  return {
    model_type: config.modelType,
    architectures: [config.modelType === "bert" ? "BertForMaskedLM" : "RobertaForMaskedLM"],
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    num_hidden_layers: config.numLayers,
    num_attention_heads: config.numHeads,
    intermediate_size: config.intermediateSize,
    hidden_act: hfActivationName(config.hiddenActivation),
    hidden_dropout_prob: config.hiddenDropout,
    attention_probs_dropout_prob: config.attentionDropout,
    max_position_embeddings: config.maxPositions,
    type_vocab_size: config.typeVocabSize,
    layer_norm_eps: config.layerNormEps,
    pad_token_id: config.padTokenId,
    initializer_range: config.initializerRange,
  };
}
