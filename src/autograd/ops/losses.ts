// Losses reduce to a scalar (shape []) by the mean, as PyTorch's default reduction does.
import { formatShape } from "../../dtype.js";
import { ShapeError } from "../../errors.js";
import type { Tensor } from "../tensor.js";

/** Softmax cross-entropy: logits (N,C), targets (N) class ids; rows with target = ignoreIndex don't count. */
export function crossEntropy(logits: Tensor, targets: Int32Array, ignoreIndex = -100): Tensor {
  if (logits.rank !== 2 || targets.length !== logits.shape[0]) {
    throw new ShapeError(`crossEntropy: expected logits (N,C) and N targets, got logits ${formatShape(logits.shape)} and ${targets.length} targets`);
  }
  const [N, C] = logits.shape;
  let count = 0;
  for (let i = 0; i < N; i++) {
    const t = targets[i];
    if (t === ignoreIndex) continue;
    if (!(t >= 0 && t < C)) throw new ShapeError(`crossEntropy: expected targets in [0,${C}) or ${ignoreIndex}, got ${t} at row ${i}`);
    count++;
  }
  const e = logits.engine;
  const loss = e.output([]);
  const probs = e.buffer(N * C);
  e.backend.crossEntropyForward(loss.data, probs, logits.data, targets, N, C, ignoreIndex, count);
  e.record("crossEntropy", loss, [logits], (dLoss) => {
    const dLogits = e.gradOf(logits);
    if (dLogits) e.backend.crossEntropyBackward(dLogits, probs, targets, dLoss[0], N, C, ignoreIndex, count);
  });
  return loss;
}

function checkSameShape(op: string, a: Tensor, b: Tensor): void {
  if (formatShape(a.shape) !== formatShape(b.shape)) {
    throw new ShapeError(`${op}: expected input and target of one shape, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
}

/** Binary cross-entropy on logits (multi-label classification); targets in [0,1], same shape. */
export function bceWithLogits(logits: Tensor, targets: Tensor): Tensor {
  checkSameShape("bceWithLogits", logits, targets);
  const e = logits.engine;
  const loss = e.output([]);
  e.backend.bceWithLogitsForward(loss.data, logits.data, targets.data, logits.size);
  e.record("bceWithLogits", loss, [logits], (dLoss) => {
    const dLogits = e.gradOf(logits);
    if (dLogits) e.backend.bceWithLogitsBackward(dLogits, logits.data, targets.data, dLoss[0], logits.size);
  });
  return loss;
}

/** Mean squared error (regression); no gradient flows into the target. */
export function mse(pred: Tensor, target: Tensor): Tensor {
  checkSameShape("mse", pred, target);
  const e = pred.engine;
  const loss = e.output([]);
  e.backend.mseForward(loss.data, pred.data, target.data, pred.size);
  e.record("mse", loss, [pred], (dLoss) => {
    const dPred = e.gradOf(pred);
    if (dPred) e.backend.mseBackward(dPred, pred.data, target.data, dLoss[0], pred.size);
  });
  return loss;
}
