// The hidden activation a config names (FFN and the MLM head's transform share it).
import { gelu, relu, tanh, type Tensor } from "../autograd/index.js";
import type { GeluApproximation } from "../kernels/index.js";

export type HiddenActivation = { kind: "gelu"; approximation: GeluApproximation } | { kind: "relu" } | { kind: "tanh" };

export function activate(x: Tensor, act: HiddenActivation): Tensor {
  return act.kind === "gelu" ? gelu(x, act.approximation) : act.kind === "relu" ? relu(x) : tanh(x);
}
