// Losses that reduce to one scalar (mean), written to loss[0].
import type { FloatArray } from "../interface.js";

// logits (N,C), targets (N) -> loss[0] = mean over kept rows of -log softmax(logits)[target]; saves probs (N,C)
export function crossEntropyForward(
  loss: FloatArray, probs: FloatArray, logits: FloatArray, targets: Int32Array,
  N: number, C: number, ignoreIndex: number, count: number,
): void {
  let total = 0;
  for (let i = 0; i < N; i++) {
    const row = i * C;
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[row + c]);
    let sum = 0;
    for (let c = 0; c < C; c++) {
      const e = Math.exp(logits[row + c] - max);
      probs[row + c] = e;
      sum += e;
    }
    for (let c = 0; c < C; c++) probs[row + c] /= sum;
    const t = targets[i];
    if (t === ignoreIndex) continue;
    // -log p_t computed from the logits (log-sum-exp) rather than log(probs) to stay exact for tiny p_t
    total += Math.log(sum) + max - logits[row + t];
  }
  loss[0] = count > 0 ? total / count : 0;
}

export function crossEntropyBackward(
  dLogits: FloatArray, probs: FloatArray, targets: Int32Array, dLoss: number,
  N: number, C: number, ignoreIndex: number, count: number,
): void {
  if (count === 0) return;
  const s = dLoss / count;
  for (let i = 0; i < N; i++) {
    const t = targets[i];
    if (t === ignoreIndex) continue;
    const row = i * C;
    for (let c = 0; c < C; c++) dLogits[row + c] += s * (probs[row + c] - (c === t ? 1 : 0));
  }
}

// mean of max(x,0) - x·y + log(1 + exp(-|x|)): the stable form of -[y log σ(x) + (1-y) log(1-σ(x))]
export function bceWithLogitsForward(loss: FloatArray, logits: FloatArray, targets: FloatArray, n: number): void {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = logits[i];
    total += Math.max(x, 0) - x * targets[i] + Math.log1p(Math.exp(-Math.abs(x)));
  }
  loss[0] = total / n;
}

export function bceWithLogitsBackward(dLogits: FloatArray, logits: FloatArray, targets: FloatArray, dLoss: number, n: number): void {
  const s = dLoss / n;
  for (let i = 0; i < n; i++) {
    const sigmoid = 1 / (1 + Math.exp(-logits[i]));
    dLogits[i] += s * (sigmoid - targets[i]);
  }
}

export function mseForward(loss: FloatArray, pred: FloatArray, target: FloatArray, n: number): void {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const d = pred[i] - target[i];
    total += d * d;
  }
  loss[0] = total / n;
}

export function mseBackward(dPred: FloatArray, pred: FloatArray, target: FloatArray, dLoss: number, n: number): void {
  const s = (2 * dLoss) / n;
  for (let i = 0; i < n; i++) dPred[i] += s * (pred[i] - target[i]);
}
