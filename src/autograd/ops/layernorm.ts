// layerNorm over the last dim: x (..., C), weight (C), bias (C). BERT uses eps 1e-12, K-Adapter 1e-5.
import { formatShape } from "../../dtype.js";
import { ShapeError } from "../../errors.js";
import type { Tensor } from "../tensor.js";

export function layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps = 1e-12): Tensor {
  const C = x.shape[x.rank - 1];
  if (weight.rank !== 1 || bias.rank !== 1 || weight.shape[0] !== C || bias.shape[0] !== C) {
    throw new ShapeError(`layerNorm: expected weight and bias [${C}] for input ${formatShape(x.shape)}, got ${formatShape(weight.shape)} and ${formatShape(bias.shape)}`);
  }
  const e = x.engine;
  const N = x.size / C;
  const out = e.output(x.shape);
  const mean = e.buffer(N);
  const rstd = e.buffer(N);
  e.backend.layernormForward(out.data, mean, rstd, x.data, weight.data, bias.data, N, C, eps);
  e.record("layerNorm", out, [x, weight, bias], (dOut) => {
    e.backend.layernormBackward(e.gradOf(x), e.gradOf(weight), e.gradOf(bias), dOut, x.data, weight.data, mean, rstd, N, C);
  });
  return out;
}
