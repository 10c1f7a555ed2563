// Embedding table (V, C) looked up by integer ids.
import { embedding, type Engine, type Tensor } from "../autograd/index.js";
import type { Shape } from "../dtype.js";
import type { Rng } from "../rng.js";
import { truncatedNormal } from "./init.js";
import { Module } from "./module.js";

export class Embedding extends Module {
  readonly weight: Tensor;

  /** init: BERT's truncated normal, or zeros for a table about to be loaded. */
  constructor(e: Engine, readonly count: number, readonly size: number, init: { rng: Rng; std: number } | { zeros: true }) {
    super();
    const shape = [count, size];
    this.weight = this.parameter("weight", "zeros" in init ? e.zeros(shape, { requiresGrad: true }) : truncatedNormal(e, shape, init.std, init.rng));
  }

  forward(ids: Int32Array, shape: Shape): Tensor {
    return embedding(this.weight, ids, shape);
  }
}
