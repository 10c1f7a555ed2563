// Layer normalisation over the last dim: inp (N,C), weight (C), bias (C) -> out (N,C); saves mean, rstd (N).
import type { FloatArray } from "../interface.js";

export function layernormForward(
  out: FloatArray, mean: FloatArray, rstd: FloatArray,
  inp: FloatArray, weight: FloatArray, bias: FloatArray, N: number, C: number, eps: number,
): void {
  for (let i = 0; i < N; i++) {
    const row = i * C;
    let m = 0;
    for (let c = 0; c < C; c++) m += inp[row + c];
    m /= C;
    let v = 0;
    for (let c = 0; c < C; c++) {
      const d = inp[row + c] - m;
      v += d * d;
    }
    v /= C; // biased variance, as BERT and torch.nn.LayerNorm use
    const s = 1 / Math.sqrt(v + eps); // eps inside the sqrt
    for (let c = 0; c < C; c++) out[row + c] = (inp[row + c] - m) * s * weight[c] + bias[c];
    mean[i] = m;
    rstd[i] = s;
  }
}

// With xhat = (x - mean) * rstd and g = dOut * weight:
//   dInp = rstd * (g - mean(g) - xhat * mean(g * xhat)),  dWeight += dOut * xhat,  dBias += dOut
export function layernormBackward(
  dInp: FloatArray | null, dWeight: FloatArray | null, dBias: FloatArray | null,
  dOut: FloatArray, inp: FloatArray, weight: FloatArray, mean: FloatArray, rstd: FloatArray, N: number, C: number,
): void {
  for (let i = 0; i < N; i++) {
    const row = i * C;
    const m = mean[i];
    const s = rstd[i];
    let gMean = 0;
    let gxMean = 0;
    for (let c = 0; c < C; c++) {
      const xhat = (inp[row + c] - m) * s;
      const g = dOut[row + c] * weight[c];
      gMean += g;
      gxMean += g * xhat;
      if (dWeight) dWeight[c] += dOut[row + c] * xhat;
      if (dBias) dBias[c] += dOut[row + c];
    }
    if (!dInp) continue;
    gMean /= C;
    gxMean /= C;
    for (let c = 0; c < C; c++) {
      const xhat = (inp[row + c] - m) * s;
      const g = dOut[row + c] * weight[c];
      dInp[row + c] += s * (g - gMean - xhat * gxMean);
    }
  }
}
