// The factual adapter's pretraining head (microsoft/K-Adapter fac-adapter.py `AdapterModel`): relation
// classification between a subject and an object (T-REx-rc, 430 relations in the paper).
//   com    = comDense(cat[h_plm, h_adapter])          (B,T,2H) -> (B,T,H)
//   s, o   = com[b, subjectStart[b]], com[b, objectStart[b]]   (B,H) each
//   logits = outProj(dropout(dense(cat[s, o])))       (B,2H) -> (B,H) -> (B,R)
//   loss   = cross-entropy over the R relations, mean over the batch
// No activation anywhere, as in the reference. Linears take PyTorch's default init (the reference's are plain
// nn.Linear in an nn.Module that never re-initialises them).
import { concat, crossEntropy, type Engine, type Tensor } from "../autograd/index.js";
import { formatShape } from "../dtype.js";
import { ShapeError } from "../errors.js";
import { Dropout, Linear, Module, type ForwardContext } from "../nn/index.js";
import type { Rng } from "../rng.js";
import { checkPair, tokensAt } from "./entity-tokens.js";

export interface RelationHeadOptions {
  readonly hiddenSize: number; // H, the PLM's
  readonly numRelations: number; // R
  readonly dropout?: number; // 0.1 (the PLM's hidden_dropout_prob)
}

export class RelationHead extends Module {
  readonly comDense: Linear;
  readonly dense: Linear;
  readonly outProj: Linear;
  private readonly drop: Dropout;

  constructor(e: Engine, readonly options: RelationHeadOptions, rng: Rng) {
    super();
    const { hiddenSize: H, numRelations: R } = options;
    const init = { rng, fanInUniform: true } as const;
    this.comDense = this.child("comDense", new Linear(e, 2 * H, H, init));
    this.dense = this.child("dense", new Linear(e, 2 * H, H, init));
    this.outProj = this.child("outProj", new Linear(e, H, R, init));
    this.drop = new Dropout(options.dropout ?? 0.1);
  }

  /** plmLast, adapterLast (B,T,H); subjectStart, objectStart (B) token positions -> logits (B,R). */
  forward(plmLast: Tensor, adapterLast: Tensor, subjectStart: Int32Array, objectStart: Int32Array, ctx: ForwardContext): Tensor {
    checkPair("RelationHead", plmLast, adapterLast, this.options.hiddenSize);
    const com = this.comDense.forward(concat([plmLast, adapterLast], 2)); // (B,T,H)
    const pair = concat([tokensAt("RelationHead", "subject", com, subjectStart), tokensAt("RelationHead", "object", com, objectStart)], 1); // (B,2H)
    return this.outProj.forward(this.drop.forward(this.dense.forward(pair), ctx));
  }

  /** logits (B,R), labels (B) relation ids -> mean cross-entropy. */
  loss(logits: Tensor, labels: Int32Array): Tensor {
    if (logits.rank !== 2 || labels.length !== logits.shape[0]) {
      throw new ShapeError(`RelationHead: expected one label per row of logits ${formatShape(logits.shape)}, got ${labels.length} labels`);
    }
    return crossEntropy(logits, labels);
  }
}
