// The frozen encoder's Linear weights packed once (BertModel.packWeights) on the suite's backend:
// - fp32 packing leaves the outputs as they were (bit for bit on the built-in GEMM; within 1e-5 where matmul
//   runs on OpenBLAS), on the shipped mini BERT and real SST-2 sentences;
// - int8 (calibrated on the library's built-in sentences) keeps every token's last hidden state within cosine
//   0.999 of fp32, on the mini BERT over 200 real SST-2 sentences and on a BERT-base-size encoder (12 layers,
//   hidden 768, random weights);
// - bf16 keeps every token's last hidden state of the mini BERT within 2e-2 of fp32 (||bf16 - fp32|| / ||fp32||),
//   and bf16 packed for training runs backward's dX on Wᵀ in bf16: exactly the packed product, close to fp32's;
// - a weight that trains is refused, and a weight whose values were swapped after packing is an error.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Engine, packWeight, sum, type Tensor } from "../../src/autograd/index.js";
import { ConfigError } from "../../src/errors.js";
import { loadNativeGemm, type LinearPrecision } from "../../src/kernels/index.js";
import { BertModel, fromHfConfig, loadPretrained, type EncoderInput } from "../../src/models/index.js";
import { calibrationInput } from "../../src/api/calibration.js";
import { Linear } from "../../src/nn/index.js";
import { Rng } from "../../src/rng.js";
import { loadTokenizer } from "../../src/tokenize/index.js";
import { testBackend } from "../helpers/backend.js";
import { DATA } from "../helpers/data.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const MODEL = join(ROOT, "models/mini-bert-uncased");
const backend = testBackend();
const int8 = backend.linearKernel("int8") !== null;

function lastHidden(model: BertModel, input: EncoderInput): Float32Array {
  const e = model.engine;
  const out = e.noGrad(() => model.forward(input, { training: false, rng: new Rng(0) }).lastHidden);
  const copy = Float32Array.from(out.data.subarray(0, out.size));
  e.release();
  return copy;
}

