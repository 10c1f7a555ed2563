// K-Adapter's knowledge adapters: config and its validation, plug-in points, init, the reference's skip,
// maskPadding, fusion, parameter groups, and adapter folders. Numerical parity with PyTorch is in
// tests/parity/kadapter.test.ts.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Engine, type Tensor } from "../../src/autograd/index.js";
import { ConfigError, FormatError, ShapeError } from "../../src/errors.js";
import { readSafetensors, writeSafetensors, type TensorRecord } from "../../src/io/index.js";
import { refBackend } from "../../src/kernels/index.js";
import {
  defaultPluginLayers, fromKAdapterJson, KADAPTER_CONFIG_FILE, KADAPTER_WEIGHTS_FILE, KAdapterModel, kadapterReferenceName, KnowledgeAdapter,
  knowledgeAdapterConfig, KnowledgeFusion, loadKnowledgeAdapter, saveKnowledgeAdapter, toKAdapterJson, type KnowledgeAdapterOptions,
} from "../../src/kadapter/index.js";
import { BertModel, fromHfConfig, type EncoderInput } from "../../src/models/index.js";
import { Rng } from "../../src/rng.js";

const ctx = { training: false, rng: new Rng(0) };
const tmp = mkdtempSync(join(tmpdir(), "adapterkit-kadapter-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const plmConfig = fromHfConfig({
  model_type: "bert", vocab_size: 30, hidden_size: 16, num_hidden_layers: 4, num_attention_heads: 2,
  intermediate_size: 32, max_position_embeddings: 16, type_vocab_size: 2, hidden_act: "gelu",
});
// initRange 0.3 instead of 0.0002 so that the adapter's contribution (and any change to it) is large
const tiny: KnowledgeAdapterOptions = { plmHidden: 16, plmLayers: 4, adapterHidden: 8, numHeads: 2, intermediateSize: 16, initRange: 0.3 };

// B = 2, T = 5; the second sequence has two pads
const padded: EncoderInput = { ids: Int32Array.of(2, 7, 9, 11, 3, 2, 5, 3, 0, 0), attentionMask: Int32Array.of(1, 1, 1, 1, 1, 1, 1, 1, 0, 0), batchSize: 2, seqLength: 5 };
const unpadded: EncoderInput = { ...padded, attentionMask: new Int32Array(10).fill(1) };

