// The addon's own GEMM (native/gemm.c, through the addon's matmulBuiltin export, whatever GEMM the build
// links) against the reference matmul: ragged sizes around its register tiles (avx512 8x48, avx2 6x16,
// generic 4x16) and cache blocks (K in blocks of up to 384, columns of 288, rows of 1024), every transpose,
// beta 0 and 1, batched with b shared and not. Rule per element: relative 1e-5 * sqrt(K) of the typical size
// of a sum of K terms, |row i of op(a)| * |column j of op(b)| / sqrt(K) (2-norms), plus the beta term:
//   |got - want| <= 1e-5 * (|a_i| * |b_j| + |beta * out_ij|)
// which the GEMM meets with 20x to spare (measured, every microkernel). Then: the microkernels this CPU runs besides the chosen one (a child
// process per ADAPTERKIT_GEMM_KERNEL=avx2|generic), and bit-identical results on one and two threads.
// Skips loudly without a built addon (ADAPTERKIT_REQUIRE_NATIVE=1 makes that a failure).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it, type TestContext } from "node:test";
import { loadNativeGemm, refBackend, type NativeGemm } from "../../../src/kernels/index.js";
import { NATIVE_MISSING, nativeOrSkip } from "../../helpers/backend.js";
import { makeRng } from "../../helpers/random.js";

if (NATIVE_MISSING) console.log(`# built-in GEMM: SKIPPING: ${NATIVE_MISSING}`);

const GEMM_NAMES = /^builtin \((avx512|avx2|generic)\)$/;
/** The microkernel forced on this process by the parent test below, if any. */
const FORCED = process.env.ADAPTERKIT_GEMM_KERNEL;

interface Case {
  batch: number;
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
  beta: number;
  bShared: boolean;
}

function label(c: Case): string {
  const flags = [c.transA ? "transA" : "", c.transB ? "transB" : "", c.bShared ? "bShared" : ""].filter(Boolean).join(" ");
  return `batch ${c.batch} M ${c.M} N ${c.N} K ${c.K} beta ${c.beta}${flags ? ` ${flags}` : ""}`;
}

function gemmOrSkip(t: TestContext): NativeGemm | null {
  return nativeOrSkip(t) ? loadNativeGemm() : null;
}

/**
 * Runs one case on matmulBuiltin and the reference, and returns the first failure's description, or null.
 * The output lies inside a larger buffer between guard values, so a store past its edges shows too.
 */
function check(gemm: NativeGemm, c: Case, seed: number): string | null {
  const rng = makeRng(seed);
  const aSize = c.batch * c.M * c.K, bSize = (c.bShared ? 1 : c.batch) * c.K * c.N, outSize = c.batch * c.M * c.N;
  const a = rng.fill(new Float32Array(aSize), -1, 1);
  const b = rng.fill(new Float32Array(bSize), -1, 1);
  // beta 0 must overwrite without reading: NaN in out must not leak into the result
  const out0 = c.beta === 0 ? new Float32Array(outSize).fill(NaN) : rng.fill(new Float32Array(outSize), -1, 1);
  const GUARD = 7;
  const padded = new Float32Array(outSize + 2 * GUARD).fill(-12345);
  padded.set(out0, GUARD);
  const got = padded.subarray(GUARD, GUARD + outSize);
  gemm.matmulBuiltin(got, a, b, c.batch, c.M, c.N, c.K, c.transA, c.transB, c.beta, c.bShared);

  const want = Float64Array.from(out0);
  refBackend.matmul(want, Float64Array.from(a), Float64Array.from(b), c.batch, c.M, c.N, c.K, c.transA, c.transB, c.beta, c.bShared);
  // 2-norms of the rows of op(a_p) and the columns of op(b_p)
  const aNorm = new Float64Array(c.batch * c.M), bNorm = new Float64Array((c.bShared ? 1 : c.batch) * c.N);
  for (let i = 0; i < aSize; i++) {
    const p = Math.floor(i / (c.M * c.K)), at = i % (c.M * c.K);
    aNorm[p * c.M + (c.transA ? at % c.M : Math.floor(at / c.K))] += a[i] * a[i];
  }
  for (let i = 0; i < bSize; i++) {
    const p = Math.floor(i / (c.K * c.N)), at = i % (c.K * c.N);
    bNorm[p * c.N + (c.transB ? Math.floor(at / c.K) : at % c.N)] += b[i] * b[i];
  }

  for (let g = 0; g < GUARD; g++) {
    if (padded[g] !== -12345 || padded[GUARD + outSize + g] !== -12345) return `${label(c)}: wrote outside out (guard ${g})`;
  }
  for (let i = 0; i < outSize; i++) {
    const p = Math.floor(i / (c.M * c.N)), row = Math.floor(i / c.N) % c.M, col = i % c.N;
    const terms = Math.sqrt(aNorm[p * c.M + row] * bNorm[(c.bShared ? 0 : p) * c.N + col]);
    const bound = 1e-5 * (terms + (c.beta === 0 ? 0 : Math.abs(c.beta * out0[i])));
    const diff = Math.abs(got[i] - want[i]);
    if (!(diff <= bound)) {
      return `${label(c)}: out[${i}] got ${got[i]}, want ${want[i]} (|diff| ${diff.toExponential(2)} > ${bound.toExponential(2)})`;
    }
  }
  return null;
}

/** Checks every case; one assertion naming the first failing case and how many failed. */
function checkAll(gemm: NativeGemm, cases: Case[]): void {
  const failures = cases.map((c, i) => check(gemm, c, 1000 + i)).filter((f): f is string => f !== null);
  assert.equal(failures.length, 0, `${failures.length} of ${cases.length} cases failed; first: ${failures[0]}`);
}

