// int8 on the reference kernels (ref/linear-packed.ts), the definition native/qgemm.c is checked against:
// weights per output channel (symmetric) and activations per row (asymmetric, with a zero point), their round
// trips, ties rounded to even as the CPU does, all-zero rows, and linearPacked's product, with and without
// SmoothQuant's per-channel factors, against the same maths written out.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { refBackend } from "../../src/kernels/index.js";
import { quantizeAsymmetric, quantizeSymmetric, toBf16 } from "../../src/kernels/ref/linear-packed.js";
import { makeRng } from "../helpers/random.js";

const ONES = (K: number): Float32Array => new Float32Array(K).fill(1);

describe("int8 quantization (reference)", () => {
  it("weights: the largest magnitude maps to ±127 and ties round to even", () => {
    const v = Float32Array.from([127, 2.5, -2.5, 1.5, -1.5, 0.5, -0.5, 3.49, -127]);
    const q = new Int8Array(v.length);
    assert.equal(quantizeSymmetric(q, v, 0, v.length), 1);
    assert.deepEqual(Array.from(q), [127, 2, -2, 2, -2, 0, 0, 3, -127]);
  });

  it("activations: [lo, hi] (with 0 in it) spans 0..255, zero at the zero point", () => {
    const x = Float32Array.from([-1, 0, 1, 0.5, -0.25]); // range 2: step 2/255
    const u = new Uint8Array(x.length);
    const { scale, zp } = quantizeAsymmetric(u, x, 0, ONES(5), 5);
    assert.equal(scale, Math.fround(2 / 255));
    assert.equal(zp, 128); // 127.5 rounds to even
    assert.deepEqual(Array.from(u), [0, 128, 255, 192, 96]); // 63.75 -> 64, -31.875 -> -32, each plus 128
    const positive = quantizeAsymmetric(u, Float32Array.from([0.5, 1, 2]), 0, ONES(3), 3);
    assert.equal(positive.zp, 0, "an all-positive row keeps 0 at the bottom of the range");
    assert.deepEqual(Array.from(u.subarray(0, 3)), [64, 128, 255]); // 63.75 -> 64, 127.5 -> 128
  });

  it("round trips: weights within half a step of themselves, activations too", () => {
    const rng = makeRng(5);
    for (const K of [1, 7, 768, 3072]) {
      const v = rng.fill(new Float32Array(K), -3, 2);
      const q = new Int8Array(K);
      const scale = quantizeSymmetric(q, v, 0, K);
      let amax = 0;
      for (const x of v) amax = Math.max(amax, Math.abs(x));
      assert.equal(scale, Math.fround(amax / 127));
      for (let k = 0; k < K; k++) assert.ok(Math.abs(q[k] * scale - v[k]) <= scale / 2 + 1e-6 * amax, `K ${K}: weight v[${k}] = ${v[k]}, q ${q[k]}`);
      const u = new Uint8Array(K);
      const a = quantizeAsymmetric(u, v, 0, ONES(K), K);
      for (let k = 0; k < K; k++) assert.ok(Math.abs((u[k] - a.zp) * a.scale - v[k]) <= a.scale + 1e-6 * amax, `K ${K}: activation v[${k}] = ${v[k]}, u ${u[k]} zp ${a.zp}`);
    }
  });

  it("an all-zero row quantizes to zeros with scale 0 (no division by zero)", () => {
    const q = new Int8Array(5).fill(9);
    assert.equal(quantizeSymmetric(q, new Float32Array(5), 0, 5), 0);
    assert.deepEqual(Array.from(q), [0, 0, 0, 0, 0]);
    const u = new Uint8Array(5).fill(9);
    assert.deepEqual(quantizeAsymmetric(u, new Float32Array(5), 0, ONES(5), 5), { scale: 0, zp: 0 });
    assert.deepEqual(Array.from(u), [0, 0, 0, 0, 0]);
  });

  it("linearPacked: sum((u - zp) · q) · (scale_x · scale_w), per output channel, smoothing x/s and w·s", () => {
    const rng = makeRng(9);
    const [M, N, K] = [5, 6, 33];
    const x = rng.fill(new Float32Array(M * K), -1, 1);
    const w = rng.fill(new Float32Array(N * K), -1, 1);
    for (let k = 0; k < K; k++) w[2 * K + k] *= 100; // channel 2 a hundred times larger: its own scale
    for (const s of [null, rng.fill(new Float32Array(K), 0.5, 2)]) {
      const packed = new Uint8Array(refBackend.allocate(refBackend.packedLinearBytes(N, K, "int8")));
      refBackend.packLinear(packed, w, s, N, K, "int8");
      const wScale = new Float32Array(packed.buffer, 0, N);
      const invS = new Float32Array(packed.buffer, N * 4, K);
      const wq = new Int8Array(packed.buffer, N * 4 + K * 4, N * K);
      for (let j = 0; j < N; j++) {
        let amax = 0;
        for (let k = 0; k < K; k++) amax = Math.max(amax, Math.abs(Math.fround(w[j * K + k] * (s ? s[k] : 1))));
        assert.equal(wScale[j], Math.fround(amax / 127), `channel ${j}`);
      }
      const out = new Float32Array(M * N);
      refBackend.linearPacked(out, x, packed, null, M, N, K, "int8");
      const u = new Uint8Array(K);
      for (let i = 0; i < M; i++) {
        const { scale, zp } = quantizeAsymmetric(u, x, i * K, invS, K);
        for (let j = 0; j < N; j++) {
          let dot = 0;
          let exact = 0;
          for (let k = 0; k < K; k++) {
            dot += (u[k] - zp) * wq[j * K + k];
            exact += x[i * K + k] * w[j * K + k];
          }
          const want = dot * scale * wScale[j];
          assert.ok(Math.abs(out[i * N + j] - want) <= 1e-6 * Math.abs(want) + 1e-12, `out[${i},${j}] ${out[i * N + j]} vs ${want}`);
          // and close to the fp32 product: within a step of each operand per term, at most
          assert.ok(Math.abs(out[i * N + j] - exact) <= K * (scale * 100 * 2 + wScale[j] * 2), `out[${i},${j}] ${out[i * N + j]} vs fp32 ${exact}`);
        }
      }
    }
  });

  it("bf16: rounds to nearest even on the 16 bits kept, flushes denormals, keeps NaN and infinities", () => {
    const bf = (bits: number): number => new Float32Array(new Uint32Array([bits]).buffer)[0];
    assert.equal(toBf16(1), 1);
    assert.equal(toBf16(bf(0x3f808000)), bf(0x3f800000)); // a tie, to the even 0x3f80
    assert.equal(toBf16(bf(0x3f818000)), bf(0x3f820000)); // a tie, to the even 0x3f82
    assert.equal(toBf16(bf(0x3f808001)), bf(0x3f810000)); // above the tie: up
    assert.equal(toBf16(bf(0x3f807fff)), bf(0x3f800000)); // below: down
    assert.equal(toBf16(-3.14159), -3.140625);
    assert.ok(Object.is(toBf16(-1e-40), -0) && toBf16(1e-40) === 0);
    assert.ok(Number.isNaN(toBf16(NaN)) && toBf16(Infinity) === Infinity);
  });

  it("fp32 packing on ref is the plain product, and takes no channel factors", () => {
    const rng = makeRng(3);
    const [M, N, K] = [3, 4, 5];
    const x = rng.fill(new Float32Array(M * K), -1, 1);
    const w = rng.fill(new Float32Array(N * K), -1, 1);
    const packed = new Uint8Array(refBackend.packedLinearBytes(N, K, "fp32"));
    refBackend.packLinear(packed, w, null, N, K, "fp32");
    const got = new Float32Array(M * N);
    const want = new Float32Array(M * N);
    const bias = rng.fill(new Float32Array(N), -1, 1);
    refBackend.linearPacked(got, x, packed, bias, M, N, K, "fp32");
    refBackend.matmul(want, x, w, 1, M, N, K, false, true, 0, false);
    refBackend.biasAddForward(want, bias, M, N);
    assert.deepEqual(got, want);
    assert.throws(() => refBackend.packLinear(packed, w, ONES(K), N, K, "fp32"), /'channelScale' to be null but for int8/);
    assert.equal(refBackend.linearKernel("int8"), "reference");
    assert.equal(refBackend.linearKernel("bf16"), "reference");
  });
});