function setup(options: Partial<KnowledgeAdapterOptions> = {}, seed = 1) {
  const e = new Engine({ backend: refBackend });
  const plm = new BertModel(e, plmConfig, { seed: 7 });
  const adapter = new KnowledgeAdapter(e, knowledgeAdapterConfig({ ...tiny, ...options }), new Rng(seed));
  const run = (input: EncoderInput): Float32Array => {
    const states = plm.forward(input, ctx, { hiddenStates: true }).hiddenStates ?? [];
    return Float32Array.from(adapter.forward(states, input.attentionMask, ctx).data);
  };
  return { e, plm, adapter, run };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>, keep: (i: number) => boolean = () => true): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) if (keep(i)) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe("KnowledgeAdapterConfig", () => {
  it("defaults to the reference scripts' values and masks padding", () => {
    const config = knowledgeAdapterConfig({ plmHidden: 1024, plmLayers: 24 });
    assert.deepEqual({ ...config }, {
      plmHidden: 1024, plmLayers: 24, adapterHidden: 768, numHeads: 12, intermediateSize: 3072, transformerLayers: 2,
      pluginLayers: [0, 11, 23], skipLayers: 0, layerNormEps: 1e-5, dropout: 0.1, initRange: 0.0002,
      activation: { kind: "gelu", approximation: "erf" }, maskPadding: true,
    });
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.pluginLayers));
  });

  it("plugs in at the embedding output, the middle layer and the second-to-last layer", () => {
    assert.deepEqual(defaultPluginLayers(24), [0, 11, 23]);
    assert.deepEqual(defaultPluginLayers(12), [0, 5, 11]);
    assert.deepEqual(defaultPluginLayers(4), [0, 1, 3]);
    assert.deepEqual(defaultPluginLayers(3), [0, 1, 2]);
    assert.deepEqual(defaultPluginLayers(2), [0, 1]);
    assert.deepEqual(defaultPluginLayers(1), [0]);
    assert.deepEqual(knowledgeAdapterConfig({ plmHidden: 768, plmLayers: 12 }).pluginLayers, [0, 5, 11]);
  });

  it("names the field in validation errors", () => {
    const rejects = (options: Partial<KnowledgeAdapterOptions>, field: RegExp): void => {
      assert.throws(() => knowledgeAdapterConfig({ ...tiny, ...options }), (e: unknown) => e instanceof ConfigError && field.test(e.message));
    };
    rejects({ adapterHidden: 0 }, /K-Adapter config: expected a positive integer for adapterHidden, got 0$/);
    rejects({ numHeads: 3 }, /expected a divisor of adapterHidden = 8 for numHeads, got 3/);
    rejects({ pluginLayers: [0, 5] }, /hidden-state indices in \[0,4\] .* for pluginLayers, got \[0,5\]/);
    rejects({ pluginLayers: [] }, /for pluginLayers, got \[\]/);
    rejects({ skipLayers: 1 }, /expected 0 \(off\) or an integer >= 2 for skipLayers, got 1/);
    rejects({ dropout: 1 }, /for dropout, got 1/);
    rejects({ layerNormEps: 0 }, /for layerNormEps, got 0/);
    rejects({ initRange: -1 }, /for initRange, got -1/);
    rejects({ transformerLayers: 1.5 }, /for transformerLayers, got 1.5/);
    rejects({ plmLayers: 0 }, /for plmLayers, got 0/);
  });

  it("round-trips through kadapter_config.json, whose errors name the file and the key", () => {
    const config = knowledgeAdapterConfig({ ...tiny, pluginLayers: [0, 2, 4], skipLayers: 2, maskPadding: false });
    const json = toKAdapterJson(config);
    assert.equal(json.adapter_size, 8);
    assert.deepEqual(json.adapter_list, [0, 2, 4]);
    assert.equal(json.hidden_act, "gelu");
    assert.deepEqual(fromKAdapterJson(JSON.parse(JSON.stringify(json))), config);
    const bad = (patch: Record<string, unknown>, message: RegExp): void => {
      assert.throws(() => fromKAdapterJson({ ...json, ...patch }, "x/kadapter_config.json"), message);
    };
    bad({ adapter_size: "8" }, /x\/kadapter_config.json: expected a positive integer for "adapter_size", got "8"$/);
    bad({ mask_padding: "yes" }, /for "mask_padding", got "yes"/);
    bad({ hidden_act: "mish" }, /unknown hidden_act "mish"/);
    bad({ format_version: 2 }, /expected "format_version": 1, got 2/);
    const { adapter_list: _omitted, ...withoutList } = json;
    assert.throws(() => fromKAdapterJson(withoutList, "k.json"), (e: unknown) => e instanceof FormatError && /k.json: .*none for "adapter_list"/.test(e.message));
  });
});

