// Frozen Linear weights packed once for inference: the reference twin of native/qgemm.c (int8), bit for bit.
//
// int8: w (N,K) is quantized per output channel, x per row at each call, both as quantizeRow says; the dot
// products are exact integer sums and out[i,j] = fround(fround(dot) · fround(scale_i · scale_j)), the
// float32 roundings the native kernel makes, in the same order. fp32: the packed buffer is a copy of w and
// the product is this backend's matmul.
//
// Layouts (this backend's own; a buffer is only read by the backend that packed it):
//   fp32  float32 w[N][K]
//   int8  float32 scale[N], then int8 q[N][K]
import type { FloatArray, LinearPrecision } from "../interface.js";
import { matmul } from "./matmul.js";

/** Round half to even, as the CPU's float-to-int conversion (cvtps2dq) in its default mode. */
function roundHalfEven(v: number): number {
  const r = Math.round(v); // halves go up
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * q[k] = round-half-even(fround(v[k] · inv)) clamped to [-127, 127], inv = fround(127 / amax), amax = max |v|;
 * returns fround(amax / 127) (0, with every q 0, when v is all zero).
 */
export function quantizeRow(q: Int8Array, v: FloatArray, offset: number, K: number): number {
  let amax = 0;
  for (let k = 0; k < K; k++) amax = Math.max(amax, Math.abs(v[offset + k]));
  const inv = amax > 0 ? Math.fround(127 / amax) : 0;
  for (let k = 0; k < K; k++) {
    q[k] = Math.min(127, Math.max(-127, roundHalfEven(Math.fround(v[offset + k] * inv))));
  }
  return Math.fround(amax / 127);
}

export function packedLinearBytes(N: number, K: number, precision: LinearPrecision): number {
  return precision === "int8" ? N * 4 + N * K : N * K * 4;
}

export function packLinear(dst: Uint8Array, weight: Float32Array, N: number, K: number, precision: LinearPrecision): void {
  if (precision === "fp32") {
    new Float32Array(dst.buffer, dst.byteOffset, N * K).set(weight.subarray(0, N * K));
    return;
  }
  const scale = new Float32Array(dst.buffer, dst.byteOffset, N);
  const q = new Int8Array(dst.buffer, dst.byteOffset + N * 4, N * K);
  for (let j = 0; j < N; j++) scale[j] = quantizeRow(q.subarray(j * K, (j + 1) * K), weight, j * K, K);
}

export function linearPacked(out: FloatArray, x: FloatArray, packed: Uint8Array, M: number, N: number, K: number, precision: LinearPrecision): void {
  if (precision === "fp32") {
    matmul(out, x, new Float32Array(packed.buffer, packed.byteOffset, N * K), 1, M, N, K, false, true, 0, false);
    return;
  }
  const wScale = new Float32Array(packed.buffer, packed.byteOffset, N);
  const wq = new Int8Array(packed.buffer, packed.byteOffset + N * 4, N * K);
  const xq = new Int8Array(K);
  for (let i = 0; i < M; i++) {
    const xScale = quantizeRow(xq, x, i * K, K);
    for (let j = 0; j < N; j++) {
      let dot = 0;
      for (let k = 0; k < K; k++) dot += xq[k] * wq[j * K + k];
      out[i * N + j] = Math.fround(Math.fround(dot) * Math.fround(xScale * wScale[j]));
    }
  }
}

/** The reference backend runs int8 everywhere (slowly). */
export function int8Kernel(): string | null {
  return "reference";
}
