// The native kernels share independent loop iterations (elements, rows, column chunks) among threads; each
// iteration computes what it computes on one thread, so the results must be bit-identical whatever the
// thread count. Run in child processes because OpenBLAS and OpenMP read their thread counts at load.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { nativeOrSkip } from "../../helpers/backend.js";

// N x C is above the kernels' one-thread limit (threads.h, LOOP_MIN_WORK = 65,536 elements)
const SCRIPT = (kernels: string): string => `
const { createHash } = await import("node:crypto");
const { loadNativeBackend } = await import(${JSON.stringify(kernels)});
const k = loadNativeBackend();
const N = 400, C = 300, n = N * C;
let seed = 1;
const rand = (len) => Float32Array.from({ length: len }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 4 - 2);
const x = rand(n), dOut = rand(n), w = rand(C), b = rand(C);
const outputs = [];
const keep = (...arrays) => outputs.push(...arrays);
for (const approximation of ["tanh", "erf"]) {
  const y = new Float32Array(n), dx = rand(n);
  k.geluForward(y, x, n, approximation);
  k.geluBackward(dx, dOut, x, n, approximation);
  keep(y, dx);
}
const y = new Float32Array(n), mean = new Float32Array(N), rstd = new Float32Array(N);
k.layernormForward(y, mean, rstd, x, w, b, N, C, 1e-12);
const dx = rand(n), dw = rand(C), db = rand(C);
k.layernormBackward(dx, dw, db, dOut, x, w, mean, rstd, N, C);
keep(y, mean, rstd, dx, dw, db);
const p = new Float32Array(n), dp = rand(n);
k.softmaxForward(p, x, N, C);
k.softmaxBackward(dp, dOut, p, N, C);
keep(p, dp);
const targets = Int32Array.from({ length: N }, (_, i) => (i % 7 === 0 ? -100 : (i * 31) % C));
const loss = new Float32Array(1), probs = new Float32Array(n), dLogits = rand(n);
k.crossEntropyForward(loss, probs, x, targets, N, C, -100, N - Math.ceil(N / 7));
k.crossEntropyBackward(dLogits, probs, targets, 1, N, C, -100, N - Math.ceil(N / 7));
keep(loss, probs, dLogits);
const withBias = Float32Array.from(x), dBias = rand(C);
k.biasAddForward(withBias, b, N, C);
k.biasAddBackward(dBias, dOut, N, C);
keep(withBias, dBias);
const param = Float32Array.from(x), m = rand(n).map(Math.abs), v = rand(n).map(Math.abs);
k.adamStep(param, m, v, dOut, n, 1e-3, 0.9, 0.999, 1e-6, 0.01, 3, true);
keep(param, m, v);
const hash = createHash("sha256");
for (const a of outputs) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
console.log(hash.digest("hex"));
`;

describe("native kernels on one and two threads", () => {
  it("give bit-identical results", (t) => {
    if (!nativeOrSkip(t)) return;
    const kernels = new URL("../../../src/kernels/index.js", import.meta.url).href;
    const digest = (threads: string): string => {
      const env = { ...process.env, OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads };
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", SCRIPT(kernels)], { env, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    const one = digest("1");
    assert.match(one, /^[0-9a-f]{64}$/);
    assert.equal(digest("2"), one);
  });
});
