// Row gather (embedding lookup, picking [CLS] or marker tokens) and strided row copies (concat, slice).
import type { FloatArray } from "../interface.js";

// table (V,C), index (N) -> out (N,C)
export function gatherRowsForward(out: FloatArray, table: FloatArray, index: Int32Array, N: number, C: number): void {
  for (let i = 0; i < N; i++) {
    const src = index[i] * C;
    for (let c = 0; c < C; c++) out[i * C + c] = table[src + c];
  }
}

// dTable[index[i]] += dOut[i]; repeated indices accumulate
export function gatherRowsBackward(dTable: FloatArray, dOut: FloatArray, index: Int32Array, N: number, C: number): void {
  for (let i = 0; i < N; i++) {
    const dst = index[i] * C;
    for (let c = 0; c < C; c++) dTable[dst + c] += dOut[i * C + c];
  }
}

export function copyRows(
  dst: FloatArray, src: FloatArray, rows: number, width: number,
  dstStride: number, dstOffset: number, srcStride: number, srcOffset: number, accumulate: boolean,
): void {
  for (let r = 0; r < rows; r++) {
    const d = dstOffset + r * dstStride;
    const s = srcOffset + r * srcStride;
    if (accumulate) for (let j = 0; j < width; j++) dst[d + j] += src[s + j];
    else for (let j = 0; j < width; j++) dst[d + j] = src[s + j];
  }
}
