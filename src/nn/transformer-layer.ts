// One post-LN transformer encoder layer (Hugging Face's BertLayer), read top to bottom:
//   self-attention -> output projection -> dropout -> (afterAttention) -> LayerNorm(. + x)
//   FFN inner -> activation -> FFN output -> dropout -> (afterFfn) -> LayerNorm(. + attention out)
// BERT's encoder stacks them; K-Adapter's knowledge adapters build their inner encoders from the same blocks.
// Each row's adapter (the routing) runs at the insertion points and may bring its own LayerNorms.
import { add, attention, type Engine, type Tensor } from "../autograd/index.js";
import type { Rng } from "../rng.js";
import { activate, type HiddenActivation } from "./activation.js";
import { Dropout } from "./dropout.js";
import type { InsertionPointName, Insertions } from "./insertion.js";
import { LayerNorm } from "./layernorm.js";
import { Linear, type LinearInit } from "./linear.js";
import { ModuleList } from "./module-list.js";
import { Module, type ForwardContext } from "./module.js";
import { Routing } from "./routing.js";

/** What a layer needs of a model config (BertConfig has every field). */
export interface TransformerLayerConfig {
  readonly hiddenSize: number; // H
  readonly numHeads: number; // NH
  readonly intermediateSize: number; // I
  readonly hiddenActivation: HiddenActivation;
  readonly layerNormEps: number;
  readonly hiddenDropout: number;
  readonly attentionDropout: number;
  readonly initializerRange: number;
}

class SelfAttention extends Module {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly output: Linear;
  readonly norm: LayerNorm;
  private readonly drop: Dropout;

  constructor(e: Engine, private readonly config: TransformerLayerConfig, init: LinearInit) {
    super();
    const H = config.hiddenSize;
    this.query = this.child("query", new Linear(e, H, H, init));
    this.key = this.child("key", new Linear(e, H, H, init));
    this.value = this.child("value", new Linear(e, H, H, init));
    this.output = this.child("output", new Linear(e, H, H, init));
    this.norm = this.child("norm", new LayerNorm(e, H, config.layerNormEps));
    this.drop = new Dropout(config.hiddenDropout);
  }

  /** x (B,T,H), mask (B,T) additive or null (attend everywhere) -> attention output projected and dropped out, before add & norm. */
  forward(x: Tensor, mask: Tensor | null, ctx: ForwardContext): Tensor {
    const probsDropout = ctx.training && this.config.attentionDropout > 0 ? { p: this.config.attentionDropout, rng: ctx.rng } : null;
    const context = attention(this.query.forward(x), this.key.forward(x), this.value.forward(x), {
      numHeads: this.config.numHeads, mask, dropout: probsDropout,
    });
    return this.drop.forward(this.output.forward(context), ctx);
  }
}

class FeedForward extends Module {
  readonly inner: Linear;
  readonly output: Linear;
  readonly norm: LayerNorm;
  private readonly drop: Dropout;

  constructor(e: Engine, private readonly config: TransformerLayerConfig, init: LinearInit) {
    super();
    this.inner = this.child("inner", new Linear(e, config.hiddenSize, config.intermediateSize, init));
    this.output = this.child("output", new Linear(e, config.intermediateSize, config.hiddenSize, init));
    this.norm = this.child("norm", new LayerNorm(e, config.hiddenSize, config.layerNormEps));
    this.drop = new Dropout(config.hiddenDropout);
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    return this.drop.forward(this.output.forward(activate(this.inner.forward(x), this.config.hiddenActivation)), ctx);
  }
}

/**
 * One post-LN encoder layer (Hugging Face's BertLayer). Exported for encoders built from the same blocks
 * (K-Adapter's adapter layers). `init` defaults to BERT's truncated normal with the config's initializer range.
 */
export class TransformerLayer extends Module {
  readonly attn: SelfAttention;
  readonly ffn: FeedForward;

  constructor(e: Engine, config: TransformerLayerConfig, rng: Rng, private readonly index: number, init: LinearInit = { rng, std: config.initializerRange }) {
    super();
    this.attn = this.child("attn", new SelfAttention(e, config, init));
    this.ffn = this.child("ffn", new FeedForward(e, config, init));
  }

  /** x (B,T,H), mask (B,T) additive or null -> (B,T,H); each row's adapter (routing) runs at the insertion points. */
  forward(x: Tensor, mask: Tensor | null, ctx: ForwardContext, routing: Routing = Routing.uniform(x.shape[0], null)): Tensor {
    const layer = this.index;
    // sublayer output h and residual r of one group's rows -> that group's insertion, or LayerNorm(h + r)
    const close = (ins: Insertions | null, point: InsertionPointName, baseNorm: LayerNorm, h: Tensor, r: Tensor): Tensor => {
      const norm = ins?.norm({ layer, point }) ?? baseNorm;
      const insertion = ins?.at(layer, point);
      return insertion ? insertion.forward(h, r, norm, ctx) : norm.forward(add(h, r));
    };
    const attended = routing.map([this.attn.forward(x, mask, ctx), x], (ins, [h, r]) => close(ins, "afterAttention", this.attn.norm, h, r));
    return routing.map([this.ffn.forward(attended, ctx), attended], (ins, [h, r]) => close(ins, "afterFfn", this.ffn.norm, h, r));
  }
}

/** A stack of layers, so their parameter paths read `encoder.layers.<i>....` (Hugging Face's encoder.layer.<i>). */
export class EncoderLayers extends Module {
  readonly layers: ModuleList<TransformerLayer>;

  constructor(layers: TransformerLayer[]) {
    super();
    this.layers = this.child("layers", new ModuleList(layers));
  }
}
