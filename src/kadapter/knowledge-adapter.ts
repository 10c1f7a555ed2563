// A K-Adapter knowledge adapter (Wang et al. 2021; microsoft/K-Adapter `AdapterModel`): a stack of adapter
// layers beside a frozen PLM, one per plug-in point, read top to bottom like the reference's forward:
//
//   last = 0
//   for each adapter layer i, plugged in at hidden state p_i:
//     x    = hiddenStates[p_i] + last                         (B,T,d_plm)   added, not concatenated
//     last = x + up_project(N × TransformerLayer(down_project(x)))           down: d_plm -> d_a, up: d_a -> d_plm
//     every skipLayers-th layer: last = last + (an earlier layer's output)   (off by default; see forward)
//   return last                                               (B,T,d_plm)
//
// The inner layers are BERT's post-LN layers at the adapter's width (d_a, numHeads, intermediateSize, GELU,
// LayerNorm eps 1e-5). Parameter names: layers.<i>.downProject.{weight,bias}, layers.<i>.encoder.layers.<j>.…
// (as in BertModel), layers.<i>.upProject.{weight,bias}; weights.ts maps them to the reference's names.
import { add, type Engine, type Tensor } from "../autograd/index.js";
import { formatShape } from "../dtype.js";
import { assert, ShapeError } from "../errors.js";
import { EncoderLayers, Linear, Module, ModuleList, paddingMask, TransformerLayer, type ForwardContext, type TransformerLayerConfig } from "../nn/index.js";
import type { Rng } from "../rng.js";
import type { KnowledgeAdapterConfig } from "./config.js";

/** The config of the adapter's inner transformer layers (the reference's AdapterConfig). The inner Linears
 *  take PyTorch's default init (below), as the reference never re-initialises them; initializerRange is unused. */
export function innerEncoderConfig(config: KnowledgeAdapterConfig): TransformerLayerConfig {
  return Object.freeze({
    hiddenSize: config.adapterHidden,
    numHeads: config.numHeads,
    intermediateSize: config.intermediateSize,
    hiddenActivation: config.activation,
    hiddenDropout: config.dropout,
    attentionDropout: config.dropout,
    layerNormEps: config.layerNormEps,
    initializerRange: config.initRange,
  });
}

/** One adapter layer: x + up_project(encoder(down_project(x))). */
class AdapterLayer extends Module {
  readonly downProject: Linear;
  readonly encoder: EncoderLayers;
  readonly upProject: Linear;

  constructor(e: Engine, config: KnowledgeAdapterConfig, rng: Rng) {
    super();
    const inner = innerEncoderConfig(config);
    // Reference init: the projections N(0, initRange²) with zero bias (Adapter.init_weights); the inner layers
    // keep PyTorch's nn.Linear default, LayerNorms 1 and 0.
    const projection = { rng, std: config.initRange, truncated: false };
    const pytorchDefault = { rng, fanInUniform: true } as const;
    this.downProject = this.child("downProject", new Linear(e, config.plmHidden, config.adapterHidden, projection));
    const layers = Array.from({ length: config.transformerLayers }, (_, j) => new TransformerLayer(e, inner, rng, j, pytorchDefault));
    this.encoder = this.child("encoder", new EncoderLayers(layers));
    this.upProject = this.child("upProject", new Linear(e, config.adapterHidden, config.plmHidden, projection));
  }

  /** x (B,T,d_plm), mask (B,T) additive or null -> (B,T,d_plm). */
  forward(x: Tensor, mask: Tensor | null, ctx: ForwardContext): Tensor {
    let h = this.downProject.forward(x); // (B,T,d_a)
    for (const layer of this.encoder.layers.items) h = layer.forward(h, mask, ctx);
    return add(x, this.upProject.forward(h));
  }
}

export class KnowledgeAdapter extends Module {
  readonly layers: ModuleList<AdapterLayer>;

  constructor(readonly engine: Engine, readonly config: KnowledgeAdapterConfig, rng: Rng) {
    super();
    this.layers = this.child("layers", new ModuleList(config.pluginLayers.map(() => new AdapterLayer(engine, config, rng))));
  }

  /**
   * hiddenStates: the PLM's L+1 hidden states (B,T,d_plm) each, [0] the embedding output and [i] layer i's
   * (BertModel.forward(input, ctx, { hiddenStates: true }).hiddenStates); attentionMask (B·T), 1 real / 0 pad,
   * used only when config.maskPadding -> the last adapter layer's output (B,T,d_plm).
   */
  forward(hiddenStates: readonly Tensor[], attentionMask: ArrayLike<number> | undefined, ctx: ForwardContext): Tensor {
    const { plmLayers, plmHidden, pluginLayers, skipLayers, maskPadding } = this.config;
    const first = hiddenStates[0];
    if (hiddenStates.length !== plmLayers + 1 || first.rank !== 3 || first.shape[2] !== plmHidden
      || hiddenStates.some((h) => formatShape(h.shape) !== formatShape(first.shape))) {
      throw new ShapeError(`KnowledgeAdapter: expected ${plmLayers + 1} hidden states (B,T,${plmHidden}) of one shape (embedding output + ${plmLayers} layers), got ${hiddenStates.length}: ${hiddenStates.map((h) => formatShape(h.shape)).join(", ")}`);
    }
    const [B, T] = first.shape;
    // The reference's inner mask is all ones: adding its zeros equals passing no mask at all.
    const mask = maskPadding ? paddingMask(this.engine, attentionMask, B, T) : null;

    const outputs: Tensor[] = []; // each adapter layer's own output, before any skip is added
    let last: Tensor | null = null; // null stands for the reference's zeros before the first layer
    for (const [i, layer] of this.layers.items.entries()) {
      const plugged = hiddenStates[pluginLayers[i]];
      last = layer.forward(last === null ? plugged : add(plugged, last), mask, ctx);
      outputs.push(last);
      // The reference's skip, exactly: after the count-th layer (count = i + 1) with count % k == 0 it adds
      // outputs[count / k], 0-based, so with k = 2 the second layer adds its own output (doubling it) and the
      // fourth adds the third's. k = 1 would index past the list (the config rejects it).
      const count = i + 1;
      if (skipLayers >= 1 && count % skipLayers === 0) last = add(last, outputs[count / skipLayers]);
    }
    assert(last !== null, "KnowledgeAdapter: a validated config has at least one plug-in point");
    return last;
  }
}
