// What each training mode trains, by parameter name.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Adapter, bottleneckConfig } from "../../src/adapters/index.js";
import { Engine } from "../../src/autograd/index.js";
import { ConfigError } from "../../src/errors.js";
import { headConfig } from "../../src/heads/index.js";
import { refBackend } from "../../src/kernels/index.js";
import { BertModel, fromHfConfig } from "../../src/models/index.js";
import { Rng } from "../../src/rng.js";
import { adapterPartsFor, applyTrainMode, TaskModel, type TrainMode } from "../../src/train/index.js";

const config = fromHfConfig({
  model_type: "bert", vocab_size: 20, hidden_size: 8, num_hidden_layers: 3, num_attention_heads: 2,
  intermediate_size: 16, max_position_embeddings: 16, type_vocab_size: 2, hidden_act: "gelu",
});

function trainedNames(mode: TrainMode, topLayers?: number): string[] {
  const e = new Engine({ backend: refBackend });
  const base = new BertModel(e, config);
  const spec = { ...adapterPartsFor(mode, bottleneckConfig("houlsby", { bottleneckSize: 2 }, 8, 3)), head: headConfig("classification", ["0", "1"]) };
  const model = new TaskModel(base, new Adapter(e, "a", base, spec, { bottleneck: new Rng(3), head: new Rng(1) }));
  return applyTrainMode(mode, model.parameterGroups(), { topLayers }).map(([n]) => n);
}

describe("training modes", () => {
  it("adapters: adapters, the adapter's copy of every LayerNorm and the head; not the pooler or any other base weight", () => {
    const names = trainedNames("adapters");
    assert.ok(names.includes("adapters.a.layers.0.afterAttention.down.weight"));
    assert.ok(names.includes("embeddings.norm.weight") && names.includes("encoder.layers.2.ffn.norm.bias"));
    assert.ok(names.includes("head.classifier.weight"));
    assert.ok(!names.some((n) => n.startsWith("pooler.") || /attn\.query|ffn\.inner|embeddings\.word/.test(n)));
  });

  it("top-layers: the top k transformer layers, the pooler and the head", () => {
    const names = trainedNames("top-layers", 2);
    const layers = new Set(names.flatMap((n) => /^encoder\.layers\.(\d+)\./.exec(n)?.[1] ?? []));
    assert.deepEqual([...layers].sort(), ["1", "2"]);
    assert.ok(names.includes("encoder.layers.1.attn.query.weight") && names.includes("pooler.weight") && names.includes("head.classifier.bias"));
    assert.ok(!names.some((n) => n.startsWith("embeddings.") || n.startsWith("adapters.")));
    assert.throws(() => trainedNames("top-layers", 4), (e: unknown) => e instanceof ConfigError && /1 <= top layers <= 3, got 4/.test(e.message));
  });

  it("head-only, layernorm-only and full", () => {
    assert.deepEqual(trainedNames("head-only"), ["head.classifier.weight", "head.classifier.bias"]);
    assert.ok(trainedNames("layernorm-only").every((n) => /norm\.(weight|bias)$/.test(n) || n.startsWith("head.")));
    const full = trainedNames("full");
    assert.ok(full.includes("embeddings.word.weight") && full.includes("pooler.weight") && !full.some((n) => n.startsWith("adapters.")));
  });
});
