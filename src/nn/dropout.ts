// Dropout as a module: active only when the forward context says training.
import { dropout, type Tensor } from "../autograd/index.js";
import type { ForwardContext } from "./module.js";

export class Dropout {
  constructor(readonly p: number) {}

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    return dropout(x, this.p, ctx.rng, ctx.training);
  }
}
