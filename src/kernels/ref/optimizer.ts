// Adam's per-parameter update, both forms (see interface.ts): BERT's without bias correction, torch's AdamW with.
import type { FloatArray } from "../interface.js";

export function adamStep(
  param: FloatArray, m: FloatArray, v: FloatArray, grad: FloatArray | null, n: number,
  lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number, biasCorrection: boolean,
): void {
  const correction1 = biasCorrection ? 1 - beta1 ** step : 1;
  const correction2 = biasCorrection ? 1 - beta2 ** step : 1;
  for (let i = 0; i < n; i++) {
    const g = grad ? grad[i] : 0;
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    if (biasCorrection) {
      param[i] -= lr * weightDecay * param[i];
      param[i] -= (lr * (m[i] / correction1)) / (Math.sqrt(v[i] / correction2) + eps);
    } else {
      param[i] -= lr * (m[i] / (Math.sqrt(v[i]) + eps) + weightDecay * param[i]);
    }
  }
}
