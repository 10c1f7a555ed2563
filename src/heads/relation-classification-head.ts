// The downstream relation-classification head (microsoft/K-Adapter run_finetune_TACRED_adapter.py
// `TACREDModel`): the subject is marked with `@` before and after, the object with `#`, and the features at
// the first `@` and the first `#` are classified together.
//   s, o   = features[b, subjectStart[b]], features[b, objectStart[b]]   (B,H) each
//   logits = outProj(dropout(dense(cat[s, o])))       (B,2H) -> (B,H) -> (B,C)   no activation, as the reference
//   loss   = cross-entropy over the C relations, mean over the batch
// features are the fused task features (KnowledgeFusion) or a plain PLM's last hidden state. Linears take
// PyTorch's default init, as the reference's.
import { concat, crossEntropy, type Engine, type Tensor } from "../autograd/index.js";
import { formatShape } from "../dtype.js";
import { ShapeError } from "../errors.js";
import { Dropout, Linear, Module, type ForwardContext } from "../nn/index.js";
import type { Rng } from "../rng.js";
import { checkSequence, tokensAt } from "./entity-tokens.js";

export interface RelationClassificationHeadOptions {
  readonly hiddenSize: number; // H
  readonly numRelations: number; // C; 42 for TACRED
  readonly dropout?: number; // 0.1
}

export class RelationClassificationHead extends Module {
  readonly dense: Linear;
  readonly outProj: Linear;
  private readonly drop: Dropout;

  constructor(e: Engine, readonly options: RelationClassificationHeadOptions, rng: Rng) {
    super();
    const { hiddenSize: H, numRelations: C } = options;
    const init = { rng, fanInUniform: true } as const;
    this.dense = this.child("dense", new Linear(e, 2 * H, H, init));
    this.outProj = this.child("outProj", new Linear(e, H, C, init));
    this.drop = new Dropout(options.dropout ?? 0.1);
  }

  /** features (B,T,H); subjectStart, objectStart (B): first `@` and first `#` positions -> logits (B,C). */
  forward(features: Tensor, subjectStart: Int32Array, objectStart: Int32Array, ctx: ForwardContext): Tensor {
    const head = "RelationClassificationHead";
    checkSequence(head, "features", features, this.options.hiddenSize);
    const pair = concat([tokensAt(head, "subject", features, subjectStart), tokensAt(head, "object", features, objectStart)], 1); // (B,2H)
    return this.outProj.forward(this.drop.forward(this.dense.forward(pair), ctx));
  }

  /** logits (B,C), labels (B) relation ids -> mean cross-entropy. */
  loss(logits: Tensor, labels: Int32Array): Tensor {
    if (logits.rank !== 2 || labels.length !== logits.shape[0]) {
      throw new ShapeError(`RelationClassificationHead: expected one label per row of logits ${formatShape(logits.shape)}, got ${labels.length} labels`);
    }
    return crossEntropy(logits, labels);
  }
}
