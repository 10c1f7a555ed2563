// Pointwise activations: GELU (two definitions), tanh, ReLU.
import type { FloatArray, GeluApproximation } from "../interface.js";

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2 = 1 / Math.SQRT2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

// erf by Abramowitz-Stegun 7.1.26 is too coarse (1.5e-7 absolute) for float64 gradchecks, so use the
// series/continued-fraction pair that is accurate to ~1e-15 across the range.
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Maclaurin series: erf x = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const contribution = term / (2 * n + 1);
      sum += contribution;
      if (Math.abs(contribution) < 1e-17 * Math.abs(sum)) break;
    }
    const value = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -value : value;
  }
  // erfc continued fraction (Lentz), converges fast for |x| >= 2.5
  const x2 = ax * ax;
  let f = ax;
  let c = ax;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = ax + an * d;
    d = d === 0 ? 1e-300 : 1 / d;
    c = ax + an / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-x2) / (f * Math.sqrt(Math.PI));
  return x < 0 ? erfc - 1 : 1 - erfc;
}

export function geluForward(out: FloatArray, inp: FloatArray, n: number, approximation: GeluApproximation): void {
  for (let i = 0; i < n; i++) {
    const x = inp[i];
    out[i] = approximation === "tanh"
      ? 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)))
      : 0.5 * x * (1 + erf(x * INV_SQRT_2));
  }
}

export function geluBackward(dInp: FloatArray, dOut: FloatArray, inp: FloatArray, n: number, approximation: GeluApproximation): void {
  for (let i = 0; i < n; i++) {
    const x = inp[i];
    let local: number;
    if (approximation === "tanh") {
      const u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
      const t = Math.tanh(u);
      const du = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
      local = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du;
    } else {
      // d/dx x·Φ(x) = Φ(x) + x·φ(x)
      local = 0.5 * (1 + erf(x * INV_SQRT_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }
    dInp[i] += dOut[i] * local;
  }
}

export function tanhForward(out: FloatArray, inp: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) out[i] = Math.tanh(inp[i]);
}

export function tanhBackward(dInp: FloatArray, dOut: FloatArray, out: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) dInp[i] += dOut[i] * (1 - out[i] * out[i]);
}

export function reluForward(out: FloatArray, inp: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) out[i] = inp[i] > 0 ? inp[i] : 0;
}

export function reluBackward(dInp: FloatArray, dOut: FloatArray, inp: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) if (inp[i] > 0) dInp[i] += dOut[i];
}
