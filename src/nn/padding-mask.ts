// The additive key mask BERT's attention adds to its scores: 0 for real tokens, -10000 for padding.
// -10000, not -inf: a row of padding only stays finite (softmax of equal scores), and exp(-10000) underflows
// to exactly 0 in float32, so real tokens never see the pads.
import type { Engine, Tensor } from "../autograd/index.js";
import { formatShape } from "../dtype.js";
import { ShapeError } from "../errors.js";

export const MASKED_SCORE = -10000;

/** attentionMask (B·T), 1 real / 0 padding; absent means no padding -> additive mask (B,T). */
export function paddingMask(e: Engine, attentionMask: ArrayLike<number> | undefined, B: number, T: number): Tensor {
  if (attentionMask && attentionMask.length !== B * T) {
    throw new ShapeError(`paddingMask: expected an attention mask of B·T = ${B}·${T} = ${B * T} values for ${formatShape([B, T])}, got ${attentionMask.length}`);
  }
  const scores = new Float32Array(B * T);
  if (attentionMask) for (let i = 0; i < B * T; i++) scores[i] = attentionMask[i] ? 0 : MASKED_SCORE;
  return e.tensor(scores, [B, T]);
}