/** The smallest per-token cosine similarity of two (B,T,H) states over the real (unpadded) tokens. */
function minTokenCosine(a: Float32Array, b: Float32Array, H: number, mask?: Uint8Array | Int32Array): number {
  let min = 1;
  for (let t = 0; t < a.length / H; t++) {
    if (mask && mask[t] === 0) continue;
    let dot = 0, na = 0, nb = 0;
    for (let h = t * H; h < (t + 1) * H; h++) {
      dot += a[h] * b[h];
      na += a[h] * a[h];
      nb += b[h] * b[h];
    }
    min = Math.min(min, dot / Math.sqrt(na * nb));
  }
  return min;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** The first n SST-2 dev sentences, padded to the longest. */
function sst2Batch(n = 32): EncoderInput {
  const tokenizer = loadTokenizer(MODEL);
  const sentences = readFileSync(join(DATA, "glue/SST-2/dev.tsv"), "utf8").split("\n").slice(1, n + 1).map((l) => l.split("\t")[0]);
  const enc = tokenizer.encodeBatch(sentences, { maxLength: 64, padding: "longest" });
  const T = enc[0].ids.length;
  const cat = <A extends Int32Array | Uint8Array>(make: (n: number) => A, pick: (e: (typeof enc)[number]) => A): A => {
    const out = make(enc.length * T);
    enc.forEach((e, i) => out.set(pick(e), i * T));
    return out;
  };
  return {
    ids: cat((n) => new Int32Array(n), (e) => e.ids),
    typeIds: cat((n) => new Int32Array(n), (e) => e.typeIds),
    attentionMask: cat((n) => new Uint8Array(n), (e) => e.attentionMask),
    batchSize: enc.length,
    seqLength: T,
  };
}

async function frozenMini(): Promise<BertModel> {
  const { model } = await loadPretrained(new Engine({ backend }), MODEL);
  for (const t of model.parameters()) t.requiresGrad = false;
  return model;
}

/** Whether the suite's matmul is the built-in GEMM, whose products the fp32 panels reproduce bit for bit. */
function matmulIsBuiltin(): boolean {
  return backend.name === "native" && loadNativeGemm().name.startsWith("builtin");
}

describe("packed encoder weights", () => {
  it(`fp32: the mini BERT's outputs on 32 SST-2 sentences stay as they were (${backend.name})`, async () => {
    const model = await frozenMini();
    const input = sst2Batch();
    const before = lastHidden(model, input);
    assert.ok(model.packWeights("fp32").packedBytes > 0);
    assert.equal(model.packedAs, "fp32");
    const after = lastHidden(model, input);
    if (matmulIsBuiltin() || backend.name === "ref") assert.equal(maxAbsDiff(after, before), 0);
    else assert.ok(maxAbsDiff(after, before) <= 1e-5, `max |diff| ${maxAbsDiff(after, before)}`);
    model.packWeights(null);
    assert.equal(model.packedAs, null);
    assert.deepEqual(lastHidden(model, input), before);
  });

  it("int8: every real token of the mini BERT on 200 SST-2 sentences within cosine 0.999 of fp32", async (t) => {
    if (!int8) return t.skip(`no int8 kernel on this backend (${backend.name}); the fallback is tested in tests/api/precision.test.ts`);
    if (backend.name === "ref") return t.skip("200 sentences in int8 take minutes on the reference kernels; their int8 is checked bit for bit against native");
    const model = await frozenMini();
    const input = sst2Batch(200);
    const fp32 = lastHidden(model, input);
    model.packWeights("int8", calibrationInput(loadTokenizer(MODEL)));
    const q = lastHidden(model, input);
    const cos = minTokenCosine(q, fp32, model.config.hiddenSize, input.attentionMask);
    t.diagnostic(`min per-token cosine ${cos.toFixed(6)}, max |diff| ${maxAbsDiff(q, fp32).toExponential(2)}`);
    assert.ok(cos >= 0.999, `min per-token cosine ${cos}`);
  });

  it("bf16: every real token of the mini BERT on 32 SST-2 sentences within 2e-2 relative of fp32, the same with the fp32 weights dropped", async (t) => {
    if (backend.linearKernel("bf16") === null) return t.skip(`no bf16 kernel on this backend (${backend.name})`);
    const model = await frozenMini();
    const input = sst2Batch();
    const fp32 = lastHidden(model, input);
    model.packWeights("bf16");
    const bf16 = lastHidden(model, input);
    const twin = await frozenMini();
    const { freedBytes } = twin.packWeights("bf16", null, { dropFp32: true });
    assert.ok(freedBytes > 0 && !twin.holdsFp32Weights);
    assert.deepEqual(lastHidden(twin, input), bf16, "the same outputs without the fp32 weights");
    assert.throws(() => twin.copy(), /copy: the base model's fp32 Linear weights were dropped after packing them in bf16/);
    assert.throws(() => twin.packWeights("fp32"), /packWeights: the base model's fp32 Linear weights were dropped/);
    const H = model.config.hiddenSize;
    let worst = 0;
    for (let tok = 0; tok < input.batchSize * input.seqLength; tok++) {
      if (input.attentionMask?.[tok] === 0) continue;
      let d2 = 0, n2 = 0;
      for (let h = tok * H; h < (tok + 1) * H; h++) {
        d2 += (bf16[h] - fp32[h]) ** 2;
        n2 += fp32[h] ** 2;
      }
      worst = Math.max(worst, Math.sqrt(d2 / n2));
    }
    t.diagnostic(`worst per-token relative error ${worst.toExponential(2)}`);
    assert.ok(worst <= 2e-2, `worst per-token relative error ${worst}`);
  });

  it("bf16 for training: dX = dOut·W from W's bf16 pack equals a bf16 Linear over Wᵀ (exactly), with or without the fp32 W, within 1e-2 of fp32's dX", (t) => {
    if (backend.linearKernel("bf16") === null) return t.skip(`no bf16 kernel on this backend (${backend.name})`);
    const e = new Engine({ backend });
    const rng = new Rng(3);
    const [N, IN, OUT] = [5, 40, 24];
    const layer = new Linear(e, IN, OUT, { rng, std: 0.5 });
    for (const p of layer.parameters()) p.requiresGrad = false;
    const dX = (packed: boolean): Float32Array => {
      if (packed !== layer.packedBytes > 0) layer.pack(packed ? "bf16" : null);
      const x = e.tensor(Array.from({ length: N * IN }, (_, i) => Math.sin(i)), [N, IN], { requiresGrad: true });
      e.backward(sum(layer.forward(x)));
      const g = Float32Array.from(x.grad ?? []);
      e.release();
      return g;
    };
    const fp32 = dX(false);
    const bf16 = dX(true);
    assert.ok(layer.packedBytes > 0);
    // the exact expectation: dOut is all ones, so dX = ones · W = the bf16 Linear over Wᵀ of a ones row
    const wT = new Float32Array(IN * OUT);
    layer.weight.data.forEach((v, i) => (wT[(i % IN) * OUT + Math.floor(i / IN)] = v));
    const packedT = new Uint8Array(backend.allocate(backend.packedLinearBytes(IN, OUT, "bf16")));
    backend.packLinear(packedT, wT, null, IN, OUT, "bf16");
    const want = new Float32Array(N * IN);
    backend.linearPacked(want, new Float32Array(N * OUT).fill(1), packedT, null, N, IN, OUT, "bf16");
    assert.deepEqual(bf16, want);
    assert.equal(layer.dropFp32Weight(), IN * OUT * 4, "the bytes freed");
    assert.equal(layer.weight.data.length, 0);
    assert.deepEqual(dX(true), want, "the same dX once the fp32 weight is gone");
    let d2 = 0, n2 = 0;
    fp32.forEach((v, i) => {
      d2 += (bf16[i] - v) ** 2;
      n2 += v * v;
    });
    assert.ok(Math.sqrt(d2 / n2) <= 1e-2, `relative error ${Math.sqrt(d2 / n2)}`);
  });

  it("int8: a BERT-base-size encoder (12 x 768, random weights) within cosine 0.999 of fp32 on every token", async (t) => {
    if (!int8 || backend.name !== "native") return t.skip(`needs the native int8 kernel (backend ${backend.name})`);
    const config = fromHfConfig({
      model_type: "bert", vocab_size: 30522, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072,
      hidden_act: "gelu", max_position_embeddings: 512, type_vocab_size: 2, layer_norm_eps: 1e-12, initializer_range: 0.02,
    }, "BERT-base-size test config");
    const model = new BertModel(new Engine({ backend }), config, { seed: 4, pooler: false });
    for (const p of model.parameters()) p.requiresGrad = false;
    const rng = new Rng(8);
    const B = 2, T = 48;
    const input: EncoderInput = { ids: Int32Array.from({ length: B * T }, (_, i) => (i % T === 0 ? 101 : 1000 + rng.int(29000))), batchSize: B, seqLength: T };
    const fp32 = lastHidden(model, input);
    model.packWeights("int8", { ...input, batchSize: 1, seqLength: T, ids: input.ids.subarray(T) }); // calibrated on the second row
    const cos = minTokenCosine(lastHidden(model, input), fp32, 768);
    t.diagnostic(`min per-token cosine ${cos.toFixed(6)}`);
    assert.ok(cos >= 0.999, `min per-token cosine ${cos}`);
  });

  it("refuses a weight that trains, and a packed weight whose values were swapped since", async () => {
    const model = await frozenMini();
    const query = model.layers.items[0].attn.query;
    query.weight.requiresGrad = true;
    assert.throws(() => query.pack("fp32"), (err: Error) => err instanceof ConfigError && /frozen weight/.test(err.message));
    query.weight.requiresGrad = false;
    const precision: LinearPrecision = "fp32";
    query.pack(precision);
    const w: Tensor = query.weight;
    w.storage.data = Float32Array.from(w.data); // new values in place of the packed ones
    const x = model.engine.zeros([1, model.config.hiddenSize]);
    assert.throws(() => query.forward(x), /unchanged since it was packed.*pack it again/);
    assert.ok(packWeight(w, "fp32").data.byteLength >= w.size * 4);
  });
});
