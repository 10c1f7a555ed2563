// LayerNorm over the last dim with a learned scale (init 1) and shift (init 0).
import { layerNorm, type Engine, type Tensor } from "../autograd/index.js";
import { filled } from "./init.js";
import { Module } from "./module.js";

export class LayerNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(e: Engine, readonly size: number, readonly eps: number) {
    super();
    this.weight = this.parameter("weight", filled(e, [size], 1));
    this.bias = this.parameter("bias", filled(e, [size], 0));
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}
