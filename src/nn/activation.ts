// Activations by name. The hidden activation a config names (FFN and the MLM head's transform share it), and
// the named activations of adapters and task heads, which AdapterHub spells with transformers' ACT2FN names.
import { add, gelu, mul, relu, scale, tanh, type Tensor } from "../autograd/index.js";
import type { GeluApproximation } from "../kernels/index.js";

export type HiddenActivation = { kind: "gelu"; approximation: GeluApproximation } | { kind: "relu" } | { kind: "tanh" };

export function activate(x: Tensor, act: HiddenActivation): Tensor {
  return act.kind === "gelu" ? gelu(x, act.approximation) : act.kind === "relu" ? relu(x) : tanh(x);
}

/** gelu_tanh is BERT's tanh approximation, gelu the exact (erf) one; swish is x·σ(x) (SiLU). */
export type NamedActivation = "gelu_tanh" | "gelu" | "relu" | "swish" | "tanh";
export const NAMED_ACTIVATIONS: readonly NamedActivation[] = ["gelu_tanh", "gelu", "relu", "swish", "tanh"];

export function applyActivation(x: Tensor, act: NamedActivation): Tensor {
  switch (act) {
    case "gelu_tanh":
      return gelu(x, "tanh");
    case "gelu":
      return gelu(x, "erf");
    case "relu":
      return relu(x);
    case "swish":
      return mul(x, sigmoid(x));
    case "tanh":
      return tanh(x);
  }
}

// σ(x) = (1 + tanh(x/2)) / 2, built from existing ops so its backward comes for free.
function sigmoid(x: Tensor): Tensor {
  return scale(add(tanh(scale(x, 0.5)), x.engine.tensor([1], [1])), 0.5);
}

// transformers' ACT2FN names (AdapterHub lower-cases them first); gelu_new, gelu_fast and gelu_pytorch_tanh
// are the same tanh formula, gelu is erf's.
const FROM_ACT2FN: Readonly<Record<string, NamedActivation>> = {
  gelu_new: "gelu_tanh", gelu_fast: "gelu_tanh", gelu_pytorch_tanh: "gelu_tanh", gelu: "gelu", relu: "relu", swish: "swish", silu: "swish", tanh: "tanh",
};
const TO_ACT2FN: Readonly<Record<NamedActivation, string>> = { gelu_tanh: "gelu_new", gelu: "gelu", relu: "relu", swish: "swish", tanh: "tanh" };

/** An ACT2FN name -> the activation, or null when AdapterKit does not compute it. */
export function fromAct2fnName(name: unknown): NamedActivation | null {
  return typeof name === "string" ? (FROM_ACT2FN[name.toLowerCase()] ?? null) : null;
}

export function toAct2fnName(act: NamedActivation): string {
  return TO_ACT2FN[act];
}

export const ACT2FN_NAMES: readonly string[] = Object.keys(FROM_ACT2FN);
