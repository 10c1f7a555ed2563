// AdapterKit.load(dir, { precision }) on the shipped mini BERT and real SST-2: an adapter trained over the
// fp32 base scores within 1 point of its fp32 dev accuracy when the base runs in int8; the kit says how its
// weights run; int8 refuses training; and where there is no int8 kernel (a lesser GEMM kernel forced, in a
// child process) the kit runs fp32 and says so.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { AdapterKit } from "../../src/api/index.js";
import { ConfigError } from "../../src/errors.js";
import type { LinearPrecision } from "../../src/kernels/index.js";
import { testBackend } from "../helpers/backend.js";
import { DATA } from "../helpers/data.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const MODEL = join(ROOT, "models/mini-bert-uncased");
const tmp = mkdtempSync(join(tmpdir(), "adapterkit-precision-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const SST2 = { source: "glue" as const, name: "SST-2", dataDir: join(DATA, "glue") };
const int8 = testBackend().linearKernel("int8") !== null;

describe("AdapterKit precision", () => {
  it("int8: a trained SST-2 adapter's dev accuracy within 1 point of fp32, the kit saying int8; training refused", async (t) => {
    if (!int8) return t.skip("no int8 kernel on this backend; the fallback is the next test");
    const fp32 = await AdapterKit.load(MODEL, { log: () => {} });
    assert.equal(fp32.precision, "fp32");
    const summary = await fp32.train({
      adapter: "sst2",
      task: SST2,
      out: join(tmp, "sst2"),
      options: {
        mode: "adapters",
        adapter: "houlsby",
        pooling: "mean",
        lr: 3e-4,
        epochs: 1,
        batchSize: 32,
        maxSeqLength: 64,
        seed: 42,
        maxTrainExamples: 3000,
        checkpointEvery: 1000,
        evalEvery: 1000,
      },
    });
    const logs: string[] = [];
    const q = await AdapterKit.load(MODEL, { precision: "int8", log: (line) => logs.push(line) });
    assert.equal(q.precision, "int8");
    assert.ok(
      logs.some((l) => /Linear weights packed once as int8 \((avx512-vnni|reference)\)/.test(l)),
      logs.join("\n"),
    );
    await q.loadAdapter("sst2", summary.adapterDir);
    const accuracy = (kit: AdapterKit): number => kit.evaluate("sst2", SST2).metrics.accuracy;
    const [a32, a8] = [accuracy(fp32), accuracy(q)];
    t.diagnostic(`SST-2 dev (872): fp32 ${(a32 * 100).toFixed(2)}%, int8 ${(a8 * 100).toFixed(2)}%`);
    assert.ok(a32 > 0.6, `the adapter should have learned something: fp32 dev accuracy ${a32}`);
    assert.ok(Math.abs(a8 - a32) <= 0.01, `int8 ${a8} vs fp32 ${a32}`);
    const bf16 = await AdapterKit.load(MODEL, { precision: "bf16", log: () => {} });
    if (bf16.precision === "bf16") {
      await bf16.loadAdapter("sst2", summary.adapterDir);
      const a16 = accuracy(bf16);
      t.diagnostic(`SST-2 dev (872): bf16 ${(a16 * 100).toFixed(2)}%`);
      assert.ok(Math.abs(a16 - a32) <= 0.005, `bf16 ${a16} vs fp32 ${a32}`);
    }
    await assert.rejects(
      q.train({ adapter: "again", task: SST2, out: join(tmp, "again") }),
      (err: Error) => err instanceof ConfigError && /loaded in int8, which is for inference only/.test(err.message),
    );
  });

  it("refuses an unknown precision", async () => {
    await assert.rejects(AdapterKit.load(MODEL, { precision: "fp16" as LinearPrecision, log: () => {} }), /expected precision fp32, int8, bf16, got "fp16"/);
  });

  it("runs fp32 and says so where no int8 or bf16 kernel runs (ADAPTERKIT_GEMM_KERNEL=avx2, in a child)", (t) => {
    if (testBackend().name !== "native") return t.skip("the switch is the native GEMM's");
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
    assert.ok(
      logs.some((l) => /packed once as fp32/.test(l)),
      logs.join("\n"),
    );
  });
});
