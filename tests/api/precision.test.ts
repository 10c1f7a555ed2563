// AdapterKit.load(dir, { precision }) on the shipped mini BERT and real SST-2, around one Houlsby adapter trained
// with the demo's recipe over the fp32 base:
// - int8: that adapter's dev accuracy within 1 point of fp32 when the base runs in int8; int8 refuses training;
// - bf16 inference: within 0.5 points;
// - bf16 training (the frozen base's forward and dX GEMMs in bf16): the same recipe's loss curve within 1e-2 of
//   fp32's over the first 200 steps (mean absolute difference), and its dev accuracy within 0.5 points;
// - where there is no int8 or bf16 kernel (a lesser GEMM kernel forced, in a child) the kit runs fp32 and says so.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { AdapterKit, type TrainSummary } from "../../src/api/index.js";
import { DEMO_RECIPE } from "../../src/cli/commands/demo.js";
import { ConfigError } from "../../src/errors.js";
import type { LinearPrecision } from "../../src/kernels/index.js";
import { testBackend } from "../helpers/backend.js";
import { DATA } from "../helpers/data.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const MODEL = join(ROOT, "models/mini-bert-uncased");
const tmp = mkdtempSync(join(tmpdir(), "adapterkit-precision-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const SST2 = { source: "glue" as const, name: "SST-2", dataDir: join(DATA, "glue") };
const backend = testBackend();
// the native kernels only: the reference kernels would take many minutes over these runs
const kernel = (p: LinearPrecision): boolean => backend.name === "native" && backend.linearKernel(p) !== null;

/** The demo's recipe (cli/commands/demo.ts): a Houlsby adapter on 8,000 SST-2 sentences, one epoch. */
async function trainDemoRecipe(kit: AdapterKit, out: string): Promise<{ summary: TrainSummary; losses: number[] }> {
  const losses: number[] = [];
  const summary = await kit.train({
    adapter: "sst2",
    task: SST2,
    out: join(tmp, out),
    options: { ...DEMO_RECIPE, maxTrainExamples: 8000 },
    onProgress: (s) => losses.push(s.loss),
  });
  return { summary, losses };
}

const accuracy = (kit: AdapterKit): number => kit.evaluate("sst2", SST2).metrics.accuracy;

describe("AdapterKit precision", () => {
  let fp32: AdapterKit;
  let trained: { summary: TrainSummary; losses: number[] };
  let a32 = 0;
  before(async () => {
    if (!kernel("int8") && !kernel("bf16")) return;
    fp32 = await AdapterKit.load(MODEL, { log: () => {} });
    trained = await trainDemoRecipe(fp32, "fp32");
    a32 = accuracy(fp32);
  });

  it("int8: the adapter's SST-2 dev accuracy within 1 point of fp32, the kit saying int8; training refused", async (t) => {
    if (!kernel("int8")) return t.skip("no native int8 kernel here; the fallback is the last test");
    assert.equal(fp32.precision, "fp32");
    assert.ok(a32 > 0.6, `the adapter should have learned something: fp32 dev accuracy ${a32}`);
    const logs: string[] = [];
    const q = await AdapterKit.load(MODEL, { precision: "int8", log: (line) => logs.push(line) });
    assert.equal(q.precision, "int8");
    assert.ok(
      logs.some((l) => /Linear weights packed once as int8 \(avx512-vnni\)/.test(l)),
      logs.join("\n"),
    );
    await q.loadAdapter("sst2", trained.summary.adapterDir);
    const a8 = accuracy(q);
    t.diagnostic(`SST-2 dev (872): fp32 ${(a32 * 100).toFixed(2)}%, int8 ${(a8 * 100).toFixed(2)}%`);
    assert.ok(Math.abs(a8 - a32) <= 0.01, `int8 ${a8} vs fp32 ${a32}`);
    await assert.rejects(
      q.train({ adapter: "again", task: SST2, out: join(tmp, "again") }),
      (err: Error) => err instanceof ConfigError && /loaded in int8, which is for inference only/.test(err.message),
    );
  });

  it("bf16 inference: the adapter's SST-2 dev accuracy within 0.5 points of fp32", async (t) => {
    if (!kernel("bf16")) return t.skip("no native bf16 kernel here; the fallback is the last test");
    const bf16 = await AdapterKit.load(MODEL, { precision: "bf16", log: () => {} });
    assert.equal(bf16.precision, "bf16");
    await bf16.loadAdapter("sst2", trained.summary.adapterDir);
    const a16 = accuracy(bf16);
    t.diagnostic(`SST-2 dev (872): fp32 ${(a32 * 100).toFixed(2)}%, bf16 ${(a16 * 100).toFixed(2)}%`);
    assert.ok(Math.abs(a16 - a32) <= 0.005, `bf16 ${a16} vs fp32 ${a32}`);
  });

  it("bf16 training: the demo's loss curve within 1e-2 of fp32 over 200 steps, dev accuracy within 0.5 points", async (t) => {
    if (!kernel("bf16")) return t.skip("no native bf16 kernel here; the fallback is the last test");
    const logs: string[] = [];
    const bf16 = await AdapterKit.load(MODEL, { precision: "bf16", log: (line) => logs.push(line) });
    const run = await trainDemoRecipe(bf16, "bf16");
    assert.ok(
      logs.some((l) => /frozen base runs in bf16, forward and backward/.test(l)),
      logs.join("\n"),
    );
    assert.ok(trained.losses.length >= 200 && run.losses.length === trained.losses.length, `${trained.losses.length} vs ${run.losses.length} steps`);
    const diffs = run.losses.slice(0, 200).map((l, i) => Math.abs(l - trained.losses[i]));
    const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
    const a16 = accuracy(bf16);
    t.diagnostic(
      `loss curve mean |bf16 - fp32| over 200 steps ${mean.toExponential(2)} (max ${Math.max(...diffs).toExponential(2)}); dev accuracy fp32 ${(a32 * 100).toFixed(2)}%, bf16-trained ${(a16 * 100).toFixed(2)}%`,
    );
    assert.ok(mean <= 1e-2, `mean |diff| ${mean}`);
    assert.ok(Math.abs(a16 - a32) <= 0.005, `bf16-trained ${a16} vs fp32 ${a32}`);
  });

  it("a bf16 kit keeps no fp32 Linear weights; full fine-tuning reads them again from the checkpoint, and says so", async (t) => {
    if (!kernel("bf16")) return t.skip("no native bf16 kernel here; the fallback is the last test");
    const logs: string[] = [];
    const kit = await AdapterKit.load(MODEL, { precision: "bf16", log: (line) => logs.push(line) });
    assert.equal(kit.base.holdsFp32Weights, false);
    assert.match(logs.join("\n"), /packed once as bf16 \(avx512-bf16\), \d+ MiB \(their fp32 copies, \d+ MiB, freed\)/);
    assert.throws(
      () => kit.base.fingerprint(),
      (e: unknown) => e instanceof ConfigError && /fp32 Linear weights were dropped after packing them in bf16/.test(e.message),
    );
    const options = { mode: "full" as const, maxTrainExamples: 32, maxDevExamples: 16, epochs: 1, batchSize: 16 };
    const summary = await kit.train({ adapter: "full", task: SST2, out: join(tmp, "full-over-bf16"), options });
    assert.ok(
      logs.some((l) => /train: mode full trains its own fp32 encoder, read again from .*mini-bert-uncased \(the bf16 base keeps no fp32 weights\)/.test(l)),
      logs.join("\n"),
    );
    const fresh = await AdapterKit.load(MODEL, { log: () => {} });
    const again = await fresh.train({ adapter: "full", task: SST2, out: join(tmp, "full-over-fp32"), options });
    assert.deepEqual(summary.final, again.final, "the same run as over an fp32 kit's copy");
  });

  it("refuses an unknown precision", async () => {
    await assert.rejects(AdapterKit.load(MODEL, { precision: "fp16" as LinearPrecision, log: () => {} }), /expected precision fp32, int8, bf16, got "fp16"/);
  });

  it("runs fp32 and says so where no int8 or bf16 kernel runs (ADAPTERKIT_GEMM_KERNEL=avx2, in a child)", (t) => {
    if (backend.name !== "native") return t.skip("the switch is the native GEMM's");
    const api = new URL("../../src/api/index.js", import.meta.url).href;
    const script = `
const { AdapterKit } = await import(${JSON.stringify(api)});
const logs = [];
const kit = await AdapterKit.load(${JSON.stringify(MODEL)}, { precision: "int8", log: (l) => logs.push(l) });
const bf16 = await AdapterKit.load(${JSON.stringify(MODEL)}, { precision: "bf16", log: (l) => logs.push(l) });
console.log(JSON.stringify({ precision: kit.precision + "," + bf16.precision, logs }));
`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, ADAPTERKIT_GEMM_KERNEL: "avx2" }, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const { precision, logs } = JSON.parse(r.stdout) as { precision: string; logs: string[] };
    assert.equal(precision, "fp32,fp32");
    assert.ok(
      logs.some((l) => /precision int8 needs AVX-512 VNNI.*running fp32 instead/.test(l)),
      logs.join("\n"),
    );
    assert.ok(
      logs.some((l) => /precision bf16 needs AVX-512 BF16.*running fp32 instead/.test(l)),
      logs.join("\n"),
    );
  });
});
