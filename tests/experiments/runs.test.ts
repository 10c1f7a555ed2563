import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadRuns, saveRuns, tablePath } from "../../experiments/runs.js";

test("experiment results refuse to resume on other weights than they were measured on", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ak-runs-"));
  const model = join(dir, "model");
  const results = join(dir, "runs.json");
  mkdirSync(model);
  writeFileSync(join(model, "model.safetensors"), "weights v1");
  await saveRuns(results, model, [{ seed: 1 }]);
  assert.deepEqual(loadRuns(results, model), [{ seed: 1 }]);

  writeFileSync(join(model, "README.md"), "a card edit does not change the weights");
  assert.deepEqual(loadRuns(results, model), [{ seed: 1 }]);

  writeFileSync(join(model, "model.safetensors"), "weights v2");
  assert.throws(() => loadRuns(results, model), (e: Error) => e.message.startsWith(`${results}: its runs were measured on other weights`));

  // a file written before weights were recorded is taken as it is
  writeFileSync(results, JSON.stringify({ model: "models/x", runs: [{ seed: 2 }] }));
  assert.deepEqual(loadRuns(results, model), [{ seed: 2 }]);
});

test("a results file's table goes beside it and never over the JSON", () => {
  assert.equal(tablePath("experiments/results/houlsby-runs.json"), "experiments/results/houlsby.md");
  assert.equal(tablePath("runs/diag/sst.json"), "runs/diag/sst.md");
  assert.equal(tablePath("runs/diag/sst"), "runs/diag/sst.md");
});
