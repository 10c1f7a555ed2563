// A tiny BERT and adapters of every kind over it, with weights far from init so that every part shows.
import { Adapter, bottleneckConfig } from "../../src/adapters/index.js";
import { Engine } from "../../src/autograd/index.js";
import { headConfig, type HeadConfig } from "../../src/heads/index.js";
import type { Backend } from "../../src/kernels/index.js";
import { BertModel, fromHfConfig } from "../../src/models/index.js";
import { Rng } from "../../src/rng.js";

export const tinyConfig = fromHfConfig({
  model_type: "bert",
  vocab_size: 30,
  hidden_size: 16,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 32,
  max_position_embeddings: 16,
  type_vocab_size: 2,
  hidden_act: "gelu_new",
});

export function tinyBase(backend: Backend): { e: Engine; base: BertModel } {
  const e = new Engine({ backend });
  const base = new BertModel(e, tinyConfig, { seed: 4 });
  for (const t of base.parameters()) t.requiresGrad = false;
  return { e, base };
}

export type AdapterKind = "houlsby" | "pfeiffer" | "layernorm-only" | "head-only";

/** An adapter with random (not near-identity) bottlenecks and LayerNorms, so a mix-up between adapters shows. */
export function randomAdapter(e: Engine, base: BertModel, name: string, kind: AdapterKind, head: HeadConfig, seed: number): Adapter {
  const H = base.config.hiddenSize;
  const L = base.config.numLayers;
  const bottleneck = kind === "houlsby" || kind === "pfeiffer" ? bottleneckConfig(kind, { bottleneckSize: 4, initScale: 0.3 }, H, L) : null;
  const rng = new Rng(seed);
  const adapter = new Adapter(e, name, base, { bottleneck, layerNorms: kind !== "head-only", head }, { bottleneck: rng.fork("adapter"), head: rng.fork("head") });
  const noise = rng.fork("norms");
  for (const t of adapter.layerNorms?.parameters() ?? []) for (let i = 0; i < t.size; i++) t.data[i] += 0.2 * noise.normal();
  for (const t of adapter.head.parameters()) for (let i = 0; i < t.size; i++) t.data[i] += 0.3 * noise.normal();
  return adapter;
}

export const HEADS = {
  classification: headConfig("classification", ["neg", "pos", "mixed"], 0.1, "pooler"),
  regression: headConfig("regression", ["score"], 0.1, "mean"),
  multilabel: headConfig("multilabel", ["a", "b", "c", "d"], 0.1, "pooler"),
  tagging: headConfig("tagging", ["O", "B-PER", "I-PER"]),
} as const;
