// Masked-LM pretraining against an independent PyTorch implementation (tests/fixtures/gen/make_parity_mlm.py,
// Hugging Face's BertForMaskedLM as described): logits at the masked positions, the loss, and the gradient of
// every parameter; the word embeddings' gradient sums the lookup's and the tied decoder's.
import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Engine } from "../../src/autograd/index.js";
import { readSafetensors, toFloat32 } from "../../src/io/index.js";
import { refBackend, type Backend } from "../../src/kernels/index.js";
import { BertModel, fromHfConfig, hfName, mapCheckpoint, MaskedLmHead, maskedLmHfName } from "../../src/models/index.js";
import { Rng } from "../../src/rng.js";
import { testBackend } from "../helpers/backend.js";
import { tensorDiff } from "../helpers/close.js";

const FIXTURE = resolve(dirname(fileURLToPath(import.meta.url)), "../../../tests/fixtures/parity/mlm/bert-mlm.safetensors");


async function check(backend: Backend): Promise<void> {
  const { records, metadata } = await readSafetensors(FIXTURE);
  const byName = new Map(records.map((r) => [r.name, r]));
  const floats = (name: string): Float32Array => toFloat32(byName.get(name)!);
  const ints = (name: string): Int32Array => {
    const r = byName.get(name);
    if (r?.dtype !== "I32") throw new Error(`no I32 tensor ${name}`);
    return r.data;
  };
  assert.ok(metadata?.config, "the fixture records its config");
  const config = fromHfConfig(JSON.parse(metadata.config) as Record<string, unknown>);
  const e = new Engine({ backend });
  const model = new BertModel(e, config);
  const weights = records.filter((r) => r.name.startsWith("bert.") || r.name.startsWith("cls."))
    .map((r) => ({ name: r.name, shape: r.shape, data: toFloat32(r) }));
  model.loadWeights(mapCheckpoint(weights, config, { allowUnexpected: true }).params);
  const head = new MaskedLmHead(e, config, model.embeddings.word.weight, new Rng(0));
  for (const [n, t] of head.namedParameters()) t.data.set(floats(maskedLmHfName(n)));

  const ids = ints("in.input_ids");
  const input = { ids, attentionMask: ints("in.attention_mask"), batchSize: 2, seqLength: ids.length / 2 };
  const logits = head.forward(model.forward(input, { training: false, rng: new Rng(0) }).lastHidden, ints("in.positions"));
  const loss = head.loss(logits, ints("in.labels"));
  assert.ok(tensorDiff(logits.data, floats("out.logits")).abs <= 1e-4, `logits: ${JSON.stringify(tensorDiff(logits.data, floats("out.logits")))}`);
  assert.ok(Math.abs(loss.item() - floats("out.loss")[0]) <= 1e-5, `loss ${loss.item()} vs ${floats("out.loss")[0]}`);
  e.backward(loss);
  const params = [
    ...model.namedParameters().filter(([n]) => !n.startsWith("pooler.")).map(([n, t]) => [`bert.${hfName(n)}`, t] as const),
    ...head.namedParameters().map(([n, t]) => [maskedLmHfName(n), t] as const),
  ];
  for (const [name, t] of params) {
    const want = floats(`grad.${name}`);
    const diff = tensorDiff(t.grad!, want);
    // attention key biases get exactly zero gradient (softmax ignores a shift shared by a query's scores):
    // both sides hold rounding noise there, compared in absolute terms
    const exactlyZero = name.endsWith("attention.self.key.bias");
    assert.ok(exactlyZero ? diff.abs <= 1e-5 : diff.rel <= 1e-3, `gradient of ${name}: ${JSON.stringify(diff)}`);
  }
  assert.equal(params.length, records.filter((r) => r.name.startsWith("grad.")).length, "every gradient compared");
  e.release();
}

describe("masked-LM parity with PyTorch", () => {
  it("matches logits, loss and every gradient (tied embeddings) on the reference kernels", async () => check(refBackend));
  it("matches on the test backend", async () => check(testBackend()));
});
