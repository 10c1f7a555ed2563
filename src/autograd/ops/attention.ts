// Multi-head scaled dot-product attention, fused: heads are read in place from the projection layout, so no
// transposes are materialised.
//   q (B,Tq,H), k (B,Tk,H), v (B,Tk,H) with H = numHeads·HS; mask (B,Tk) additive (0 keep, -1e4 or -inf drop)
//   -> (B,Tq,H) = softmax(q·kᵀ/√HS + mask) · v, per head
// Dropout on the attention probabilities (BERT's attention_probs_dropout_prob) is applied inside the kernel.
import { formatShape } from "../../dtype.js";
import { ShapeError } from "../../errors.js";
import type { Rng } from "../../rng.js";
import type { Tensor } from "../tensor.js";
import { fillDropoutMask } from "./dropout.js";

export interface AttentionOptions {
  numHeads: number;
  /** Additive key mask (B,Tk); no gradient flows into it. */
  mask?: Tensor | null;
  /** Dropout on the attention probabilities, only when training. */
  dropout?: { p: number; rng: Rng } | null;
}

export function attention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions): Tensor {
  const { numHeads: NH } = options;
  const mask = options.mask ?? null;
  const [B, Tq, H] = q.shape;
  const Tk = k.shape[1];
  const shapes = `q ${formatShape(q.shape)}, k ${formatShape(k.shape)}, v ${formatShape(v.shape)}${mask ? `, mask ${formatShape(mask.shape)}` : ""}`;
  if (q.rank !== 3 || k.rank !== 3 || v.rank !== 3 || k.shape[0] !== B || v.shape[0] !== B
    || k.shape[2] !== H || v.shape[2] !== H || v.shape[1] !== Tk) {
    throw new ShapeError(`attention: expected q (B,Tq,H), k and v (B,Tk,H), got ${shapes}`);
  }
  if (!Number.isInteger(NH) || NH < 1 || H % NH !== 0) {
    throw new ShapeError(`attention: expected numHeads dividing H=${H}, got ${NH}`);
  }
  if (mask && (mask.rank !== 2 || mask.shape[0] !== B || mask.shape[1] !== Tk)) {
    throw new ShapeError(`attention: expected mask (B,Tk) = [${B},${Tk}], got ${shapes}`);
  }
  const HS = H / NH;
  const scale = 1 / Math.sqrt(HS);
  const e = q.engine;
  const out = e.output([B, Tq, H]);
  const probs = e.buffer(B * NH * Tq * Tk);
  let dropMask = null;
  if (options.dropout && options.dropout.p > 0) {
    dropMask = e.buffer(B * NH * Tq * Tk);
    fillDropoutMask(e.backend, dropMask, options.dropout.p, options.dropout.rng);
  }
  const maskData = mask ? mask.data : null;
  e.backend.attentionForward(out.data, probs, q.data, k.data, v.data, maskData, dropMask, B, Tq, Tk, NH, HS, scale);
  e.record("attention", out, [q, k, v], (dOut) => {
    const scratch = e.buffer(Tq * Tk);
    e.backend.attentionBackward(e.gradOf(q), e.gradOf(k), e.gradOf(v), scratch, dOut, probs, q.data, k.data, v.data, dropMask, B, Tq, Tk, NH, HS, scale);
  });
  return out;
}
