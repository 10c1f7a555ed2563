// Frozen Linear weights packed once for inference: the reference twin of native/qgemm.c (int8 and bf16).
//
// int8 (see qgemm.c's top comment for the maths): w'[j,k] = w[j,k]·s[k] is quantized per output channel,
// symmetric; each call quantizes x'[i,k] = x[i,k]·(1/s[k]) per row, asymmetric (unsigned with a zero point);
// the dot products are exact integer sums, and every float operation is rounded to float32 (Math.fround) in
// the order the native kernel makes it. bf16: w and x rounded to bfloat16 (nearest even), exact products added
// into a float32 sum pair by pair, k odd before k even, as vdpbf16ps does. fp32: the packed buffer is a copy of w
// and the product is this backend's matmul. Backward's dX over a bf16 weight (linearPackedTransposed) reads the same
// buffer down its columns.
//
// Layouts (this backend's own; a buffer is only read by the backend that packed it):
//   fp32  float32 w[N][K]
//   int8  float32 scale[N], float32 invS[K], then int8 q[N][K]
//   bf16  float32 w[N][K], each already rounded to bfloat16
import type { FloatArray, LinearPrecision } from "../interface.js";
import { biasAddForward, matmul } from "./matmul.js";

const f = Math.fround;

/** Round half to even, as the CPU's float-to-int conversion (cvtps2dq) in its default mode. */
function roundHalfEven(v: number): number {
  const r = Math.round(v); // halves go up
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * Weights: q[k] = round-half-even(fround(v[k] · inv)) in [-127, 127], inv = fround(127 / amax), amax = max |v|;
 * returns fround(amax / 127) (0, with every q 0, when v is all zero).
 */
export function quantizeSymmetric(q: Int8Array, v: FloatArray, offset: number, K: number): number {
  let amax = 0;
  for (let k = 0; k < K; k++) amax = Math.max(amax, Math.abs(v[offset + k]));
  const inv = amax > 0 ? f(127 / amax) : 0;
  for (let k = 0; k < K; k++) q[k] = clamp(roundHalfEven(f(v[offset + k] * inv)), -127, 127);
  return f(amax / 127);
}

/**
 * Activations: x' = fround(x·invS), lo = min(0, min x'), range = fround(max(0, max x') - lo), inv =
 * fround(255 / range), zp = round-half-even(fround(-lo · inv)) in [0, 255], u[k] = round-half-even(fround(x'[k] ·
 * inv)) + zp in [0, 255]; returns scale = fround(range / 255) and zp (0 and 0 for an all-zero row).
 */
export function quantizeAsymmetric(u: Uint8Array, x: FloatArray, offset: number, invS: Float32Array, K: number): { scale: number; zp: number } {
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < K; k++) {
    const v = f(x[offset + k] * invS[k]);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const range = f(hi - lo);
  const inv = range > 0 ? f(255 / range) : 0;
  const zp = clamp(roundHalfEven(f(-lo * inv)), 0, 255);
  for (let k = 0; k < K; k++) u[k] = clamp(roundHalfEven(f(f(x[offset + k] * invS[k]) * inv)) + zp, 0, 255);
  return { scale: f(range / 255), zp };
}

export function allocate(bytes: number): ArrayBuffer {
  return new ArrayBuffer(bytes);
}

/** The reference backend leaves memory to the garbage collector. */
export function discard(): void {}

export function packedLinearBytes(N: number, K: number, precision: LinearPrecision): number {
  return precision === "int8" ? N * 4 + K * 4 + N * K : N * K * 4;
}

const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);

/** v rounded to bfloat16 (nearest even) and back to a number, as vcvtneps2bf16; a denormal becomes ±0. */
export function toBf16(v: number): number {
  asFloat[0] = v;
  const u = bits[0];
  if ((u & 0x7f800000) === 0) return (u & 0x80000000) !== 0 ? -0 : 0; // zero or denormal
  if ((u & 0x7fffffff) > 0x7f800000) return v; // NaN stays NaN
  bits[0] = ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) << 16;
  return asFloat[0];
}

/** acc + p rounded to float32, a denormal result flushed to ±0 (vdpbf16ps's FTZ). */
function addFlushed(acc: number, p: number): number {
  const r = f(acc + p);
  return Math.abs(r) < 1.1754943508222875e-38 ? (r < 0 || Object.is(r, -0) ? -0 : 0) : r;
}

