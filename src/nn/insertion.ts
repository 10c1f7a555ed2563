// What an adapter may change in an encoder it runs in, by name of the place: a transform at an insertion
// point, and its own LayerNorm in place of the base's at a norm site. Models ask and apply what comes back;
// adapters implement the interface and never import a model. This keeps `if (adapter)` out of model code.
import type { Tensor } from "../autograd/index.js";
import type { LayerNorm } from "./layernorm.js";
import type { ForwardContext } from "./module.js";

/** afterAttention: the attention output projection + dropout, before LayerNorm(. + input).
 *  afterFfn: the FFN output projection + dropout, before LayerNorm(. + attention output). */
export type InsertionPointName = "afterAttention" | "afterFfn";
export const INSERTION_POINTS: readonly InsertionPointName[] = ["afterAttention", "afterFfn"];

/** The encoder's LayerNorms: the embeddings' and, in each layer, the one that closes each insertion point's sublayer. */
export type NormSite = "embeddings" | { readonly layer: number; readonly point: InsertionPointName };

export interface Insertion {
  /** The sublayer's output h (B,T,H), its residual input r (B,T,H) and the LayerNorm that closes it (the base's
   *  or the adapter's own) -> the sublayer's final output (B,T,H), in place of norm(h + r). */
  forward(h: Tensor, r: Tensor, norm: LayerNorm, ctx: ForwardContext): Tensor;
}

export interface Insertions {
  at(layer: number, point: InsertionPointName): Insertion | null;
  /** The LayerNorm to run at a site instead of the base's (adapter-bert trains its own copies); null keeps the base's. */
  norm(site: NormSite): LayerNorm | null;
}
