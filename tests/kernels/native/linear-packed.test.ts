// Frozen Linear weights packed once (Backend.packLinear / linearPacked) on the native backend:
// - fp32: the packed panels give what the built-in GEMM gives unpacked, bit for bit, on ragged shapes around its
//   register tiles and cache blocks;
// - int8 (native/qgemm.c): bit for bit the reference twin (ref/linear-packed.ts) on ragged shapes (M, N, K off
//   the 8x48 tile and the 4-wide k groups, rows of zeros, all-negative and all-positive rows, one huge value),
//   with and without per-channel smoothing factors, and close to fp32;
// - bf16: bit for bit the reference twin on the same shapes, with and without bias;
// - the same bits on one and two threads, the argument checks, and where int8 is off (ADAPTERKIT_GEMM_KERNEL
//   forcing a lesser kernel, run in a child) packedLinearBytes refuses int8 and bf16 and linearKernel() says null.
// Skips loudly without a built addon (ADAPTERKIT_REQUIRE_NATIVE=1 makes that a failure).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it, type TestContext } from "node:test";
import { loadNativeGemm, refBackend, type Backend, type LinearPrecision } from "../../../src/kernels/index.js";
import { NATIVE_MISSING, nativeOrSkip } from "../../helpers/backend.js";
import { makeRng } from "../../helpers/random.js";

if (NATIVE_MISSING) console.log(`# packed Linear weights: SKIPPING: ${NATIVE_MISSING}`);
const FORCED = process.env.ADAPTERKIT_GEMM_KERNEL;

/** M, N, K: 1, tile and group edges, K over several of the GEMM's K blocks, M over the threads' split. */
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1], [1, 5, 3], [3, 47, 4], [7, 48, 5], [8, 49, 7], [9, 95, 33], [16, 96, 64], [17, 97, 129],
  [33, 768, 768], [5, 200, 1000], [130, 144, 390], [64, 3, 770],
];

function pack(b: Backend, w: Float32Array, N: number, K: number, precision: LinearPrecision, channelScale: Float32Array | null = null): Uint8Array {
  const packed = new Uint8Array(b.allocate(b.packedLinearBytes(N, K, precision)));
  b.packLinear(packed, w, channelScale, N, K, precision);
  return packed;
}

function run(b: Backend, packed: Uint8Array, x: Float32Array, M: number, N: number, K: number, precision: LinearPrecision, bias: Float32Array | null = null): Float32Array {
  const out = new Float32Array(M * N).fill(NaN);
  b.linearPacked(out, x, packed, bias, M, N, K, precision);
  return out;
}

/**
 * x (M,K) and w (N,K) in [-1, 1], with a row of x and a row of w all zero, a row of x all negative and one all
 * positive, one large value in x, and per-channel factors s in [0.2, 5].
 */
function operands(M: number, N: number, K: number, seed: number): { x: Float32Array; w: Float32Array; s: Float32Array } {
  const rng = makeRng(seed);
  const x = rng.fill(new Float32Array(M * K), -1, 1);
  const w = rng.fill(new Float32Array(N * K), -1, 1);
  if (M > 2) x.fill(0, K, 2 * K);
  if (N > 2) w.fill(0, K, 2 * K);
  if (M > 4) {
    for (let k = 0; k < K; k++) {
      x[2 * K + k] = -Math.abs(x[2 * K + k]);
      x[3 * K + k] = Math.abs(x[3 * K + k]);
    }
  }
  x[x.length - 1] = 37.5;
  return { x, w, s: rng.fill(new Float32Array(K), 0.2, 5) };
}

function firstDifference(got: Float32Array, want: Float32Array): string | null {
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) return `out[${i}] got ${got[i]}, want ${want[i]}`;
  }
  return null;
}

function nativeOrNull(t: TestContext): Backend | null {
  return nativeOrSkip(t);
}

