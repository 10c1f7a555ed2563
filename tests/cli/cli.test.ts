// The adapterkit command end to end on real data: init a small model with the real BERT vocab, train an
// adapter on SST-2 rows, then eval, predict, info, and a killed-then-resumed run; plus one-line errors.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ok, run, SHARED } from "./helpers/run-cli.js";

const tmp = mkdtempSync(join(tmpdir(), "adapterkit-cli-"));
const model = join(tmp, "model");
after(() => rmSync(tmp, { recursive: true, force: true }));

const trainArgs = (out: string, extra: string[] = []): string[] => [
  "train", "--model", model, "--task", "SST-2", "--data", join(SHARED, "glue"), "--max-train-examples", "96", "--max-dev-examples", "48",
  "--epochs", "2", "--batch-size", "16", "--adapter-size", "16", "--checkpoint-every", "2", "--out", out, ...extra,
];

describe("adapterkit CLI", () => {
  before(() => {
    ok(["init", "--out", model, "--vocab", join(SHARED, "vocab/bert-base-uncased/vocab.txt"), "--layers", "2", "--hidden", "32", "--heads", "2", "--max-positions", "128"]);
  });

  it("trains an adapter and writes the adapter folder, metrics.json and report.html", () => {
    const out = join(tmp, "run");
    const stdout = ok(trainArgs(out));
    assert.match(stdout, /dev accuracy: 0\.\d+/);
    assert.match(stdout, /adapter: [\d.]+ MB in .*adapter \(base model [\d.]+ MB/);
    for (const f of ["adapter/adapter_config.json", "adapter/adapter.safetensors", "adapter/model_head.safetensors", "adapter/adapterkit_layernorms.safetensors", "metrics.json", "report.html"]) {
      assert.ok(existsSync(join(out, f)), `missing ${f}`);
    }
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    assert.equal(metrics.parameters.adapter, 2 * 2 * (2 * 32 * 16 + 16 + 32), "two Houlsby adapters per layer, m = 16");
    assert.ok(metrics.final.accuracy >= 0 && metrics.final.accuracy <= 1);
    assert.match(readFileSync(join(out, "report.html"), "utf8"), /<svg[^>]*>[\s\S]*Training loss/);

    const evalOut = JSON.parse(ok(["eval", "--model", model, "--adapter-dir", join(out, "adapter"), "--task", "SST-2", "--data", join(SHARED, "glue"), "--max-examples", "48"]));
    assert.equal(evalOut.examples, 48);
    assert.ok(Math.abs(evalOut.accuracy - metrics.final.accuracy) < 1e-9, "eval reproduces the kept adapter's dev accuracy");

    const input = join(tmp, "input.tsv");
    writeFileSync(input, "sentence\na gorgeous , witty , seductive movie .\nthe plot is nothing but boilerplate clichés\n");
    ok(["predict", "--model", model, "--adapter-dir", join(out, "adapter"), "--input", input, "--output", join(tmp, "preds.jsonl")]);
    const preds = readFileSync(join(tmp, "preds.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(preds.length, 2);
    for (const p of preds) {
      assert.ok(p.label === "0" || p.label === "1");
      assert.ok(Math.abs(p.probabilities["0"] + p.probabilities["1"] - 1) < 1e-5);
    }
    assert.match(ok(["info", "--model", model, "--adapter-dir", join(out, "adapter")]), /adapter "sst-2" \(custom, m = 16\)/);
  });

  it("a run stopped early and resumed ends with the same adapter as an uninterrupted run", () => {
    ok(trainArgs(join(tmp, "whole")));
    ok(trainArgs(join(tmp, "resumed"), ["--max-steps", "5"]));
    ok(trainArgs(join(tmp, "resumed"), ["--resume"]));
    const whole = JSON.parse(readFileSync(join(tmp, "whole/metrics.json"), "utf8"));
    const resumed = JSON.parse(readFileSync(join(tmp, "resumed/metrics.json"), "utf8"));
    assert.deepEqual(resumed.history.evals.map((e: { metrics: unknown }) => e.metrics), whole.history.evals.map((e: { metrics: unknown }) => e.metrics));
    assert.deepEqual(readFileSync(join(tmp, "resumed/adapter/adapter.safetensors")), readFileSync(join(tmp, "whole/adapter/adapter.safetensors")));
  });

  it("the demo runs on the shipped data and reports dev accuracy and where its output went", () => {
    const out = join(tmp, "demo");
    const r = run(["demo", "--out", out, "--examples", "64"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /dev accuracy: 0\.\d+/);
    assert.match(r.stdout, /report: .*report\.html/);
    assert.ok(existsSync(join(out, "run", "metrics.json")));
    const missing = run(["demo", "--out", out, "--model", join(tmp, "no-model")]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no model at .*no-model/);
  });

  it("bad input gets one line naming the file and the place, and exit code 1", () => {
    const good = join(tmp, "good.tsv");
    writeFileSync(good, "sentence\tlabel\ngood movie\t1\nbad movie\t0\n");
    const bad = join(tmp, "bad.tsv");
    writeFileSync(bad, "sentence\tlabel\ngood movie\t1\nbad movie\tmaybe\n");
    const fileTask = (dev: string, extra: string[] = [], trainFile = good): string[] => ["train", "--model", model, "--task", "file", "--train-file", trainFile, "--format", "tsv",
      "--text-column", "sentence", "--label-column", "label", "--dev-file", dev, "--adapter-size", "8", "--epochs", "1", "--out", join(tmp, "badrun"), ...extra];
    const r = run(fileTask(bad));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.tsv:3: unknown label "maybe"/);
    const ragged = join(tmp, "ragged.tsv");
    writeFileSync(ragged, "sentence\tlabel\ngood movie\t1\nbad\tmovie\t0\nfine film\t0\n");
    const stopped = run(fileTask(good, [], ragged));
    assert.equal(stopped.code, 1);
    assert.match(stopped.stderr, /ragged\.tsv:3: /);
    const skipped = run(fileTask(ragged, ["--skip-malformed"], ragged));
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(skipped.stderr, /skipped 2 malformed row\(s\): .*ragged\.tsv:3/);
    const missing = run(["train", "--model", join(tmp, "nope"), "--task", "SST-2", "--data", join(SHARED, "glue"), "--out", join(tmp, "x")]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^adapterkit: .*nope/m);
  });
});