function int8Parts(packed: Uint8Array, N: number, K: number): { scale: Float32Array; invS: Float32Array; q: Int8Array } {
  const at = packed.byteOffset;
  return {
    scale: new Float32Array(packed.buffer, at, N),
    invS: new Float32Array(packed.buffer, at + N * 4, K),
    q: new Int8Array(packed.buffer, at + N * 4 + K * 4, N * K),
  };
}

export function packLinear(dst: Uint8Array, weight: Float32Array, channelScale: Float32Array | null, N: number, K: number, precision: LinearPrecision): void {
  if (precision !== "int8" && channelScale) throw new RangeError("ref packLinear: expected argument 'channelScale' to be null but for int8, got a Float32Array");
  if (precision !== "int8") {
    const w = new Float32Array(dst.buffer, dst.byteOffset, N * K);
    w.set(weight.subarray(0, N * K));
    if (precision === "bf16") w.forEach((v, i) => (w[i] = toBf16(v)));
    return;
  }
  const { scale, invS, q } = int8Parts(dst, N, K);
  const scaled = new Float32Array(K);
  for (let k = 0; k < K; k++) invS[k] = channelScale ? f(1 / channelScale[k]) : 1;
  for (let j = 0; j < N; j++) {
    for (let k = 0; k < K; k++) scaled[k] = channelScale ? f(weight[j * K + k] * channelScale[k]) : weight[j * K + k];
    scale[j] = quantizeSymmetric(q.subarray(j * K, (j + 1) * K), scaled, 0, K);
  }
}

export function linearPacked(out: FloatArray, x: FloatArray, packed: Uint8Array, bias: FloatArray | null, M: number, N: number, K: number, precision: LinearPrecision): void {
  if (precision === "fp32") {
    matmul(out, x, new Float32Array(packed.buffer, packed.byteOffset, N * K), 1, M, N, K, false, true, 0, false);
    if (bias) biasAddForward(out, bias, M, N);
    return;
  }
  if (precision === "bf16") {
    const w = new Float32Array(packed.buffer, packed.byteOffset, N * K);
    const xb = new Float32Array(K);
    for (let i = 0; i < M; i++) {
      for (let k = 0; k < K; k++) xb[k] = toBf16(x[i * K + k]);
      for (let j = 0; j < N; j++) {
        const acc = bf16Dot(xb, w, j * K, 1, K);
        out[i * N + j] = bias ? f(acc + bias[j]) : acc;
      }
    }
    return;
  }
  const { scale: wScale, invS, q } = int8Parts(packed, N, K);
  const u = new Uint8Array(K);
  for (let i = 0; i < M; i++) {
    const { scale, zp } = quantizeAsymmetric(u, x, i * K, invS, K);
    for (let j = 0; j < N; j++) {
      let dot = 0;
      for (let k = 0; k < K; k++) dot += (u[k] - zp) * q[j * K + k];
      const y = f(f(dot) * f(scale * wScale[j]));
      out[i * N + j] = bias ? f(y + bias[j]) : y;
    }
  }
}

/** out (M,K) += x (M,N) · w, w (N,K) from packLinear's bf16 buffer: backward's dX, the sums of linearPacked over wᵀ. */
export function linearPackedTransposed(out: FloatArray, x: FloatArray, packed: Uint8Array, M: number, N: number, K: number, precision: LinearPrecision): void {
  if (precision !== "bf16") throw new RangeError(`ref linearPackedTransposed: expected argument 'precision' to be "bf16" (the one packed weight backward reads), got "${precision}"`);
  const w = new Float32Array(packed.buffer, packed.byteOffset, N * K);
  const xb = new Float32Array(N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) xb[j] = toBf16(x[i * N + j]);
    for (let k = 0; k < K; k++) out[i * K + k] = f(out[i * K + k] + bf16Dot(xb, w, k, K, N));
  }
}

/** Σ_k xb[k]·w[at + k·stride] over pairs, k odd before k even, as vdpbf16ps adds them into an fp32 lane. */
function bf16Dot(xb: Float32Array, w: Float32Array, at: number, stride: number, K: number): number {
  let acc = 0;
  for (let k = 0; k < K; k += 2) {
    if (k + 1 < K) acc = addFlushed(acc, xb[k + 1] * w[at + (k + 1) * stride]);
    acc = addFlushed(acc, xb[k] * w[at + k * stride]);
  }
  return acc;
}

/** The reference backend runs every precision everywhere (slowly). */
export function linearKernel(): string | null {
  return "reference";
}
