// Elementwise add and mul with broadcasting, and scaling. Broadcasting is expressed by per-dim strides of
// each input over the output shape, 0 on a broadcast dim, so one loop serves every pattern.
import type { FloatArray } from "../interface.js";

// Walks the contiguous output index i over `shape`, calling visit(i, ia, ib) with the matching input offsets.
function forEachBroadcast(
  shape: Int32Array, aStrides: Int32Array, bStrides: Int32Array,
  visit: (i: number, ia: number, ib: number) => void,
): void {
  const rank = shape.length;
  let total = 1;
  for (let d = 0; d < rank; d++) total *= shape[d];
  const index = new Int32Array(rank);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < total; i++) {
    visit(i, ia, ib);
    // odometer increment of the multi-index, innermost dim first
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      ia += aStrides[d];
      ib += bStrides[d];
      if (index[d] < shape[d]) break;
      ia -= aStrides[d] * shape[d];
      ib -= bStrides[d] * shape[d];
      index[d] = 0;
    }
  }
}

export function addForward(out: FloatArray, a: FloatArray, b: FloatArray, shape: Int32Array, aStrides: Int32Array, bStrides: Int32Array): void {
  forEachBroadcast(shape, aStrides, bStrides, (i, ia, ib) => { out[i] = a[ia] + b[ib]; });
}

export function addBackward(dA: FloatArray | null, dB: FloatArray | null, dOut: FloatArray, shape: Int32Array, aStrides: Int32Array, bStrides: Int32Array): void {
  forEachBroadcast(shape, aStrides, bStrides, (i, ia, ib) => {
    if (dA) dA[ia] += dOut[i];
    if (dB) dB[ib] += dOut[i];
  });
}

export function mulForward(out: FloatArray, a: FloatArray, b: FloatArray, shape: Int32Array, aStrides: Int32Array, bStrides: Int32Array): void {
  forEachBroadcast(shape, aStrides, bStrides, (i, ia, ib) => { out[i] = a[ia] * b[ib]; });
}

export function mulBackward(dA: FloatArray | null, dB: FloatArray | null, dOut: FloatArray, a: FloatArray, b: FloatArray, shape: Int32Array, aStrides: Int32Array, bStrides: Int32Array): void {
  forEachBroadcast(shape, aStrides, bStrides, (i, ia, ib) => {
    if (dA) dA[ia] += dOut[i] * b[ib];
    if (dB) dB[ib] += dOut[i] * a[ia];
  });
}

export function scaleForward(out: FloatArray, inp: FloatArray, s: number, n: number): void {
  for (let i = 0; i < n; i++) out[i] = s * inp[i];
}

export function scaleBackward(dInp: FloatArray, dOut: FloatArray, s: number, n: number): void {
  for (let i = 0; i < n; i++) dInp[i] += s * dOut[i];
}