describe("KnowledgeAdapter", () => {
  it("has down/up projections and N BERT layers per plug-in point, under the reference's names", () => {
    const { adapter } = setup();
    const names = adapter.namedParameters().map(([n, t]) => `${kadapterReferenceName(n)} ${t.shape.join("x")}`);
    assert.equal(adapter.layers.items.length, 3);
    assert.ok(names.includes("adapter.0.down_project.weight 8x16"));
    assert.ok(names.includes("adapter.2.up_project.bias 16"));
    assert.ok(names.includes("adapter.1.encoder.layer.1.attention.self.query.weight 8x8"));
    assert.ok(names.includes("adapter.1.encoder.layer.0.attention.output.LayerNorm.weight 8"));
    assert.ok(names.includes("adapter.0.encoder.layer.1.intermediate.dense.weight 16x8"));
    assert.ok(names.includes("adapter.0.encoder.layer.1.output.dense.bias 8"));
    assert.equal(names.length, 3 * (4 + 2 * 16));
    assert.throws(() => kadapterReferenceName("layers.0.sideways.weight"), FormatError);
  });

  it("initialises like the reference: projections N(0, initRange²) with zero bias, inner Linears PyTorch's default", () => {
    const e = new Engine({ backend: refBackend });
    const adapter = new KnowledgeAdapter(e, knowledgeAdapterConfig({ plmHidden: 64, plmLayers: 2, adapterHidden: 32, numHeads: 2, intermediateSize: 64 }), new Rng(3));
    const layer = adapter.layers.items[0];
    const std = (t: Tensor): number => Math.sqrt(t.toArray().reduce((s, v) => s + v * v, 0) / t.size);
    assert.ok(Math.abs(std(layer.downProject.weight) / 0.0002 - 1) < 0.05, `down_project std ${std(layer.downProject.weight)}`);
    assert.ok(Math.abs(std(layer.upProject.weight) / 0.0002 - 1) < 0.05);
    assert.ok(layer.downProject.bias?.toArray().every((v) => v === 0) && layer.upProject.bias?.toArray().every((v) => v === 0));
    const inner = layer.encoder.layers.items[0];
    for (const linear of [inner.attn.query, inner.ffn.inner, inner.ffn.output]) {
      const bound = 1 / Math.sqrt(linear.inFeatures);
      const values = [...linear.weight.toArray(), ...(linear.bias?.toArray() ?? [])];
      assert.ok(values.every((v) => Math.abs(v) <= bound), "within ±1/√fan_in");
      assert.ok(values.some((v) => Math.abs(v) > 0.9 * bound), "spread over the whole interval");
      assert.ok(Math.abs(std(linear.weight) / (bound / Math.sqrt(3)) - 1) < 0.1, "uniform's std");
    }
    assert.ok(inner.attn.norm.weight.toArray().every((v) => v === 1) && inner.ffn.norm.bias.toArray().every((v) => v === 0));
  });

  it("masks padding only when maskPadding is set, which changes outputs only for padded batches", () => {
    const masked = setup({ maskPadding: true });
    const reference = setup({ maskPadding: false }); // same seed: same weights
    assert.deepEqual(masked.run(unpadded), reference.run(unpadded), "no padding: identical");
    const H = 16;
    const realToken = (i: number): boolean => padded.attentionMask?.[Math.floor(i / H)] === 1;
    assert.ok(maxDiff(masked.run(padded), reference.run(padded), realToken) > 1e-3, "padding: the reference attends to pads");

    // with the mask, real tokens do not see the pads at all: the short sequence alone gives the same outputs
    const alone: EncoderInput = { ids: Int32Array.of(2, 5, 3), batchSize: 1, seqLength: 3 };
    const inBatch = masked.run(padded).subarray(5 * H, 8 * H);
    assert.ok(maxDiff(inBatch, masked.run(alone)) < 1e-5);
  });

  it("adds the reference's skip: with k = 2 over two layers the second layer's output is doubled", () => {
    const plain = setup({ pluginLayers: [0, 3] });
    const skipped = setup({ pluginLayers: [0, 3], skipLayers: 2 });
    const a = plain.run(padded);
    const b = skipped.run(padded);
    assert.ok(maxDiff(b, a.map((v) => 2 * v)) < 1e-5);
    // four layers, k = 2: after layer 2 it doubles, after layer 4 it adds layer 3's output; so it differs from off
    assert.ok(maxDiff(setup({ pluginLayers: [0, 1, 2, 4] }).run(padded), setup({ pluginLayers: [0, 1, 2, 4], skipLayers: 2 }).run(padded)) > 1e-3);
  });

  it("checks the hidden states it is given", () => {
    const { e, adapter } = setup();
    const states = Array.from({ length: 4 }, () => e.zeros([2, 5, 16]));
    assert.throws(() => adapter.forward(states, undefined, ctx), (err: unknown) => err instanceof ShapeError && /expected 5 hidden states \(B,T,16\).*got 4/.test(err.message));
    assert.throws(() => adapter.forward([...states, e.zeros([2, 5, 12])], undefined, ctx), ShapeError);
  });
});

