// The linguistic adapter's pretraining head (microsoft/K-Adapter lin-adapter.py `AdapterModel`): dependency
// relation prediction, i.e. for every token the position of its head word (a class per position).
//   com    = comDense(cat[h_plm, h_adapter])                    (B,T,2H) -> (B,T,H)
//   a      = LayerNorm(dropout(output(attn(com))) + com)        one-head BertAttention, padding masked
//            attn = softmax(q·kᵀ/√H + mask)·v, dropout on the probabilities
//   logits = outProj(dropout(dense(a)))                         (B,T,H) -> (B,T,H) -> (B,T,maxSeqLength)
//   loss   = cross-entropy over positions, on real tokens only, mean over them
// No activation anywhere, as in the reference. Its attention config: hidden H, 1 head, LayerNorm eps 1e-5,
// dropouts 0.1. Linears take PyTorch's default init, LayerNorm 1 and 0.
import { add, attention, concat, crossEntropy, reshape, type Engine, type Tensor } from "../autograd/index.js";
import { formatShape } from "../dtype.js";
import { ShapeError } from "../errors.js";
import { Dropout, LayerNorm, Linear, Module, paddingMask, type ForwardContext } from "../nn/index.js";
import type { Rng } from "../rng.js";
import { checkPair } from "./entity-tokens.js";
import { IGNORE_INDEX } from "./task-head.js";

export interface DependencyHeadOptions {
  readonly hiddenSize: number; // H, the PLM's
  readonly maxSeqLength: number; // classes: a head position in [0, maxSeqLength); 64 in the reference script
  readonly dropout?: number; // 0.1, on the attention probabilities, the attention output and after dense
  readonly layerNormEps?: number; // 1e-5
}

/** BertAttention with one head: LayerNorm(dropout(output(self-attention(x))) + x). */
class SingleHeadAttention extends Module {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly output: Linear;
  readonly norm: LayerNorm;
  private readonly drop: Dropout;

  constructor(e: Engine, H: number, private readonly dropout: number, eps: number, rng: Rng) {
    super();
    const init = { rng, fanInUniform: true } as const;
    this.query = this.child("query", new Linear(e, H, H, init));
    this.key = this.child("key", new Linear(e, H, H, init));
    this.value = this.child("value", new Linear(e, H, H, init));
    this.output = this.child("output", new Linear(e, H, H, init));
    this.norm = this.child("norm", new LayerNorm(e, H, eps));
    this.drop = new Dropout(dropout);
  }

  /** x (B,T,H), mask (B,T) additive -> (B,T,H). */
  forward(x: Tensor, mask: Tensor, ctx: ForwardContext): Tensor {
    const probsDropout = ctx.training && this.dropout > 0 ? { p: this.dropout, rng: ctx.rng } : null;
    const context = attention(this.query.forward(x), this.key.forward(x), this.value.forward(x), { numHeads: 1, mask, dropout: probsDropout });
    return this.norm.forward(add(this.drop.forward(this.output.forward(context), ctx), x));
  }
}

export class DependencyHead extends Module {
  readonly comDense: Linear;
  readonly attention: SingleHeadAttention;
  readonly dense: Linear;
  readonly outProj: Linear;
  private readonly drop: Dropout;

  constructor(e: Engine, readonly options: DependencyHeadOptions, rng: Rng) {
    super();
    const { hiddenSize: H, maxSeqLength } = options;
    const dropout = options.dropout ?? 0.1;
    const init = { rng, fanInUniform: true } as const;
    this.comDense = this.child("comDense", new Linear(e, 2 * H, H, init));
    this.attention = this.child("attention", new SingleHeadAttention(e, H, dropout, options.layerNormEps ?? 1e-5, rng));
    this.dense = this.child("dense", new Linear(e, H, H, init));
    this.outProj = this.child("outProj", new Linear(e, H, maxSeqLength, init));
    this.drop = new Dropout(dropout);
  }

  /** plmLast, adapterLast (B,T,H); attentionMask (B·T) 1 real / 0 pad -> logits (B,T,maxSeqLength). */
  forward(plmLast: Tensor, adapterLast: Tensor, attentionMask: ArrayLike<number>, ctx: ForwardContext): Tensor {
    checkPair("DependencyHead", plmLast, adapterLast, this.options.hiddenSize);
    const [B, T] = plmLast.shape;
    if (attentionMask.length !== B * T) {
      throw new ShapeError(`DependencyHead: expected an attention mask of B·T = ${B * T} values for hidden states ${formatShape(plmLast.shape)}, got ${attentionMask.length}`);
    }
    if (T > this.options.maxSeqLength) {
      throw new ShapeError(`DependencyHead: expected at most maxSeqLength = ${this.options.maxSeqLength} tokens (the head position classes), got hidden states ${formatShape(plmLast.shape)}`);
    }
    const com = this.comDense.forward(concat([plmLast, adapterLast], 2)); // (B,T,H)
    const attended = this.attention.forward(com, paddingMask(plmLast.engine, attentionMask, B, T), ctx);
    return this.outProj.forward(this.drop.forward(this.dense.forward(attended), ctx));
  }

  /**
   * logits (B,T,C), labels (B·T) head positions, attentionMask (B·T) -> mean cross-entropy over the tokens with
   * mask 1 (the reference's active part) and a label other than -100.
   */
  loss(logits: Tensor, labels: Int32Array, attentionMask: ArrayLike<number>): Tensor {
    const [B, T, C] = logits.shape;
    if (logits.rank !== 3 || labels.length !== B * T || attentionMask.length !== B * T) {
      throw new ShapeError(`DependencyHead: expected B·T labels and mask values for logits ${formatShape(logits.shape)}, got ${labels.length} labels and ${attentionMask.length} mask values`);
    }
    const targets = labels.map((label, i) => (attentionMask[i] ? label : IGNORE_INDEX));
    return crossEntropy(reshape(logits, [B * T, C]), targets, IGNORE_INDEX);
  }
}
