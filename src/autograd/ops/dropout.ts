// Inverted dropout: keep each element with probability 1-p and scale kept ones by 1/(1-p), so evaluation
// needs no rescaling. The mask is drawn from a seeded Rng and kept for backward.
import { ConfigError } from "../../errors.js";
import type { Backend, FloatArray } from "../../kernels/index.js";
import type { Rng } from "../../rng.js";
import type { Tensor } from "../tensor.js";

export function dropout(x: Tensor, p: number, rng: Rng, training: boolean): Tensor {
  if (!(p >= 0 && p < 1)) throw new ConfigError(`dropout: expected 0 <= p < 1, got ${p}`);
  if (!training || p === 0) return x;
  const e = x.engine;
  const mask = e.buffer(x.size);
  fillDropoutMask(e.backend, mask, p, rng);
  const dims = Int32Array.of(x.size);
  const strides = Int32Array.of(1);
  const out = e.output(x.shape);
  e.backend.mulForward(out.data, x.data, mask, dims, strides, strides);
  e.record("dropout", out, [x], (dOut) => {
    const dX = e.gradOf(x);
    if (dX) e.backend.mulBackward(dX, null, dOut, x.data, mask, dims, strides, strides);
  });
  return out;
}

/** mask[i] = 0 with probability p, else 1/(1-p); one draw from rng seeds the backend's counter-based hash. */
export function fillDropoutMask(backend: Backend, mask: FloatArray, p: number, rng: Rng): void {
  backend.dropoutMask(mask, mask.length, p, rng.nextUint32());
}
