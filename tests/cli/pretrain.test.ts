// adapterkit pretrain end to end on real text: a tiny BERT pretrained for a few steps, stopped by its time
// limit and resumed with the same command; the model directory it writes loads back with its MLM head, and
// its card lists the corpus; a resume with other settings is refused.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Engine } from "../../src/autograd/index.js";
import { readSafetensors } from "../../src/io/index.js";
import { refBackend } from "../../src/kernels/index.js";
import { loadPretrained } from "../../src/models/index.js";
import { CLI, ROOT, run, DATA } from "./helpers/run-cli.js";

const tmp = mkdtempSync(join(tmpdir(), "adapterkit-pretrain-cli-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const book = join(DATA, "text/gutenberg-en/joyce_dubliners_pg2814.txt");
const out = join(tmp, "mini");
const args = (steps: string, extra: string[] = []): string[] => [
  "pretrain", "--out", out, "--data", DATA, "--text", book, "--layers", "2", "--hidden", "32", "--heads", "2", "--max-positions", "32",
  "--seq-length", "32", "--batch-size", "8", "--steps", steps, "--warmup-steps", "2", "--lr", "5e-3", "--eval-every", "3",
  "--held-out-sequences", "8", ...extra,
];

describe("adapterkit pretrain", () => {
  it("pretrains, stops on a signal-free time limit, resumes, and writes a loadable model with its card", async () => {
    const first = run(args("6", ["--max-minutes", "0"])); // the limit is checked after each step: stops after step 1
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /stopped at step 1 of 6/);
    const second = run(args("6"));
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /finished at step 6 of 6/);
    assert.match(second.stderr, /held-out masked-token accuracy [\d.]+%/);

    const card = readFileSync(join(out, "README.md"), "utf8");
    assert.match(card, /data\/text\/gutenberg-en\/joyce_dubliners_pg2814\.txt \| [\d,]+ \|/);
    assert.match(card, /data\/text\/wikitext2-test\/wiki\.test\.raw \(never trained on\)/);
    assert.match(card, /masked-token accuracy [\d.]+%/);
    assert.match(readFileSync(join(out, "pretraining-report.html"), "utf8"), /<svg[\s\S]*Held-out masked-token accuracy/);

    const weights = await readSafetensors(join(out, "model.safetensors"), { keepHalf: true });
    assert.ok(weights.records.every((r) => r.dtype === "F16"), "weights stored as F16");
    assert.ok(weights.records.some((r) => r.name === "cls.predictions.transform.dense.weight"), "the MLM head is saved");
    const loaded = await loadPretrained(new Engine({ backend: refBackend }), out);
    assert.equal(loaded.config.numLayers, 2);
    assert.equal(loaded.config.hiddenDropout, 0.1, "the shipped config is set for fine-tuning");
    assert.deepEqual(loaded.unexpected.sort(), [
      "cls.predictions.bias", "cls.predictions.transform.LayerNorm.bias", "cls.predictions.transform.LayerNorm.weight",
      "cls.predictions.transform.dense.bias", "cls.predictions.transform.dense.weight",
    ]);
    assert.ok(statSync(join(out, "vocab.txt")).size > 200_000);
  });

  it("stops cleanly on SIGINT: checkpoint, model written, exit code 0", async () => {
    const dir = join(tmp, "interrupted");
    const child = spawn(process.execPath, [CLI, ...args("400").map((a) => (a === out ? dir : a))], { cwd: ROOT });
    let stderr = "";
    let signalled = false;
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!signalled && /pretrain \d+\/400/.test(stderr)) {
        signalled = true;
        child.kill("SIGINT");
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(code, 0, stderr);
    const stopped = /stopped at step (\d+) of 400/.exec(stderr);
    assert.ok(stopped && Number(stopped[1]) < 400, stderr);
    assert.ok(statSync(join(dir, "model.safetensors")).size > 0);
  });

  it("continues pretraining from a model directory with --init-from (and --position-init), and says so in the card", () => {
    const next = join(tmp, "continued");
    const r = run([...args("3").map((a) => (a === out ? next : a)), "--init-from", out, "--position-init", "1"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /initialised from .*mini \(encoder and MLM head\)/);
    const card = readFileSync(join(next, "README.md"), "utf8");
    assert.match(card, /Continued from earlier runs of this command, oldest first: `[^`]*mini` \(6 steps, [\d,]+ tokens/);
    assert.match(card, /In all: 9 steps/);
    assert.match(card, /sinusoids of row norm 1/);

    const withPairs = join(tmp, "with-pairs");
    const p = run([...args("3").map((a) => (a === out ? withPairs : a)), "--init-from", next, "--next-sentence"]);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stderr, /initialised from .*continued \(encoder and MLM head; next-sentence head fresh\)/);
    const pairsCard = readFileSync(join(withPairs, "README.md"), "utf8");
    assert.match(pairsCard, /next-sentence accuracy \d+\.\d% on 8 held-out pairs/);
    assert.match(pairsCard, /oldest first: `[^`]*mini` \(6 steps[^;]*; `[^`]*continued` \(3 steps[^)]*\)\. In all: 12 steps/); // the whole chain of stages
    const names = Object.keys(JSON.parse(readFileSync(join(withPairs, "model.safetensors")).subarray(8, 8 + readFileSync(join(withPairs, "model.safetensors")).readUInt32LE(0)).toString()));
    assert.ok(names.includes("cls.seq_relationship.weight") && names.includes("cls.seq_relationship.bias"), names.join(","));
    const wrongShape = run([...args("3", ["--hidden", "64"]).map((a) => (a === out ? join(tmp, "wrong") : a)), "--init-from", out]);
    assert.equal(wrongShape.code, 1);
    assert.match(wrongShape.stderr, /model\.safetensors: expected the tensors of a bert encoder .*mis-shaped/);
  });

  it("refuses to resume a run with other settings, naming what changed", () => {
    const r = run(args("6", ["--lr", "1e-3"]));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /holds a run with other settings \(lr: 0\.005 -> 0\.001\)/);
  });

  it("refuses a task-text weight below 1, or with --text, whose files are not the shared tasks, writing nothing", () => {
    const r = run([...args("3").map((a) => (a === out ? join(tmp, "weighted") : a)), "--task-text-weight", "5"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--task-text-weight weighs the default corpus's task splits; it cannot go with --text/);
    const zero = run([...args("3").filter((a) => a !== "--text" && a !== book).map((a) => (a === out ? join(tmp, "weighted") : a)), "--task-text-weight", "0"]);
    assert.equal(zero.code, 1);
    assert.match(zero.stderr, /--task-text-weight: expected an integer >= 1, got 0/);
    assert.ok(!existsSync(join(tmp, "weighted")) && !existsSync(join(tmp, "weighted-checkpoints")), "nothing written");
  });
});
