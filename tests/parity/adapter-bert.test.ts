// Parity with an independent PyTorch implementation (tests/fixtures/gen/make_parity.py): forward outputs,
// loss, the gradient of every trainable parameter, and every trainable weight after three optimizer steps
// (BERT's AdamWeightDecay, global-norm clipping, warmup + linear decay), on tiny BERT and RoBERTa models with
// Houlsby and Pfeiffer adapters and every head type.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Adapter, bottleneckConfig, copyWeights, fromAdapterHubName, toAdapterHubNames } from "../../src/adapters/index.js";
import { Engine, type Tensor } from "../../src/autograd/index.js";
import { fromHubHeadName, headConfig, toHubHeadName, type HeadKind, type Labels } from "../../src/heads/index.js";
import { readSafetensors, toFloat32, type TensorRecord } from "../../src/io/index.js";
import { refBackend, type Backend } from "../../src/kernels/index.js";
import { BertModel, fromHfConfig, hfName, mapCheckpoint } from "../../src/models/index.js";
import { Rng } from "../../src/rng.js";
import { Routing } from "../../src/nn/index.js";
import { clipGradNorm } from "../../src/train/clip.js";
import { Adam } from "../../src/train/optim/adam.js";
import { learningRate, schedule } from "../../src/train/schedule.js";
import { TaskModel } from "../../src/train/task-model.js";
import { applyTrainMode, type TrainMode } from "../../src/train/trainable.js";
import { testBackend } from "../helpers/backend.js";
import { tensorDiff } from "../helpers/close.js";

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), "../../../tests/fixtures/parity");
const ctx = { training: false, rng: new Rng(0) }; // the fixtures run with dropout off

interface Fixture {
  meta: Record<string, string>;
  byName: Map<string, TensorRecord>;
}

function tensorOf(f: Fixture, name: string): Float32Array {
  const r = f.byName.get(name);
  if (!r) throw new Error(`fixture has no tensor "${name}"`);
  return toFloat32(r);
}

function intsOf(f: Fixture, name: string): Int32Array {
  const r = f.byName.get(name);
  if (!r || r.dtype !== "I32") throw new Error(`fixture has no I32 tensor "${name}"`);
  return r.data;
}


function build(f: Fixture, backend: Backend) {
  const config = fromHfConfig(JSON.parse(f.meta.config) as Record<string, unknown>);
  const e = new Engine({ backend });
  const encoder = new BertModel(e, config);
  const records = [...f.byName.values()].filter((r) => r.dtype === "F32").map((r) => ({ name: r.name, shape: r.shape, data: toFloat32(r) }));
  const base = mapCheckpoint(records.filter((r) => !/^(out|grad|step3)\./.test(r.name) && !/adapters\.|^heads\.|^(input_ids|token_type_ids|attention_mask|labels)$/.test(r.name)), config);
  encoder.loadWeights(base.params);

  const method = f.meta.adapter_method;
  const mode = f.meta.mode as TrainMode;
  const kind = f.meta.head_type as HeadKind;
  const numLabels = Number(f.meta.num_labels);
  const labels = kind === "regression" ? ["score"] : Array.from({ length: numLabels }, (_, i) => String(i));
  // the adapter holds what the fixture trains: its bottleneck, its LayerNorm copies in adapter mode (in full
  // fine-tuning the encoder's own LayerNorms train), and the head
  const bottleneck = method === "houlsby" || method === "pfeiffer" ? bottleneckConfig(method, { bottleneckSize: Number(f.meta.adapter_size) }, config.hiddenSize, config.numLayers) : null;
  const adapter = new Adapter(e, "task", encoder, { bottleneck, layerNorms: mode === "adapters", head: headConfig(kind, labels, 0) }, { bottleneck: new Rng(0), head: new Rng(0) });
  if (adapter.bottleneck) {
    const weights = new Map<string, Float32Array>();
    for (const r of records) {
      const n = fromAdapterHubName("task", r.name);
      if (n) weights.set(n, r.data);
    }
    copyWeights(adapter.bottleneck.namedParameters(), weights, "fixture adapter");
  }
  const headWeights = new Map<string, Float32Array>();
  for (const r of records) {
    const n = fromHubHeadName("task", r.name, adapter.head.config);
    if (n) headWeights.set(n, r.data);
  }
  copyWeights(adapter.head.namedParameters(), headWeights, "fixture head");
  const model = new TaskModel(encoder, adapter);

  const prefix = config.modelType;
  // our parameter name -> the fixture's
  const fixtureName = (n: string): string => n.startsWith("adapters.task.")
    ? toAdapterHubNames(prefix, "task", n.slice("adapters.task.".length))[0]
    : n.startsWith("head.") ? toHubHeadName("task", n.slice("head.".length), adapter.head.config) : `${prefix}.${hfName(n)}`;

  const B = 3;
  const T = intsOf(f, "input_ids").length / B;
  const input = { ids: intsOf(f, "input_ids"), typeIds: intsOf(f, "token_type_ids"), attentionMask: intsOf(f, "attention_mask"), batchSize: B, seqLength: T };
  const labelRecord = f.byName.get("labels");
  const batchLabels: Labels = labelRecord?.dtype === "I32" ? { kind: "classes", ids: labelRecord.data } : { kind: "values", values: tensorOf(f, "labels") };
  return { e, model, input, batchLabels, fixtureName, mode };
}

