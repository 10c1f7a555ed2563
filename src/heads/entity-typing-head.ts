// The downstream entity-typing head (microsoft/K-Adapter run_finetune_openentity_adapter.py `ETModel`): the
// entity is marked with `@` before and after, and the features at the first `@` are classified into types,
// several at once (OpenEntity: 9 types).
//   e      = features[b, entityStart[b]]              (B,H)
//   logits = outProj(dropout(dense(e)))               (B,H) -> (B,H) -> (B,C)
//   loss   = binary cross-entropy with logits against 0/1 targets, mean over all B·C
// The reference has no activation between dense and out_proj here (unlike RoBERTa's classification head, which
// has tanh). Linears take PyTorch's default init, as the reference's.
import { bceWithLogits, type Engine, type Tensor } from "../autograd/index.js";
import { formatShape } from "../dtype.js";
import { ShapeError } from "../errors.js";
import { Dropout, Linear, Module, type ForwardContext } from "../nn/index.js";
import type { Rng } from "../rng.js";
import { checkSequence, tokensAt } from "./entity-tokens.js";

export interface EntityTypingHeadOptions {
  readonly hiddenSize: number; // H
  readonly numTypes: number; // C; 9 for OpenEntity
  readonly dropout?: number; // 0.1
}

export class EntityTypingHead extends Module {
  readonly dense: Linear;
  readonly outProj: Linear;
  private readonly drop: Dropout;

  constructor(e: Engine, readonly options: EntityTypingHeadOptions, rng: Rng) {
    super();
    const { hiddenSize: H, numTypes: C } = options;
    const init = { rng, fanInUniform: true } as const;
    this.dense = this.child("dense", new Linear(e, H, H, init));
    this.outProj = this.child("outProj", new Linear(e, H, C, init));
    this.drop = new Dropout(options.dropout ?? 0.1);
  }

  /** features (B,T,H); entityStart (B): the first `@` position -> logits (B,C). */
  forward(features: Tensor, entityStart: Int32Array, ctx: ForwardContext): Tensor {
    checkSequence("EntityTypingHead", "features", features, this.options.hiddenSize);
    const entity = tokensAt("EntityTypingHead", "entity", features, entityStart); // (B,H)
    return this.outProj.forward(this.drop.forward(this.dense.forward(entity), ctx));
  }

  /** logits (B,C), targets (B·C) of 0/1, row-major -> mean binary cross-entropy. */
  loss(logits: Tensor, targets: Float32Array): Tensor {
    if (logits.rank !== 2 || targets.length !== logits.size) {
      throw new ShapeError(`EntityTypingHead: expected ${logits.size} targets (B·C) for logits ${formatShape(logits.shape)}, got ${targets.length}`);
    }
    return bceWithLogits(logits, logits.engine.tensor(targets, logits.shape));
  }
}