describe("KnowledgeFusion and KAdapterModel", () => {
  const e = new Engine({ backend: refBackend });
  const h = (value: number): Tensor => e.tensor(new Float32Array(2 * 3 * 4).fill(value), [2, 3, 4]);

  it("concat: a Linear(2H -> H) per adapter, and Linear(n·H -> H) only for two or more (the reference's single-adapter path)", () => {
    const one = new KnowledgeFusion(e, "concat", 4, 1, new Rng(0));
    assert.deepEqual(one.namedParameters().map(([n, t]) => `${n} ${t.shape.join("x")}`), ["perAdapter.0.weight 4x8", "perAdapter.0.bias 4"]);
    const single = one.forward(h(1), [h(2)]);
    const direct = one.perAdapter.items[0].forward(e.tensor([...new Array(4).fill(1), ...new Array(4).fill(2)], [1, 1, 8]));
    assert.ok(maxDiff(single.data.subarray(0, 4), direct.data) < 1e-6);
    const three = new KnowledgeFusion(e, "concat", 4, 3, new Rng(0));
    assert.ok(three.namedParameters().some(([n, t]) => n === "task.weight" && t.shape.join("x") === "4x12"));
    assert.deepEqual([...three.forward(h(1), [h(2), h(3), h(4)]).shape], [2, 3, 4]);
  });

  it("add: h_plm + Σ h_k, no parameters; errors name the mode and the shapes", () => {
    const add = new KnowledgeFusion(e, "add", 4, 2, new Rng(0));
    assert.equal(add.namedParameters().length, 0);
    assert.ok(add.forward(h(1), [h(2), h(3)]).toArray().every((v) => v === 6));
    assert.throws(() => add.forward(h(1), [h(2)]), (err: unknown) => err instanceof ShapeError && /KnowledgeFusion\(add\): .*2 adapter output\(s\).*got \[2,3,4\] and \[2,3,4\]/.test(err.message));
    assert.throws(() => new KnowledgeFusion(e, "mean" as "add", 4, 2, new Rng(0)), /unknown mode "mean"; expected one of concat, add/);
  });

  it("groups parameters by prefix (plm., adapters.<k>., fusion.) and checks the adapters fit the PLM", () => {
    const { e: engine, plm, adapter } = setup();
    const second = new KnowledgeAdapter(engine, knowledgeAdapterConfig({ ...tiny, maskPadding: false }), new Rng(2));
    const model = new KAdapterModel(plm, [adapter, second], new KnowledgeFusion(engine, "concat", 16, 2, new Rng(0)));
    const groups = model.parameterGroups();
    assert.equal(groups.plm.length, plm.namedParameters().length);
    assert.equal(groups.adapters.length, 2 * adapter.namedParameters().length);
    assert.ok(groups.adapters.some(([n]) => n === "adapters.1.layers.0.downProject.weight"));
    assert.deepEqual(groups.fusion.map(([n]) => n), ["fusion.perAdapter.0.weight", "fusion.perAdapter.0.bias", "fusion.perAdapter.1.weight", "fusion.perAdapter.1.bias", "fusion.task.weight", "fusion.task.bias"]);
    assert.equal(groups.plm.length + groups.adapters.length + groups.fusion.length, model.namedParameters().length);
    const out = model.forward(padded, ctx);
    assert.deepEqual([...out.features.shape], [2, 5, 16]);
    assert.equal(out.adapterOutputs.length, 2);

    const wide = new KnowledgeAdapter(engine, knowledgeAdapterConfig({ ...tiny, plmHidden: 32 }), new Rng(0));
    assert.throws(() => new KAdapterModel(plm, [wide], new KnowledgeFusion(engine, "add", 16, 1, new Rng(0))), (err: unknown) => err instanceof ConfigError && /adapter 0 .*hidden size 16.*got plmHidden 32/.test(err.message));
  });
});

