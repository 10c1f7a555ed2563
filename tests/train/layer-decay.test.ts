// Layer-wise learning-rate decay: which rate each real parameter of a task model gets, and that Adam applies it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Adapter, bottleneckConfig } from "../../src/adapters/index.js";
import { Engine } from "../../src/autograd/index.js";
import { ConfigError } from "../../src/errors.js";
import { headConfig } from "../../src/heads/index.js";
import { refBackend } from "../../src/kernels/index.js";
import { BertModel, fromHfConfig } from "../../src/models/index.js";
import { Rng } from "../../src/rng.js";
import { Adam, layerDecayScale, TaskModel } from "../../src/train/index.js";

const config = fromHfConfig({
  model_type: "bert", vocab_size: 20, hidden_size: 8, num_hidden_layers: 3, num_attention_heads: 2,
  intermediate_size: 16, max_position_embeddings: 16, type_vocab_size: 2, hidden_act: "gelu",
});

describe("layer-wise learning-rate decay", () => {
  it("gives the embeddings decay^(L+1), layer i (and its adapters) decay^(L-i), and the pooler and head the full rate", () => {
    const e = new Engine({ backend: refBackend });
    const base = new BertModel(e, config);
    const spec = { bottleneck: bottleneckConfig("houlsby", { bottleneckSize: 2 }, 8, 3), layerNorms: true, head: headConfig("classification", ["a", "b"], 0.1, "mean") };
    const model = new TaskModel(base, new Adapter(e, "t", base, spec, { bottleneck: new Rng(0), head: new Rng(1) }));
    const groups = model.parameterGroups();
    const scale = layerDecayScale(3, 0.5);
    const scales = new Map([...groups.base, ...groups.adapters, ...groups.head].map(([name]) => [name, scale(name)]));
    for (const [name, s] of scales) {
      const layer = /layers\.(\d+)\./.exec(name);
      const want = name.startsWith("embeddings.") ? 0.5 ** 4 : layer ? 0.5 ** (3 - Number(layer[1])) : 1;
      assert.equal(s, want, name);
    }
    // every kind of parameter was seen
    assert.equal(scales.get("embeddings.word.weight"), 1 / 16);
    assert.equal(scales.get("encoder.layers.0.attn.query.weight"), 1 / 8);
    assert.equal(scales.get("encoder.layers.2.ffn.norm.weight"), 1 / 2);
    assert.ok([...scales].some(([n, s]) => n.startsWith("adapters.t.layers.0.") && s === 1 / 8));
    assert.equal(scales.get("pooler.weight"), 1);
    assert.ok([...scales].some(([n, s]) => n.startsWith("head.") && s === 1));
  });

  it("refuses a decay outside (0, 1]", () => {
    for (const bad of [0, -0.5, 1.5, Number.NaN]) assert.throws(() => layerDecayScale(4, bad), ConfigError);
  });

  it("Adam moves a parameter with multiplier s exactly as far as it moves it at lr·s", () => {
    const run = (lr: number, lrScale?: (name: string) => number): number[] => {
      const e = new Engine({ backend: refBackend });
      const w = e.tensor([0.5, -1, 2], [3], { requiresGrad: true });
      const adam = new Adam([["encoder.layers.1.w", w]], { variant: "torch", lrScale });
      for (let step = 0; step < 3; step++) {
        w.zeroGrad();
        w.grad?.set([0.3, -0.2, 0.1 * step]);
        adam.step(lr);
      }
      return w.toArray();
    };
    assert.deepEqual(run(1e-2, layerDecayScale(3, 0.5)), run(1e-2 * 0.25));
    assert.notDeepEqual(run(1e-2, layerDecayScale(3, 0.5)), run(1e-2));
  });
});
