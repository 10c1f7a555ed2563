// Named insertion points: where a model lets something else (an adapter) transform a sublayer's output.
// Models call `insertions.at(layer, point)` and apply what comes back; adapters implement the provider and
// never import a model. This keeps `if (adapter)` out of the model code.
import type { Tensor } from "../autograd/index.js";
import type { ForwardContext } from "./module.js";

/** afterAttention: the attention output projection + dropout, before LayerNorm(. + input).
 *  afterFfn: the FFN output projection + dropout, before LayerNorm(. + attention output). */
export type InsertionPointName = "afterAttention" | "afterFfn";

export interface Insertion {
  /** h (B,T,H) -> (B,T,H) */
  forward(h: Tensor, ctx: ForwardContext): Tensor;
}

export interface InsertionProvider {
  at(layer: number, point: InsertionPointName): Insertion | null;
}