describe("adapter folders", () => {
  it("saves and loads one adapter bit-exactly, with the reference's tensor names", async () => {
    {
      const { e, adapter, run } = setup({ pluginLayers: [0, 2, 4], skipLayers: 2, maskPadding: false });
      const folder = join(tmp, "lin-adapter");
      await saveKnowledgeAdapter(folder, adapter);
      const json = JSON.parse(readFileSync(join(folder, KADAPTER_CONFIG_FILE), "utf8")) as Record<string, unknown>;
      assert.equal(json.format, "adapterkit-kadapter");
      assert.equal(json.mask_padding, false);
      const { records } = await readSafetensors(join(folder, KADAPTER_WEIGHTS_FILE));
      assert.ok(records.some((r) => r.name === "adapter.2.encoder.layer.1.output.LayerNorm.bias"));

      const loaded = await loadKnowledgeAdapter(folder, e);
      assert.deepEqual(loaded.config, adapter.config);
      const bytes = (t: Tensor | undefined): Buffer => (t ? Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength) : Buffer.alloc(0));
      const want = new Map(adapter.namedParameters());
      for (const [name, t] of loaded.namedParameters()) assert.ok(bytes(t).equals(bytes(want.get(name))), `${name} bit-exact`);
      // and it computes the same
      const plm = new BertModel(e, plmConfig, { seed: 7 });
      const states = plm.forward(padded, ctx, { hiddenStates: true }).hiddenStates ?? [];
      assert.deepEqual(Float32Array.from(loaded.forward(states, padded.attentionMask, ctx).data), run(padded));
    }
  });

  it("names the file and the tensor when a tensor is missing, mis-shaped or unexpected", async () => {
    {
      const dir = join(tmp, "broken");
      const { adapter, e } = setup();
      await saveKnowledgeAdapter(dir, adapter);
      const path = join(dir, KADAPTER_WEIGHTS_FILE);
      const { records } = await readSafetensors(path);
      const changed: TensorRecord[] = records
        .filter((r) => r.name !== "adapter.1.up_project.bias")
        .map((r) => (r.name === "adapter.0.down_project.weight" ? { name: r.name, dtype: "F32", shape: [8, 12], data: new Float32Array(96) } : r));
      changed.push({ name: "com_dense.weight", dtype: "F32", shape: [2], data: new Float32Array(2) });
      await writeSafetensors(path, changed);
      await assert.rejects(loadKnowledgeAdapter(dir, e), (err: unknown) => err instanceof FormatError
        && err.message.startsWith(`${path}: expected the tensors of a knowledge adapter with 3 adapter layers`)
        && err.message.includes(`missing 1: "adapter.1.up_project.bias"`)
        && err.message.includes(`"adapter.0.down_project.weight": expected [8,16], got [8,12]`)
        && err.message.includes(`unexpected 1: "com_dense.weight"`));
    }
  });

  it("names the config file when it is missing or not JSON", async () => {
    const folder = join(tmp, "no-config");
    mkdirSync(folder);
    const configPath = join(folder, KADAPTER_CONFIG_FILE);
    const e = new Engine({ backend: refBackend });
    await assert.rejects(loadKnowledgeAdapter(folder, e), (err: unknown) => err instanceof FormatError && err.message.startsWith(configPath) && /ENOENT/.test(err.message));
    writeFileSync(configPath, "{");
    await assert.rejects(loadKnowledgeAdapter(folder, e), (err: unknown) => err instanceof FormatError && err.message.startsWith(`${configPath}: expected JSON`));
  });
});