function checkCase(file: string, backend: Backend): void {
  it(`${file.replace(".safetensors", "")} on ${backend.name}`, async () => {
    const { records, metadata } = await readSafetensors(join(FIXTURES, file));
    const f: Fixture = { meta: metadata ?? {}, byName: new Map(records.map((r) => [r.name, r])) };
    const { e, model, input, batchLabels, fixtureName, mode } = build(f, backend);
    const trainable = applyTrainMode(mode, model.parameterGroups());
    assert.deepEqual(trainable.map(([n]) => fixtureName(n)).sort(), (JSON.parse(f.meta.trainable) as string[]).sort(), "trainable set");
    const zeroInExact = new Set(JSON.parse(f.meta.zero_in_exact_arithmetic ?? "[]") as string[]);

    // forward and loss
    const enc = model.encoder.forward(input, ctx, { routing: Routing.uniform(input.batchSize, model.adapter) });
    for (const [name, t] of [["out.last_hidden", enc.lastHidden], ["out.pooled", enc.pooled]] as [string, Tensor][]) {
      const { abs } = tensorDiff(t.data, tensorOf(f, name));
      assert.ok(abs <= 1e-4, `${name}: max abs diff ${abs}`);
    }
    e.release();
    const logits = model.forward(input, ctx);
    assert.ok(tensorDiff(logits.data, tensorOf(f, "out.logits")).abs <= 1e-4, "logits");
    const loss = model.loss(logits, batchLabels);
    assert.ok(tensorDiff(loss.data, tensorOf(f, "out.loss")).abs <= 1e-4, `loss ${loss.item()} vs ${tensorOf(f, "out.loss")[0]}`);

    // gradients of one backward
    e.backward(loss);
    for (const [n, t] of trainable) {
      const want = tensorOf(f, `grad.${fixtureName(n)}`);
      const { rel, abs } = tensorDiff(t.grad ?? new Float32Array(t.size), want);
      if (zeroInExact.has(fixtureName(n))) assert.ok(abs <= 1e-5, `grad ${n}: abs diff ${abs} (zero in exact arithmetic)`);
      else assert.ok(rel <= 1e-3, `grad ${n} ${t.shape}: relative error ${rel} (max abs diff ${abs})`);
    }
    e.release();

    // three optimizer steps, from the fixture's weights again (the gradients above are discarded)
    for (const [, t] of trainable) t.zeroGrad();
    const adam = new Adam(trainable, { variant: "bert", eps: 1e-6, weightDecay: 0.01 });
    const sched = schedule("bert", Number(f.meta.init_lr), 10, 0.1);
    const lrs: number[] = [];
    for (let step = 0; step < 3; step++) {
      for (const [, t] of trainable) t.zeroGrad();
      e.backward(model.loss(model.forward(input, ctx), batchLabels));
      e.release();
      clipGradNorm(trainable.map(([, t]) => t), 1.0);
      lrs.push(learningRate(sched, step));
      adam.step(lrs[step]);
    }
    assert.ok(tensorDiff(lrs, tensorOf(f, "out.lr")).abs <= 1e-9, `learning rates ${lrs}`);
    for (const [n, t] of trainable) {
      const { abs } = tensorDiff(t.data, tensorOf(f, `step3.${fixtureName(n)}`));
      assert.ok(abs <= 1e-4, `step3 ${n}: max abs diff ${abs}`);
    }
  });
}

describe("parity with the PyTorch reference", () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".safetensors")).sort();
  it("has the fixtures", () => assert.ok(files.length >= 9, `found ${files.length} fixtures`));
  const backends = [refBackend, testBackend()].filter((b, i, all) => all.findIndex((x) => x.name === b.name) === i);
  for (const backend of backends) for (const file of files) checkCase(file, backend);
});
