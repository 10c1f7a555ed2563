// add(a, b) = a + b with broadcasting; the gradient of a broadcast input sums over the stretched dims.
import { broadcastShapes } from "../broadcast.js";
import type { Tensor } from "../tensor.js";

export function add(a: Tensor, b: Tensor): Tensor {
  const e = a.engine;
  const { shape, aStrides, bStrides } = broadcastShapes("add", a.shape, b.shape);
  const dims = Int32Array.from(shape);
  const out = e.output(shape);
  e.backend.addForward(out.data, a.data, b.data, dims, aStrides, bStrides);
  e.record("add", out, [a, b], (dOut) => {
    e.backend.addBackward(e.gradOf(a), e.gradOf(b), dOut, dims, aStrides, bStrides);
  });
  return out;
}
