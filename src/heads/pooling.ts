// Mean pooling: the average of the last hidden states over the real (unpadded) tokens of each sequence,
// as one batched product (B,1,T)·(B,T,H) with constant weights mask/count, so its backward is matmul's.
import { matmul, reshape, type Tensor } from "../autograd/index.js";
import { ShapeError } from "../errors.js";

/** hidden (B,T,H), attentionMask (B·T) 1 for real tokens or null (all real) -> (B,H). */
export function meanOverTokens(hidden: Tensor, attentionMask: ArrayLike<number> | null | undefined): Tensor {
  const [B, T, H] = hidden.shape;
  if (attentionMask && attentionMask.length !== B * T) throw new ShapeError(`mean pooling: expected a mask of ${B}·${T}, got ${attentionMask.length}`);
  const weights = new Float64Array(B * T); // engine.tensor stores them at the engine's precision
  for (let b = 0; b < B; b++) {
    let count = 0;
    for (let t = 0; t < T; t++) count += attentionMask ? (attentionMask[b * T + t] ? 1 : 0) : 1;
    for (let t = 0; t < T; t++) weights[b * T + t] = (attentionMask ? (attentionMask[b * T + t] ? 1 : 0) : 1) / Math.max(1, count);
  }
  return reshape(matmul(hidden.engine.tensor(weights, [B, 1, T]), hidden), [B, H]);
}