describe("packed Linear weights (native)", () => {
  it("fp32: the packed panels give the built-in GEMM's products (and its bias add) bit for bit", (t) => {
    const b = nativeOrNull(t);
    if (!b) return;
    const { matmulBuiltin } = loadNativeGemm();
    for (const [i, [M, N, K]] of SHAPES.entries()) {
      const { x, w } = operands(M, N, K, 100 + i);
      const bias = makeRng(i).fill(new Float32Array(N), -1, 1);
      const want = new Float32Array(M * N);
      matmulBuiltin(want, x, w, 1, M, N, K, false, true, 0, false);
      const packed = pack(b, w, N, K, "fp32");
      assert.equal(firstDifference(run(b, packed, x, M, N, K, "fp32"), want), null, `M ${M} N ${N} K ${K}`);
      b.biasAddForward(want, bias, M, N);
      assert.equal(firstDifference(run(b, packed, x, M, N, K, "fp32", bias), want), null, `M ${M} N ${N} K ${K} with bias`);
    }
  });

  it("int8: bit for bit the reference twin, with and without smoothing and bias, and close to fp32 (cosine >= 0.999)", (t) => {
    const b = nativeOrNull(t);
    if (!b) return;
    if (b.linearKernel("int8") === null) {
      assert.ok(FORCED, "int8Kernel() is null although no lesser GEMM kernel is forced: this CPU has no AVX-512 VNNI");
      t.diagnostic(`int8 off under ADAPTERKIT_GEMM_KERNEL=${FORCED}; checked by the test below`);
      return;
    }
    assert.equal(b.linearKernel("int8"), "avx512-vnni");
    for (const [i, [M, N, K]] of SHAPES.entries()) {
      const { x, w, s } = operands(M, N, K, 200 + i);
      const bias = makeRng(i).fill(new Float32Array(N), -1, 1);
      for (const scale of [null, s]) {
        const got = run(b, pack(b, w, N, K, "int8", scale), x, M, N, K, "int8", scale ? bias : null);
        const want = run(refBackend, pack(refBackend, w, N, K, "int8", scale), x, M, N, K, "int8", scale ? bias : null);
        const diff = firstDifference(got, want);
        assert.equal(diff, null, `M ${M} N ${N} K ${K}${scale ? " smoothed" : ""}: ${diff}`);
        if (scale || K < 64) continue;
        const fp32 = new Float32Array(M * N);
        refBackend.matmul(fp32, x, w, 1, M, N, K, false, true, 0, false);
        let dot = 0, a2 = 0, b2 = 0;
        for (let j = 0; j < fp32.length; j++) {
          dot += got[j] * fp32[j];
          a2 += got[j] * got[j];
          b2 += fp32[j] * fp32[j];
        }
        assert.ok(dot / Math.sqrt(a2 * b2) >= 0.999, `M ${M} N ${N} K ${K}: cosine ${dot / Math.sqrt(a2 * b2)}`);
      }
    }
  });

  it("bf16: bit for bit the reference twin (rounding to nearest even, pairs summed as vdpbf16ps), with and without bias", (t) => {
    const b = nativeOrNull(t);
    if (!b) return;
    if (b.linearKernel("bf16") === null) {
      assert.ok(FORCED, "linearKernel(\"bf16\") is null although no lesser GEMM kernel is forced: this CPU has no AVX-512 BF16");
      t.diagnostic(`bf16 off under ADAPTERKIT_GEMM_KERNEL=${FORCED}`);
      return;
    }
    assert.equal(b.linearKernel("bf16"), "avx512-bf16");
    for (const [i, [M, N, K]] of SHAPES.entries()) {
      const { x, w } = operands(M, N, K, 300 + i);
      const bias = i % 2 ? makeRng(i).fill(new Float32Array(N), -1, 1) : null;
      const got = run(b, pack(b, w, N, K, "bf16"), x, M, N, K, "bf16", bias);
      const want = run(refBackend, pack(refBackend, w, N, K, "bf16"), x, M, N, K, "bf16", bias);
      assert.equal(firstDifference(got, want), null, `M ${M} N ${N} K ${K}${bias ? " with bias" : ""}`);
    }
  });

  it("bf16 backward: dX += dOut · w from w's own pack, bit for bit the reference twin and a bf16 Linear over wᵀ packed, added", (t) => {
    const b = nativeOrNull(t);
    if (!b || b.linearKernel("bf16") === null) return;
    for (const [i, [M, N, K]] of SHAPES.entries()) {
      const { w } = operands(M, N, K, 400 + i);
      const d = makeRng(500 + i).fill(new Float32Array(M * N), -1, 1); // dOut (M,N)
      const start = makeRng(600 + i).fill(new Float32Array(M * K), -1, 1); // what dX held before
      const transposed = (backend: Backend): Float32Array => {
        const out = Float32Array.from(start);
        backend.linearPackedTransposed(out, d, pack(backend, w, N, K, "bf16"), M, N, K, "bf16");
        return out;
      };
      const got = transposed(b);
      assert.equal(firstDifference(got, transposed(refBackend)), null, `M ${M} N ${N} K ${K} against the reference`);
      const wT = new Float32Array(K * N);
      w.forEach((v, at) => (wT[(at % K) * N + Math.floor(at / K)] = v));
      const product = run(b, pack(b, wT, K, N, "bf16"), d, M, K, N, "bf16");
      const want = start.map((v, at) => Math.fround(v + product[at]));
      assert.equal(firstDifference(got, want), null, `M ${M} N ${N} K ${K} against wᵀ packed`);
    }
    const packed = pack(b, new Float32Array(48 * 8), 48, 8, "bf16");
    assert.throws(() => b.linearPackedTransposed(new Float32Array(8), new Float32Array(48), pack(b, new Float32Array(48 * 8), 48, 8, "fp32"), 1, 48, 8, "fp32"), /linearPackedTransposed.*'precision'.*"bf16".*"fp32"/);
    assert.throws(() => b.linearPackedTransposed(new Float32Array(7), new Float32Array(48), packed, 1, 48, 8, "bf16"), /linearPackedTransposed.*'out'.*M\*K/);
  });

  it("discard gives back the whole pages inside an array (they read as zeros), and leaves the rest", (t) => {
    const b = nativeOrNull(t);
    if (!b) return;
    const page = 4096 / 4; // floats per 4 KiB page (the smallest page: a larger one only discards less)
    const all = new Float32Array(b.allocate(8 * page * 4)).fill(1.5); // page-aligned (a fresh mapping)
    const part = all.subarray(page / 2, 6 * page + 10); // starts mid-page, ends just past a page boundary
    b.discard(part);
    assert.ok(all.subarray(0, page).every((v) => v === 1.5), "the page the array starts inside stays");
    assert.ok(all.subarray(page, 6 * page).every((v) => v === 0), "the pages wholly inside read as zeros");
    assert.ok(all.subarray(6 * page).every((v) => v === 1.5), "the page it ends inside, and past it, stay");
    refBackend.discard(all); // the reference backend leaves memory to the garbage collector
    assert.equal(all[0], 1.5);
  });

  it("checks its arguments: a short packed buffer, an unknown precision", (t) => {
    const b = nativeOrNull(t);
    if (!b) return;
    const w = new Float32Array(48 * 8).fill(0.5);
    const short = new Uint8Array(b.packedLinearBytes(48, 8, "fp32") - 4);
    assert.throws(() => b.packLinear(short, w, null, 48, 8, "fp32"), /packLinear.*'dst'.*at least/);
    const room = new Uint8Array(b.packedLinearBytes(48, 8, "fp32"));
    assert.throws(() => b.packLinear(room, w, new Float32Array(8), 48, 8, "fp32"), /'channelScale' to be null but for int8/);
    if (b.linearKernel("int8")) assert.throws(() => b.packLinear(room, w, new Float32Array(7), 48, 8, "int8"), /'channelScale'.*at least 8/);
    assert.throws(() => b.packedLinearBytes(48, 8, "fp16" as LinearPrecision), /'precision'.*"fp32", "int8" or "bf16".*"fp16"/);
    const packed = pack(b, w, 48, 8, "fp32");
    assert.throws(() => b.linearPacked(new Float32Array(48), new Float32Array(7), packed, null, 1, 48, 8, "fp32"), /linearPacked.*'x'.*M\*K/);
    assert.throws(() => b.linearPacked(new Float32Array(48), new Float32Array(8), packed, new Float32Array(47), 1, 48, 8, "fp32"), /linearPacked.*'bias'.*N/);
  });

  it("int8 and bf16 are off, and said to be, where ADAPTERKIT_GEMM_KERNEL forces a lesser kernel; the tests pass there", (t) => {
    const b = nativeOrNull(t);
    if (!b || FORCED) return;
    const { builtinName } = loadNativeGemm();
    const lesser = { "builtin (avx512)": ["avx2", "generic"], "builtin (avx2)": ["generic"] }[builtinName] ?? [];
    if (lesser.length === 0) t.diagnostic(`${builtinName} is the only kernel this CPU runs`);
    for (const kernel of lesser) {
      const env: NodeJS.ProcessEnv = { ...process.env, ADAPTERKIT_GEMM_KERNEL: kernel };
      delete env.NODE_TEST_CONTEXT;
      const r = spawnSync(process.execPath, ["--test", fileURLToPath(import.meta.url)], { env, encoding: "utf8" });
      assert.equal(r.status, 0, `ADAPTERKIT_GEMM_KERNEL=${kernel}: child tests failed:\n${r.stdout.slice(-3000)}\n${r.stderr}`);
      assert.match(r.stdout, /# fail 0/);
      assert.match(r.stdout, /int8 off under ADAPTERKIT_GEMM_KERNEL/);
    }
    if (b.linearKernel("int8") === null) return; // no int8 here to turn off
    const script = `
const { loadNativeBackend } = await import(${JSON.stringify(new URL("../../../src/kernels/index.js", import.meta.url).href)});
const b = loadNativeBackend();
console.log(JSON.stringify([b.linearKernel("int8"), b.linearKernel("bf16")]));
try { b.packedLinearBytes(48, 8, "int8"); console.log("accepted"); } catch (e) { console.log(e.message); }
`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, ADAPTERKIT_GEMM_KERNEL: "avx2" }, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const [kernel, refusal] = r.stdout.trim().split("\n");
    assert.equal(kernel, "[null,null]");
    assert.match(refusal, /packedLinearBytes.*one this CPU runs, got "int8"/);
  });

  it("gives bit-identical results on one and two threads (fp32 packed, int8, bf16 and its backward)", (t) => {
    const b = nativeOrNull(t);
    if (!b || FORCED) return;
    const kernels = new URL("../../../src/kernels/index.js", import.meta.url).href;
    const script = `
const { createHash } = await import("node:crypto");
const { loadNativeBackend } = await import(${JSON.stringify(kernels)});
const b = loadNativeBackend();
let seed = 11;
const rand = (n) => Float32Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1);
const hash = createHash("sha256");
for (const precision of ["fp32", "int8", "bf16"].filter((p) => b.linearKernel(p))) {
  for (const [M, N, K] of [[300, 520, 770], [16, 768, 768], [70, 40, 500]]) {
    const w = rand(N * K), packed = new Uint8Array(b.allocate(b.packedLinearBytes(N, K, precision)));
    b.packLinear(packed, w, precision === "int8" ? rand(K).map((v) => 1 + Math.abs(v)) : null, N, K, precision);
    hash.update(packed);
    const out = new Float32Array(M * N);
    b.linearPacked(out, rand(M * K), packed, rand(N), M, N, K, precision);
    hash.update(new Uint8Array(out.buffer));
    if (precision !== "bf16") continue;
    const dX = new Float32Array(M * K);
    b.linearPackedTransposed(dX, rand(M * N), packed, M, N, K, precision);
    hash.update(new Uint8Array(dX.buffer));
  }
}
console.log(hash.digest("hex"));
`;
    const digest = (threads: string): string => {
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, OMP_NUM_THREADS: threads }, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    const one = digest("1");
    assert.match(one, /^[0-9a-f]{64}$/);
    assert.equal(digest("2"), one);
  });
});
