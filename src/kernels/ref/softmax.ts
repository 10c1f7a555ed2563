// Softmax over the last dim of (N,C).
import type { FloatArray } from "../interface.js";

export function softmaxForward(out: FloatArray, inp: FloatArray, N: number, C: number): void {
  for (let i = 0; i < N; i++) {
    const row = i * C;
    // subtract the row max so exp never overflows; the result is unchanged
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, inp[row + c]);
    let sum = 0;
    for (let c = 0; c < C; c++) {
      const e = Math.exp(inp[row + c] - max);
      out[row + c] = e;
      sum += e;
    }
    for (let c = 0; c < C; c++) out[row + c] /= sum;
  }
}

// dInp = out * (dOut - sum(dOut * out)) per row
export function softmaxBackward(dInp: FloatArray, dOut: FloatArray, out: FloatArray, N: number, C: number): void {
  for (let i = 0; i < N; i++) {
    const row = i * C;
    let dot = 0;
    for (let c = 0; c < C; c++) dot += dOut[row + c] * out[row + c];
    for (let c = 0; c < C; c++) dInp[row + c] += out[row + c] * (dOut[row + c] - dot);
  }
}
