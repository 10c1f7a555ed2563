// An adapter's own LayerNorms (adapter-bert trains every LayerNorm of the encoder, embeddings' included).
// They start as copies of the base's values and are then the adapter's alone: the base's are never written.
// Parameter names are the base's own paths (embeddings.norm.weight, encoder.layers.3.attn.norm.bias, ...).
import type { Engine } from "../autograd/index.js";
import { InternalError } from "../errors.js";
import type { BertModel } from "../models/index.js";
import { INSERTION_POINTS, LayerNorm, Module, type NormSite } from "../nn/index.js";

/** A norm site's path in the encoder: "embeddings.norm", "encoder.layers.<i>.<attn|ffn>.norm". */
export function normSitePath(site: NormSite): string {
  return site === "embeddings" ? "embeddings.norm" : `encoder.layers.${site.layer}.${site.point === "afterAttention" ? "attn" : "ffn"}.norm`;
}

export class AdapterLayerNorms extends Module {
  private readonly byPath = new Map<string, LayerNorm>();

  /** Copies of every LayerNorm of `base`, with its current values. */
  constructor(e: Engine, base: BertModel) {
    super();
    const sites: NormSite[] = ["embeddings"];
    for (let layer = 0; layer < base.config.numLayers; layer++) for (const point of INSERTION_POINTS) sites.push({ layer, point });
    const baseParams = new Map(base.namedParameters());
    for (const site of sites) {
      const path = normSitePath(site);
      const weight = baseParams.get(`${path}.weight`);
      const bias = baseParams.get(`${path}.bias`);
      if (!weight || !bias) throw new InternalError(`adapter LayerNorms: the base has no LayerNorm at ${path}`);
      const norm = this.child(path, new LayerNorm(e, base.config.hiddenSize, base.config.layerNormEps));
      norm.weight.data.set(weight.data);
      norm.bias.data.set(bias.data);
      this.byPath.set(path, norm);
    }
  }

  at(site: NormSite): LayerNorm | null {
    return this.byPath.get(normSitePath(site)) ?? null;
  }
}
