// linear(x, W, b) = x·Wᵀ + b: x (..., IN), W (OUT, IN) as Hugging Face stores it, b (OUT) -> (..., OUT).
// A frozen W (requiresGrad false) skips its weight-gradient GEMM: backward is then one GEMM (dX).
import { formatShape } from "../../dtype.js";
import { ShapeError } from "../../errors.js";
import type { Tensor } from "../tensor.js";

export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const IN = x.shape[x.rank - 1];
  if (weight.rank !== 2 || weight.shape[1] !== IN || (bias !== null && (bias.rank !== 1 || bias.shape[0] !== weight.shape[0]))) {
    throw new ShapeError(`linear: expected weight [OUT,${IN}] and bias [OUT] for input ${formatShape(x.shape)}, got weight ${formatShape(weight.shape)}${bias ? ` and bias ${formatShape(bias.shape)}` : ""}`);
  }
  const OUT = weight.shape[0];
  const N = x.size / IN;
  const e = x.engine;
  const out = e.output([...x.shape.slice(0, -1), OUT]);
  e.backend.matmul(out.data, x.data, weight.data, 1, N, OUT, IN, false, true, 0, false);
  if (bias) e.backend.biasAddForward(out.data, bias.data, N, OUT);
  e.record("linear", out, bias ? [x, weight, bias] : [x, weight], (dOut) => {
    const dX = e.gradOf(x);
    if (dX) e.backend.matmul(dX, dOut, weight.data, 1, N, IN, OUT, false, false, 1, false); // dX (N,IN) += dOut·W
    const dW = e.gradOf(weight);
    if (dW) e.backend.matmul(dW, dOut, x.data, 1, OUT, IN, N, true, false, 1, false); // dW (OUT,IN) += dOutᵀ·x
    const dBias = bias ? e.gradOf(bias) : null;
    if (dBias) e.backend.biasAddBackward(dBias, dOut, N, OUT);
  });
  return out;
}
