// int8 on the reference kernels (ref/linear-packed.ts), the definition native/qgemm.c is checked against:
// the per-row (per output channel) quantization and its round trip, ties rounded to even as the CPU does,
// all-zero rows, and linearPacked's int8 product against the same maths written out in float64.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { refBackend } from "../../src/kernels/index.js";
import { quantizeRow } from "../../src/kernels/ref/linear-packed.js";
import { makeRng } from "../helpers/random.js";

describe("int8 quantization (reference)", () => {
  it("maps the largest magnitude to ±127 and rounds ties to even", () => {
    const v = Float32Array.from([127, 2.5, -2.5, 1.5, -1.5, 0.5, -0.5, 3.49, -127]);
    const q = new Int8Array(v.length);
    assert.equal(quantizeRow(q, v, 0, v.length), 1);
    assert.deepEqual(Array.from(q), [127, 2, -2, 2, -2, 0, 0, 3, -127]);
  });

  it("round trip: every value comes back within half a step (scale / 2) of itself", () => {
    const rng = makeRng(5);
    for (const K of [1, 7, 768, 3072]) {
      const v = rng.fill(new Float32Array(K), -3, 3);
      const q = new Int8Array(K);
      const scale = quantizeRow(q, v, 0, K);
      let amax = 0;
      for (const x of v) amax = Math.max(amax, Math.abs(x));
      assert.equal(scale, Math.fround(amax / 127));
      assert.ok(q.some((x) => Math.abs(x) === 127), `K ${K}: no value at ±127`);
      for (let k = 0; k < K; k++) {
        const err = Math.abs(q[k] * scale - v[k]);
        assert.ok(err <= scale / 2 + 1e-6 * amax, `K ${K}, v[${k}] = ${v[k]}: q ${q[k]} · ${scale} is off by ${err}`);
      }
    }
  });

  it("an all-zero row has scale 0 and every q 0 (no division by zero)", () => {
    const q = new Int8Array(5).fill(9);
    assert.equal(quantizeRow(q, new Float32Array(5), 0, 5), 0);
    assert.deepEqual(Array.from(q), [0, 0, 0, 0, 0]);
  });

  it("packs per output channel and multiplies as sum(qx · qw) · (scale_x · scale_w)", () => {
    const rng = makeRng(9);
    const [M, N, K] = [5, 6, 33];
    const x = rng.fill(new Float32Array(M * K), -1, 1);
    const w = rng.fill(new Float32Array(N * K), -1, 1);
    for (let k = 0; k < K; k++) w[2 * K + k] *= 100; // channel 2 a hundred times larger: its own scale
    const packed = new Uint8Array(refBackend.allocate(refBackend.packedLinearBytes(N, K, "int8")));
    refBackend.packLinear(packed, w, N, K, "int8");
    const wScale = new Float32Array(packed.buffer, 0, N);
    const wq = new Int8Array(packed.buffer, N * 4, N * K);
    for (let j = 0; j < N; j++) {
      let amax = 0;
      for (let k = 0; k < K; k++) amax = Math.max(amax, Math.abs(w[j * K + k]));
      assert.equal(wScale[j], Math.fround(amax / 127), `channel ${j}`);
    }
    const out = new Float32Array(M * N);
    refBackend.linearPacked(out, x, packed, M, N, K, "int8");
    const xq = new Int8Array(K);
    for (let i = 0; i < M; i++) {
      const xScale = quantizeRow(xq, x, i * K, K);
      for (let j = 0; j < N; j++) {
        let dot = 0;
        let exact = 0;
        for (let k = 0; k < K; k++) {
          dot += xq[k] * wq[j * K + k];
          exact += x[i * K + k] * w[j * K + k];
        }
        const want = dot * xScale * wScale[j];
        assert.ok(Math.abs(out[i * N + j] - want) <= 1e-6 * Math.abs(want) + 1e-12, `out[${i},${j}] ${out[i * N + j]} vs ${want}`);
        // and the int8 product is close to the fp32 one: within a few steps of each operand's scale
        assert.ok(Math.abs(out[i * N + j] - exact) <= K * (xScale * 100 + wScale[j]) * 0.5, `out[${i},${j}] ${out[i * N + j]} vs fp32 ${exact}`);
      }
    }
  });

  it("fp32 packing on ref is the plain product", () => {
    const rng = makeRng(3);
    const [M, N, K] = [3, 4, 5];
    const x = rng.fill(new Float32Array(M * K), -1, 1);
    const w = rng.fill(new Float32Array(N * K), -1, 1);
    const packed = new Uint8Array(refBackend.packedLinearBytes(N, K, "fp32"));
    refBackend.packLinear(packed, w, N, K, "fp32");
    const got = new Float32Array(M * N);
    const want = new Float32Array(M * N);
    refBackend.linearPacked(got, x, packed, M, N, K, "fp32");
    refBackend.matmul(want, x, w, 1, M, N, K, false, true, 0, false);
    assert.deepEqual(got, want);
    assert.equal(refBackend.int8Kernel(), "reference");
  });
});