const TRANSPOSES: Array<[boolean, boolean]> = [[false, false], [true, false], [false, true], [true, true]];

function cases(shapes: Array<[number, number, number]>, betas: number[], batch = 1, bShared = false): Case[] {
  return shapes.flatMap(([M, N, K]) =>
    TRANSPOSES.flatMap(([transA, transB]) => betas.map((beta) => ({ batch, M, N, K, transA, transB, beta, bShared }))),
  );
}

describe("built-in GEMM", () => {
  it("names itself and its microkernel", (t) => {
    const gemm = gemmOrSkip(t);
    if (!gemm) return;
    assert.match(gemm.builtinName, GEMM_NAMES);
    assert.ok(gemm.name === "OpenBLAS" || gemm.name === gemm.builtinName, `gemmName() ${gemm.name}, gemmBuiltinName() ${gemm.builtinName}`);
    if (FORCED) assert.equal(gemm.builtinName, `builtin (${FORCED})`);
  });

  it("matches ref on sizes around its register tiles: 1, primes, tile multiples +-1, K = 0", (t) => {
    const gemm = gemmOrSkip(t);
    if (!gemm) return;
    const sizes = [1, 2, 7, 8, 9, 17, 33, 47, 48, 49, 65, 127];
    const shapes: Array<[number, number, number]> = [];
    for (const M of sizes) {
      for (const N of sizes) shapes.push([M, N, [0, 1, 17, 65, 127][(M + N) % 5]]);
    }
    checkAll(gemm, cases(shapes, [0, 1]));
  });

  it("matches ref with beta other than 0 and 1 (cblas semantics)", (t) => {
    const gemm = gemmOrSkip(t);
    if (!gemm) return;
    checkAll(gemm, cases([[9, 50, 33], [33, 17, 0], [64, 96, 40]], [0.5, -2]));
  });

  it("matches ref batched, with b shared and not", (t) => {
    const gemm = gemmOrSkip(t);
    if (!gemm) return;
    const shapes: Array<[number, number, number]> = [[1, 1, 1], [17, 33, 65], [5, 127, 9], [40, 49, 17]];
    checkAll(gemm, [...cases(shapes, [0, 1], 3, false), ...cases(shapes, [0, 1], 3, true)]);
  });

  it("matches ref on shapes larger than its cache blocks: 300x520x770, 1100x97x391, 16x700x1000", (t) => {
    const gemm = gemmOrSkip(t);
    if (!gemm) return;
    // each transpose once, beta alternating (the reference takes ~1 s per 300x520x770)
    const shapes: Array<[number, number, number]> = [[300, 520, 770], [1100, 97, 391], [16, 700, 1000]];
    checkAll(gemm, cases(shapes, [0]).filter((_, i) => i % 2 === 0).concat(cases(shapes, [1]).filter((_, i) => i % 2 === 1)));
  });

  it("passes these tests with every other microkernel this CPU runs", (t) => {
    const gemm = gemmOrSkip(t);
    if (!gemm || FORCED) return; // the children themselves run with one kernel forced
    const lesser = { "builtin (avx512)": ["avx2", "generic"], "builtin (avx2)": ["generic"] }[gemm.builtinName] ?? [];
    if (lesser.length === 0) t.diagnostic(`${gemm.builtinName} is the only microkernel this CPU runs`);
    for (const kernel of lesser) {
      const env: NodeJS.ProcessEnv = { ...process.env, ADAPTERKIT_GEMM_KERNEL: kernel };
      delete env.NODE_TEST_CONTEXT; // the child reports as a top-level run, in TAP we can read
      const r = spawnSync(process.execPath, ["--test", fileURLToPath(import.meta.url)], { env, encoding: "utf8" });
      assert.equal(r.status, 0, `ADAPTERKIT_GEMM_KERNEL=${kernel}: child tests failed:\n${r.stdout.slice(-3000)}\n${r.stderr}`);
      assert.match(r.stdout, /# fail 0/);
      assert.doesNotMatch(r.stdout, /# skipped [1-9]/, `ADAPTERKIT_GEMM_KERNEL=${kernel}: tests skipped`);
    }
  });

  it("gives bit-identical results on one and two threads", (t) => {
    const gemm = gemmOrSkip(t);
    if (!gemm || FORCED) return;
    const kernels = new URL("../../../src/kernels/index.js", import.meta.url).href;
    // columns split among threads (N wide), rows split (N narrow), small M reading b in place, batched
    const script = `
const { createHash } = await import("node:crypto");
const { loadNativeGemm } = await import(${JSON.stringify(kernels)});
const { matmulBuiltin } = loadNativeGemm();
let seed = 7;
const rand = (n) => Float32Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1);
const hash = createHash("sha256");
for (const [batch, M, N, K, transA, transB, beta] of [[1, 300, 520, 770, false, true, 0], [1, 700, 40, 500, true, false, 1], [1, 20, 900, 300, false, false, 1], [2, 33, 400, 65, true, true, 0]]) {
  const out = rand(batch * M * N);
  matmulBuiltin(out, rand(batch * M * K), rand(batch * K * N), batch, M, N, K, transA, transB, beta, false);
  hash.update(new Uint8Array(out.buffer));
}
console.log(hash.digest("hex"));
`;
    const digest = (threads: string): string => {
      const env = { ...process.env, OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads };
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { env, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    const one = digest("1");
    assert.match(one, /^[0-9a-f]{64}$/);
    assert.equal(digest("2"), one);
  });
});
