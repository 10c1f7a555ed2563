// The adapterkit command end to end on real data: init a small model with the real BERT vocab, train an
// adapter on SST-2 rows, then eval, predict, info, and a killed-then-resumed run; plus one-line errors.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CLI, ok, run, DATA } from "./helpers/run-cli.js";

const tmp = mkdtempSync(join(tmpdir(), "adapterkit-cli-"));
const model = join(tmp, "model");
after(() => rmSync(tmp, { recursive: true, force: true }));

const trainArgs = (out: string, extra: string[] = []): string[] => [
  "train", "--model", model, "--task", "SST-2", "--data", join(DATA, "glue"), "--max-train-examples", "96", "--max-dev-examples", "48",
  "--epochs", "2", "--batch-size", "16", "--adapter-size", "16", "--checkpoint-every", "2", "--out", out, ...extra,
];

describe("adapterkit CLI", () => {
  before(() => {
    ok(["init", "--out", model, "--vocab", join(DATA, "vocab/bert-base-uncased/vocab.txt"), "--layers", "2", "--hidden", "32", "--heads", "2", "--max-positions", "128"]);
  });

  it("trains an adapter and writes the adapter folder, metrics.json and report.html", () => {
    const out = join(tmp, "run");
    const stdout = ok(trainArgs(out));
    assert.match(stdout, /dev accuracy: 0\.\d+, the best of 2 evaluation\(s\), at step \d+ \((also the last|last: 0\.\d+ at step 12)\)/);
    assert.match(stdout, /adapter: [\d.]+ MB in .*adapter \(base model [\d.]+ MB/);
    for (const f of ["adapter/adapter_config.json", "adapter/adapter.safetensors", "adapter/model_head.safetensors", "adapter/adapterkit_layernorms.safetensors", "metrics.json", "report.html"]) {
      assert.ok(existsSync(join(out, f)), `missing ${f}`);
    }
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    const layerNorms = (1 + 2 * 2) * 2 * 32; // the adapter's own copy of every LayerNorm (embeddings' and two per layer)
    assert.equal(metrics.parameters.adapter, 2 * 2 * (2 * 32 * 16 + 16 + 32) + layerNorms, "two Houlsby adapters per layer, m = 16, and its LayerNorms");
    assert.ok(metrics.final.accuracy >= 0 && metrics.final.accuracy <= 1);
    assert.match(readFileSync(join(out, "report.html"), "utf8"), /<svg[^>]*>[\s\S]*Training loss/);

    const evalOut = JSON.parse(ok(["eval", "--model", model, "--adapter-dir", join(out, "adapter"), "--task", "SST-2", "--data", join(DATA, "glue"), "--max-examples", "48"]));
    assert.equal(evalOut.examples, 48);
    assert.ok(Math.abs(evalOut.accuracy - metrics.final.accuracy) < 1e-9, "eval reproduces the kept adapter's dev accuracy");
    const int8 = run(["eval", "--model", model, "--adapter-dir", join(out, "adapter"), "--task", "SST-2", "--data", join(DATA, "glue"), "--max-examples", "48", "--precision", "int8"]);
    assert.equal(int8.code, 0, int8.stderr);
    assert.equal(JSON.parse(int8.stdout).examples, 48);
    assert.match(int8.stderr, /packed once as int8 \(avx512-vnni|reference\)|precision int8 needs AVX-512 VNNI.*running fp32 instead/);
    const bad = run(["eval", "--model", model, "--adapter-dir", join(out, "adapter"), "--task", "SST-2", "--data", join(DATA, "glue"), "--precision", "fp16"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--precision: expected fp32, int8 or bf16, got "fp16"/);

    const input = join(tmp, "input.tsv");
    writeFileSync(input, "sentence\na gorgeous , witty , seductive movie .\nthe plot is nothing but boilerplate clichés\n");
    ok(["predict", "--model", model, "--adapter-dir", join(out, "adapter"), "--input", input, "--output", join(tmp, "preds.jsonl")]);
    const preds = readFileSync(join(tmp, "preds.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(preds.length, 2);
    for (const p of preds) {
      assert.ok(p.label === "0" || p.label === "1");
      assert.ok(Math.abs(p.scores["0"] + p.scores["1"] - 1) < 1e-5 && p.score === Math.max(p.scores["0"], p.scores["1"]));
    }
    // info reads a saved adapter without the model
    assert.match(ok(["info", "--adapter-dir", join(out, "adapter")]), /adapter "sst-2" \(custom, m = 16\)/);
  });

  it("--max-steps below one epoch still evaluates and saves the adapter", () => {
    const out = join(tmp, "short");
    const stdout = ok(trainArgs(out, ["--max-steps", "2"]));
    assert.match(stdout, /dev accuracy: 0\.\d+, the best of 1 evaluation\(s\), at step 2 \(also the last\)/);
    assert.ok(existsSync(join(out, "adapter/adapter.safetensors")));
    assert.doesNotMatch(stdout, /0\.00 MB/);
  });

  it("tagging end to end: train on CoNLL-2003, eval with only --dev-file, predict entities with character offsets", () => {
    const out = join(tmp, "ner");
    const conll = join(DATA, "conll2003");
    ok(["train", "--model", model, "--task", "conll", "--train-file", join(conll, "train.txt"), "--dev-file", join(conll, "valid.txt"), "--max-train-examples", "64",
      "--max-dev-examples", "32", "--max-steps", "2", "--batch-size", "16", "--adapter-size", "8", "--out", out]);
    const scored = JSON.parse(ok(["eval", "--model", model, "--adapter-dir", join(out, "adapter"), "--task", "conll", "--dev-file", join(conll, "valid.txt"), "--max-examples", "32"]));
    assert.equal(scored.examples, 32);
    assert.ok(scored.f1 >= 0 && scored.f1 <= 1);
    const input = join(tmp, "ner.tsv");
    writeFileSync(input, "sentence\nJohn Smith flew to Paris .\nThe EU rejected German calls .\n");
    ok(["predict", "--model", model, "--adapter-dir", join(out, "adapter"), "--input", input, "--output", join(tmp, "ner.jsonl")]);
    const rows = readFileSync(join(tmp, "ner.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { text: string; entities: { text: string; start: number; end: number }[] });
    assert.equal(rows.length, 2);
    for (const row of rows) for (const x of row.entities) assert.equal(row.text.slice(x.start, x.end), x.text);
  });

  it("predict with an adapter trained on pairs and no --text-pair-column is an error naming the file and line", () => {
    const pairs = join(tmp, "pairs.tsv");
    writeFileSync(pairs, "a\tb\tlabel\na cat sat\ta cat was sitting\tsame\nit rained\tthe sun shone\tdifferent\n");
    const out = join(tmp, "pairs");
    ok(["train", "--model", model, "--task", "file", "--train-file", pairs, "--dev-file", pairs, "--format", "tsv", "--text-column", "a", "--text-pair-column", "b",
      "--label-column", "label", "--adapter-size", "4", "--epochs", "1", "--out", out]);
    const r = run(["predict", "--model", model, "--adapter-dir", join(out, "adapter"), "--input", pairs, "--text-column", "a", "--output", join(tmp, "p.jsonl")]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /pairs\.tsv:2: expected \{ text, textPair \}: this adapter was trained on text pairs/);
    assert.ok(!existsSync(join(tmp, "p.jsonl")), "no output file written");
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

  // npx keeps a link to the project in its cache and, once it has one, runs the bin as it finds it: the build
  // itself must leave the bin executable (CI once failed with "adapterkit: Permission denied").
  it("the built bin runs as a program, not only through node", () => {
    const r = spawnSync(CLI, ["--help"], { encoding: "utf8" });
    assert.equal(r.error, undefined, `${CLI} does not run as a program: ${r.error?.message}`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: adapterkit/);
  });

  it("the demo runs on the shipped data and reports dev accuracy and where its output went", () => {
    const out = join(tmp, "demo");
    const r = run(["demo", "--out", out, "--examples", "64"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /dev accuracy: 0\.\d+/);
    assert.match(r.stdout, /report: .*report\.html/);
    assert.match(r.stdout, /predictions \(kit\.predict\):\n  (positive|negative) 0\.\d\d  a gem of a film/);
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
    const pooling = run(["train", "--model", model, "--task", "SST-2", "--data", join(DATA, "glue"), "--pooling", "weird", "--out", join(tmp, "x")]);
    assert.equal(pooling.code, 1);
    assert.match(pooling.stderr, /^adapterkit: --pooling: unknown "weird"; expected one of pooler, mean, cls$/m);
    const missing = run(["train", "--model", join(tmp, "nope"), "--task", "SST-2", "--data", join(DATA, "glue"), "--out", join(tmp, "x")]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^adapterkit: .*nope/m);
  });
});
