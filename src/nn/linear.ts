// Linear layer y = x·Wᵀ + b with W stored [out, in] (Hugging Face's layout).
import { linear, type Engine, type Tensor } from "../autograd/index.js";
import type { Rng } from "../rng.js";
import { truncatedNormal } from "./init.js";
import { Module } from "./module.js";

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(e: Engine, readonly inFeatures: number, readonly outFeatures: number, init: { rng: Rng; std: number; bias?: boolean }) {
    super();
    this.weight = this.parameter("weight", truncatedNormal(e, [outFeatures, inFeatures], init.std, init.rng));
    this.bias = init.bias === false ? null : this.parameter("bias", e.zeros([outFeatures], { requiresGrad: true }));
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
