// Pointwise activations. GELU defaults to BERT's tanh approximation (what google-research/bert computes);
// "erf" is the exact form that Hugging Face calls "gelu".
import type { GeluApproximation } from "../../kernels/index.js";
import type { Tensor } from "../tensor.js";

export function gelu(x: Tensor, approximation: GeluApproximation = "tanh"): Tensor {
  const e = x.engine;
  const out = e.output(x.shape);
  e.backend.geluForward(out.data, x.data, x.size, approximation);
  e.record("gelu", out, [x], (dOut) => {
    const dX = e.gradOf(x);
    if (dX) e.backend.geluBackward(dX, dOut, x.data, x.size, approximation);
  });
  return out;
}

export function tanh(x: Tensor): Tensor {
  const e = x.engine;
  const out = e.output(x.shape);
  e.backend.tanhForward(out.data, x.data, x.size);
  e.record("tanh", out, [x], (dOut) => {
    const dX = e.gradOf(x);
    if (dX) e.backend.tanhBackward(dX, dOut, out.data, x.size);
  });
  return out;
}

export function relu(x: Tensor): Tensor {
  const e = x.engine;
  const out = e.output(x.shape);
  e.backend.reluForward(out.data, x.data, x.size);
  e.record("relu", out, [x], (dOut) => {
    const dX = e.gradOf(x);
    if (dX) e.backend.reluBackward(dX, dOut, x.data, x.size);
  });
  return out;
}
