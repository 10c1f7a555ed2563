// Several named adapters over one base: a new Houlsby adapter is near identity, the active one decides the
// forward pass, and adding or removing adapters never touches the base weights.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AdapterSet, bottleneckConfig, HOULSBY } from "../../src/adapters/index.js";
import { Engine, type Tensor } from "../../src/autograd/index.js";
import { ConfigError } from "../../src/errors.js";
import { refBackend } from "../../src/kernels/index.js";
import { BertModel, fromHfConfig } from "../../src/models/index.js";
import { Rng } from "../../src/rng.js";

const config = fromHfConfig({
  model_type: "bert", vocab_size: 30, hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2,
  intermediate_size: 32, max_position_embeddings: 16, type_vocab_size: 2, hidden_act: "gelu_new",
});
const input = { ids: Int32Array.of(2, 7, 9, 3, 2, 5, 3, 0), attentionMask: Int32Array.of(1, 1, 1, 1, 1, 1, 1, 0), batchSize: 2, seqLength: 4 };
const ctx = { training: false, rng: new Rng(0) };

function maxDiff(a: Tensor, b: Tensor): number {
  return a.toArray().reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i])), 0);
}

describe("AdapterSet", () => {
  it("has the adapter-bert defaults and parameter count (2md + d + m per adapter, two per layer)", () => {
    assert.equal(HOULSBY.bottleneckSize, 64);
    assert.equal(HOULSBY.initScale, 1e-3);
    assert.equal(HOULSBY.activation, "gelu_tanh");
    const e = new Engine({ backend: refBackend });
    const set = new AdapterSet(e, 768, 12);
    const count = set.add("base", HOULSBY).parameters().reduce((n, t) => n + t.size, 0);
    assert.equal(count, 24 * (2 * 64 * 768 + 768 + 64), "2.38M for BERT-base, as in the paper");
  });

  it("runs the active adapter, starts near identity, and leaves the base untouched", () => {
    const e = new Engine({ backend: refBackend });
    const model = new BertModel(e, config, { seed: 4 });
    const baseBefore = model.parameters().map((t) => Array.from(t.data));
    const set = new AdapterSet(e, 16, 2);
    model.insertions = set;
    const plain = model.forward(input, ctx).lastHidden;
    set.add("a", bottleneckConfig("houlsby", { bottleneckSize: 4 }, 16, 2), 1);
    set.add("b", bottleneckConfig("pfeiffer", { bottleneckSize: 4, initScale: 0.5 }, 16, 2), 2);
    set.activate("a");
    const withA = model.forward(input, ctx).lastHidden;
    set.activate("b");
    const withB = model.forward(input, ctx).lastHidden;
    assert.ok(maxDiff(withA, plain) < 1e-3 && maxDiff(withA, plain) > 0, `a new Houlsby adapter is near identity (${maxDiff(withA, plain)})`);
    assert.ok(maxDiff(withB, plain) > 1e-2, "a large-init adapter changes the output");
    set.remove("b");
    assert.equal(set.active, null);
    assert.ok(maxDiff(model.forward(input, ctx).lastHidden, plain) === 0, "no active adapter: the plain base");
    assert.deepEqual(model.parameters().map((t) => Array.from(t.data)), baseBefore);
    assert.throws(() => set.activate("b"), ConfigError);
    assert.throws(() => set.add("a", HOULSBY), /exists/);
  });
});
