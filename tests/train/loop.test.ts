// The training loop: it learns, a killed-and-resumed run ends bit for bit where an uninterrupted one does,
// and a non-finite loss stops the run with the last checkpoint intact.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Adapter, bottleneckConfig } from "../../src/adapters/index.js";
import { Engine } from "../../src/autograd/index.js";
import type { EncodedExample } from "../../src/data/index.js";
import { headConfig } from "../../src/heads/index.js";
import { BertModel, fromHfConfig } from "../../src/models/index.js";
import { Rng } from "../../src/rng.js";
import { runTraining, TrainingDivergedError, type LoopConfig } from "../../src/train/index.js";
import { TaskModel } from "../../src/train/task-model.js";
import { applyTrainMode } from "../../src/train/trainable.js";
import { testBackend } from "../helpers/backend.js";

const tmp = mkdtempSync(join(tmpdir(), "adapterkit-loop-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const config = fromHfConfig({
  model_type: "bert", vocab_size: 20, hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2,
  intermediate_size: 32, max_position_embeddings: 16, type_vocab_size: 2, hidden_act: "gelu_new",
});

// label = whether token 5 occurs in the sequence
function dataset(n: number, seed: number): EncodedExample[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const len = 3 + rng.int(6);
    const ids = Int32Array.from({ length: len }, (_, t) => (t === 0 ? 1 : 6 + rng.int(14)));
    const positive = i % 2 === 0;
    if (positive) ids[1 + rng.int(len - 1)] = 5;
    return { ids, typeIds: new Int32Array(len), target: positive ? 1 : 0, source: `synthetic:${i}` };
  });
}

function setup() {
  const e = new Engine({ backend: testBackend() });
  const encoder = new BertModel(e, config, { seed: 1 });
  const spec = { bottleneck: bottleneckConfig("houlsby", { bottleneckSize: 4 }, 16, 2), layerNorms: true, head: headConfig("classification", ["0", "1"]) };
  const model = new TaskModel(encoder, new Adapter(e, "task", encoder, spec, { bottleneck: new Rng(2), head: new Rng(3) }));
  const trainable = applyTrainMode("adapters", model.parameterGroups());
  return { e, model, trainable };
}

const loopConfig: LoopConfig = {
  epochs: 3, batchSize: 8, gradAccumulation: 2, lr: 3e-3, warmupProportion: 0.1, schedule: "bert", optimizer: "bert",
  weightDecay: 0.01, clipNorm: 1, seed: 7, evalEverySteps: null, checkpointEverySteps: 2,
};
const train = dataset(48, 1);
const dev = dataset(16, 2);
const accuracy = (preds: { value: number | number[] }[], gold: readonly EncodedExample[]) => {
  const acc = preds.filter((p, i) => p.value === gold[i].target).length / preds.length;
  return { metrics: { accuracy: acc }, primary: acc };
};

async function run(dir: string, maxSteps?: number, resume = false) {
  const s = setup();
  const history = await runTraining({
    engine: s.e, model: s.model, trainable: s.trainable, train, dev, kind: "classification", padId: 0, score: accuracy,
    config: { ...loopConfig, maxSteps }, checkpointDir: dir, resume,
  });
  return { ...s, history };
}

describe("training loop", () => {
  it("lowers the loss, evaluates each epoch and resumes to the same weights bit for bit", async () => {
    const whole = await run(join(tmp, "whole"));
    const steps = whole.history.steps;
    assert.equal(steps.length, 9, "3 epochs × ceil(6 batches / 2)");
    assert.equal(whole.history.evals.length, 3);
    const first = (steps[0].loss + steps[1].loss) / 2;
    const last = (steps[7].loss + steps[8].loss) / 2;
    assert.ok(last < first, `loss should fall: ${first} -> ${last}`);

    const dir = join(tmp, "resumed");
    await run(dir, 4); // killed after step 4 (a checkpoint at step 4)
    const resumed = await run(dir, undefined, true);
    assert.deepEqual(resumed.history.steps.map((s) => s.loss), steps.map((s) => s.loss));
    for (let i = 0; i < whole.trainable.length; i++) {
      const [name, t] = whole.trainable[i];
      assert.deepEqual(Array.from(resumed.trainable[i][1].data), Array.from(t.data), `${name} differs after resume`);
    }
  });

  it("stops on a non-finite loss and leaves the last checkpoint readable", async () => {
    const dir = join(tmp, "diverged");
    await run(dir, 2);
    const before = readFileSync(join(dir, "latest.json"), "utf8");
    const s = setup();
    s.model.adapter.head.classifier.weight.data[0] = Number.NaN;
    await assert.rejects(runTraining({
      engine: s.e, model: s.model, trainable: s.trainable, train, dev, kind: "classification", padId: 0, score: accuracy,
      config: loopConfig, checkpointDir: dir, resume: false,
    }), (e: unknown) => e instanceof TrainingDivergedError && /finite loss.*intact/.test(e.message));
    assert.equal(readFileSync(join(dir, "latest.json"), "utf8"), before);
    assert.ok(existsSync(join(dir, JSON.parse(before).checkpoint, "weights.safetensors")));
  });
});
