// K-Adapter from the command line on the real files, with a tiny model: pretrain a factual adapter
// (LitWD1Krel, held-out fifth) and a linguistic one (UD EWT), then OpenEntity and TACRED-format training
// with them; the model stays frozen while adapters pretrain; bad flags get one-line errors.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { readSafetensors } from "../../src/io/index.js";
import { ok, run, DATA } from "./helpers/run-cli.js";

const tmp = mkdtempSync(join(tmpdir(), "adapterkit-kadapter-cli-"));
const model = join(tmp, "model");
after(() => rmSync(tmp, { recursive: true, force: true }));

function okWithLog(args: string[]): string {
  const r = run(args);
  assert.equal(r.code, 0, `adapterkit ${args.join(" ")} failed:\n${r.stderr}`);
  return r.stdout + r.stderr;
}

const metrics = (dir: string) => JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8"));

describe("adapterkit kadapter", () => {
  before(() => {
    ok(["init", "--out", model, "--vocab", join(DATA, "vocab/bert-base-uncased/vocab.txt"), "--layers", "2", "--hidden", "32", "--heads", "2", "--max-positions", "128"]);
  });

  it("pretrains factual and linguistic adapters with the model frozen, then trains OpenEntity and TACRED-format tasks with them", async () => {
    const fac = join(tmp, "fac");
    const facLog = okWithLog(["kadapter", "pretrain", "--task", "relation", "--data", DATA, "--model", model, "--out", fac, "--epochs", "1", "--batch-size", "16", "--plugin-layers", "0,2"]);
    assert.match(facLog, /400 train \/ 100 dev examples/, "the LitWD1Krel slice (500, spans repaired) with every fifth example held out");
    assert.match(facLog, /plug-in points 0, 2/);
    assert.match(facLog, /dev accuracy: [\d.]+, the best of \d+ evaluation\(s\), at step \d+ \(.*\); accuracy [\d.]+, macroF1 [\d.]+/);
    const facMetrics = metrics(fac);
    assert.equal(facMetrics.parameters.trainable, facMetrics.parameters.adapter + facMetrics.parameters.head, "only the adapter and its head train");
    assert.ok(existsSync(join(fac, "adapter", "kadapter_config.json")) && existsSync(join(fac, "report.html")));

    const lin = join(tmp, "lin");
    const linLog = okWithLog(["kadapter", "pretrain", "--task", "dependency", "--data", DATA, "--model", model, "--out", lin, "--epochs", "1", "--max-train-examples", "200", "--no-mask-padding"]);
    assert.match(linLog, /padding not masked/);
    assert.match(linLog, /dev uas: [\d.]+/);
    assert.ok(metrics(lin).final.uas >= 0);

    const et = join(tmp, "et");
    const etLog = okWithLog(["train", "--task", "openentity", "--data", DATA, "--model", model, "--out", et, "--knowledge", `fac=${fac}/adapter,lin=${lin}/adapter`,
      "--epochs", "1", "--max-train-examples", "200", "--batch-size", "16"]);
    assert.match(etLog, /knowledge adapters fac, lin \(concat fusion, frozen\)/);
    assert.match(etLog, /dev f1: [\d.]+, the best of \d+ evaluation\(s\).*; f1 [\d.]+, precision [\d.]+, recall [\d.]+/);
    const task = await readSafetensors(join(et, "task", "task.safetensors"));
    assert.ok(task.records.some((r) => r.name.startsWith("fusion.perAdapter.1.")) && task.records.some((r) => r.name.startsWith("fusion.task.")));
    assert.ok(existsSync(join(et, "model", "model.safetensors")), "the fine-tuned encoder is written (the reference fine-tunes it)");

    const frozen = join(tmp, "frozen");
    ok(["train", "--task", "openentity", "--data", DATA, "--model", model, "--out", frozen, "--knowledge", `fac=${fac}/adapter`, "--freeze-encoder",
      "--fusion", "add", "--epochs", "1", "--max-train-examples", "64"]);
    const m = metrics(frozen);
    assert.equal(m.parameters.trainable, m.parameters.head, "add fusion has no weights: with the encoder and adapter frozen only the head trains");
    assert.ok(!existsSync(join(frozen, "model")));

    const tacred = join(tmp, "tacred");
    const tacredLog = okWithLog(["train", "--task", "tacred", "--model", model, "--out", tacred, "--train-file", join(DATA, "kadapter/LitWD1Krel/dev.json"),
      "--epochs", "1", "--max-train-examples", "64"]);
    assert.match(tacredLog, /dev f1: [\d.]+, the best of \d+ evaluation\(s\).*; f1 [\d.]+, precision [\d.]+, recall [\d.]+, accuracy [\d.]+/);
  });

  it("bad flags get one line naming the problem", () => {
    const bad = run(["train", "--task", "openentity", "--model", model, "--knowledge", "fac", "--out", join(tmp, "x")]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--knowledge: expected name=dir pairs separated by commas, got "fac"/);
    const missing = run(["train", "--task", "openentity", "--model", model, "--knowledge", `fac=${join(tmp, "nope")}`, "--out", join(tmp, "y")]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^adapterkit: .*nope/m);
    const wrongTask = run(["train", "--task", "SST-2", "--data", join(DATA, "glue"), "--model", model, "--knowledge", "fac=x", "--out", join(tmp, "z")]);
    assert.equal(wrongTask.code, 1);
    assert.match(wrongTask.stderr, /--knowledge: expected a K-Adapter task/);
    const noTacredData = run(["train", "--task", "tacred", "--model", model, "--out", join(tmp, "w")]);
    assert.equal(noTacredData.code, 1);
    assert.match(noTacredData.stderr, /--task tacred: expected --train-file and --dev-file/);
  });
});
