// The encoder's structure and config reading; numerical parity with PyTorch is in tests/parity/.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Engine, scale, type Tensor } from "../../src/autograd/index.js";
import { ConfigError, FormatError } from "../../src/errors.js";
import { refBackend } from "../../src/kernels/index.js";
import { BertModel, encoderParameters, fromGoogleConfig, fromHfConfig, hfName as hfNameOf, mapCheckpoint, tfName } from "../../src/models/index.js";
import { Rng } from "../../src/rng.js";

const tinyHf = {
  model_type: "bert", vocab_size: 30, hidden_size: 8, num_hidden_layers: 2, num_attention_heads: 2,
  intermediate_size: 16, max_position_embeddings: 16, type_vocab_size: 2, hidden_act: "gelu",
};

describe("config", () => {
  it("reads a Hugging Face config with each source's meaning of gelu", () => {
    const hf = fromHfConfig(tinyHf);
    assert.deepEqual(hf.hiddenActivation, { kind: "gelu", approximation: "erf" });
    assert.equal(hf.layerNormEps, 1e-12);
    const google = fromGoogleConfig({ ...tinyHf, hidden_act: "gelu" });
    assert.deepEqual(google.hiddenActivation, { kind: "gelu", approximation: "tanh" });
    const { type_vocab_size: _unused, ...withoutTypes } = tinyHf;
    const roberta = fromHfConfig({ ...withoutTypes, model_type: "roberta", pad_token_id: 1, layer_norm_eps: 1e-5 });
    assert.equal(roberta.positionOffset, 2);
    assert.equal(roberta.typeVocabSize, 1);
  });

  it("names the file and the field in config errors", () => {
    assert.throws(() => fromHfConfig({ ...tinyHf, hidden_size: "8" }, "m/config.json"), (e: unknown) => e instanceof ConfigError && /^m\/config.json: .*"hidden_size"/.test(e.message));
    assert.throws(() => fromHfConfig({ ...tinyHf, model_type: "gpt2" }), /unknown model_type "gpt2"; expected one of bert, roberta/);
    assert.throws(() => fromHfConfig({ ...tinyHf, hidden_act: "mish" }), /unknown hidden_act "mish"; expected one of/);
    assert.throws(() => fromHfConfig({ ...tinyHf, num_attention_heads: 3 }), /divisible/);
  });
});

describe("BertModel", () => {
  const config = fromHfConfig(tinyHf);

  it("has exactly the parameters weights.ts maps, with their shapes", () => {
    const model = new BertModel(new Engine({ backend: refBackend }), config);
    const got = model.namedParameters().map(([n, t]) => `${n} ${t.shape.join("x")}`);
    const want = encoderParameters(config).map((s) => `${s.name} ${s.shape.join("x")}`);
    assert.deepEqual(got.sort(), want.sort());
  });

  it("runs a padded batch and returns hidden states for every layer", () => {
    const e = new Engine({ backend: refBackend });
    const model = new BertModel(e, config, { seed: 3 });
    const out = model.forward(
      { ids: Int32Array.of(2, 5, 7, 3, 2, 9, 3, 0), attentionMask: Int32Array.of(1, 1, 1, 1, 1, 1, 1, 0), batchSize: 2, seqLength: 4 },
      { training: false, rng: new Rng(0) }, { hiddenStates: true },
    );
    assert.deepEqual([...out.lastHidden.shape], [2, 4, 8]);
    assert.deepEqual([...(out.pooled?.shape ?? [])], [2, 8]);
    assert.equal(out.hiddenStates?.length, 3);
    assert.ok(out.lastHidden.toArray().every(Number.isFinite));
  });

  it("frees each layer's intermediates in a no-grad forward: same outputs, a fraction of the memory", () => {
    const deep = fromHfConfig({ ...tinyHf, num_hidden_layers: 6 });
    const input = { ids: Int32Array.of(2, 5, 7, 3, 2, 9, 3, 0), attentionMask: Int32Array.of(1, 1, 1, 1, 1, 1, 1, 0), batchSize: 2, seqLength: 4 };
    const ctx = { training: false, rng: new Rng(0) };
    const run = (noGrad: boolean): { hidden: number[][]; pooledBytes: number } => {
      const e = new Engine({ backend: refBackend });
      const model = new BertModel(e, deep, { seed: 3 });
      const forward = () => model.forward(input, ctx, { hiddenStates: true });
      const out = noGrad ? e.noGrad(forward) : forward(); // no parameter requires grad here, so no tape either way
      const hidden = [...(out.hiddenStates ?? []), out.lastHidden, ...(out.pooled ? [out.pooled] : [])].map((t) => t.toArray());
      return { hidden, pooledBytes: e.pooledBytes };
    };
    const kept = run(false);
    const freed = run(true);
    assert.deepEqual(freed.hidden, kept.hidden);
    assert.ok(freed.pooledBytes < kept.pooledBytes / 3, `pool ${freed.pooledBytes} bytes freeing, ${kept.pooledBytes} keeping`);
  });

  it("refuses to free intermediates with gradients on, and a freed one cannot be read", () => {
    const e = new Engine({ backend: refBackend });
    const x = e.tensor([1, 2, 3], [3]);
    assert.throws(() => e.freeIntermediates(() => x), /expected noGrad mode/);
    let inner: Tensor | null = null;
    const result = e.noGrad(() => e.freeIntermediates(() => {
      inner = scale(x, 2);
      return scale(inner, 2);
    }));
    assert.deepEqual(result.toArray(), [4, 8, 12]);
    assert.throws(() => inner?.toArray(), /freed as an intermediate of a no-grad forward/);
  });

  it("maps Hugging Face names with or without prefix and Google TF names, strictly", () => {
    const specs = encoderParameters(config);
    const records = specs.map((s, i) => ({ name: `bert.${hfNameOf(s.name)}`, shape: s.shape, data: new Float32Array(s.shape.reduce((a, b) => a * b, 1)).fill(i) }));
    const mapped = mapCheckpoint(records, config);
    assert.equal(mapped.params.size, specs.length);
    const unprefixed = records.map((r) => ({ ...r, name: r.name.replace(/^bert\./, "") }));
    assert.equal(mapCheckpoint(unprefixed, config).params.size, specs.length);
    // one missing, one extra, one mis-shaped: all three in one error
    const broken = [...records.slice(1), { name: "cls.predictions.bias", shape: [30], data: new Float32Array(30) }];
    broken[1] = { ...broken[1], shape: [1, 1], data: new Float32Array(1) };
    assert.throws(() => mapCheckpoint(broken, config, { source: "x.safetensors" }), (e: unknown) => e instanceof FormatError
      && /^x.safetensors: .*missing 1: bert.embeddings.word_embeddings.weight.*mis-shaped 1: .*unexpected 1: cls.predictions.bias/.test(e.message));
    assert.equal(mapCheckpoint(broken.slice(0, 1).concat(records), config, { allowUnexpected: true }).unexpected.length, 0);
  });

  it("transposes Google TF kernels stored [in, out]", () => {
    const { tf, transposed } = tfName("encoder.layers.1.ffn.inner.weight");
    assert.equal(tf, "bert/encoder/layer_1/intermediate/dense/kernel");
    assert.equal(transposed, true);
    assert.deepEqual(tfName("embeddings.norm.weight"), { tf: "bert/embeddings/LayerNorm/gamma", transposed: false });
    assert.deepEqual(tfName("embeddings.word.weight"), { tf: "bert/embeddings/word_embeddings", transposed: false });
  });
});
