// Reference GEMM: plain triple loops, the definition every fast path is checked against.
import type { FloatArray } from "../interface.js";

// per batch: out (M,N) = op(a) (M,K) · op(b) (K,N) + beta * out
//   a stored (M,K), or (K,M) when transA;  b stored (K,N), or (N,K) when transB
export function matmul(
  out: FloatArray, a: FloatArray, b: FloatArray,
  batch: number, M: number, N: number, K: number,
  transA: boolean, transB: boolean, beta: number, bShared: boolean,
): void {
  for (let p = 0; p < batch; p++) {
    const aBase = p * M * K;
    const bBase = bShared ? 0 : p * K * N;
    const outBase = p * M * N;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let acc = 0;
        for (let k = 0; k < K; k++) {
          const aik = transA ? a[aBase + k * M + i] : a[aBase + i * K + k];
          const bkj = transB ? b[bBase + j * K + k] : b[bBase + k * N + j];
          acc += aik * bkj;
        }
        const o = outBase + i * N + j;
        out[o] = beta === 0 ? acc : acc + beta * out[o];
      }
    }
  }
}

// out (N,C) += bias (C)
export function biasAddForward(out: FloatArray, bias: FloatArray, N: number, C: number): void {
  for (let i = 0; i < N; i++) {
    for (let c = 0; c < C; c++) out[i * C + c] += bias[c];
  }
}

// dBias (C) += sum_i dOut (N,C)
export function biasAddBackward(dBias: FloatArray, dOut: FloatArray, N: number, C: number): void {
  for (let i = 0; i < N; i++) {
    for (let c = 0; c < C; c++) dBias[c] += dOut[i * C + c];
  }
}
