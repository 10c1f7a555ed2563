// mul(a, b) = a ∘ b elementwise with broadcasting.
import { broadcastShapes } from "../broadcast.js";
import type { Tensor } from "../tensor.js";

export function mul(a: Tensor, b: Tensor): Tensor {
  const e = a.engine;
  const { shape, aStrides, bStrides } = broadcastShapes("mul", a.shape, b.shape);
  const dims = Int32Array.from(shape);
  const out = e.output(shape);
  e.backend.mulForward(out.data, a.data, b.data, dims, aStrides, bStrides);
  e.record("mul", out, [a, b], (dOut) => {
    e.backend.mulBackward(e.gradOf(a), e.gradOf(b), dOut, a.data, b.data, dims, aStrides, bStrides);
  });
  return out;
}
