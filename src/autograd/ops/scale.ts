// scale(x, s) = s·x for a constant s.
import type { Tensor } from "../tensor.js";

export function scale(x: Tensor, s: number): Tensor {
  const e = x.engine;
  const out = e.output(x.shape);
  e.backend.scaleForward(out.data, x.data, s, x.size);
  e.record("scale", out, [x], (dOut) => {
    const dX = e.gradOf(x);
    if (dX) e.backend.scaleBackward(dX, dOut, s, x.size);
  });
  return out;
}
