// softmax over the last dim.
import { ShapeError } from "../../errors.js";
import type { Tensor } from "../tensor.js";

export function softmax(x: Tensor): Tensor {
  if (x.rank === 0) throw new ShapeError("softmax: expected a tensor of rank >= 1, got a scalar");
  const e = x.engine;
  const C = x.shape[x.rank - 1];
  const N = x.size / C;
  const out = e.output(x.shape);
  e.backend.softmaxForward(out.data, x.data, N, C);
  e.record("softmax", out, [x], (dOut) => {
    const dX = e.gradOf(x);
    if (dX) e.backend.softmaxBackward(dX, dOut, out.data, N, C);
  });
  return out;
}
