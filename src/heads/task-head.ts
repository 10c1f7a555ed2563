// Task heads: dropout then one Linear (hidden -> labels), and the loss that fits the task:
//   classification  pooled (B,H) -> logits (B,C), softmax cross-entropy with class ids (B)
//   multilabel      pooled (B,H) -> logits (B,C), BCE with logits against 0/1 targets (B,C)
//   regression      pooled (B,H) -> scores (B,1), mean squared error against targets (B)
//   tagging         hidden (B,T,H) -> logits (B,T,C), cross-entropy per token, label -100 ignored
import { bceWithLogits, crossEntropy, mse, reshape, tanh, type Engine, type Tensor } from "../autograd/index.js";
import { formatShape } from "../dtype.js";
import { ShapeError } from "../errors.js";
import { Dropout, Linear, Module, type ForwardContext } from "../nn/index.js";
import type { Rng } from "../rng.js";
import type { HeadConfig } from "./head-config.js";

/** Class ids (classification: (B); tagging: (B·T) with -100 ignored) or float targets (multilabel (B·C), regression (B)). */
export type Labels = { readonly kind: "classes"; readonly ids: Int32Array } | { readonly kind: "values"; readonly values: Float32Array };

export const IGNORE_INDEX = -100;

export class TaskHead extends Module {
  /** pooling "cls" only: AdapterHub's first layer, dense + tanh over the first token. */
  readonly dense: Linear | null;
  readonly classifier: Linear;
  private readonly drop: Dropout;

  constructor(e: Engine, readonly config: HeadConfig, hiddenSize: number, rng: Rng, initStd = 0.02) {
    super();
    const twoLayers = config.kind !== "tagging" && config.pooling === "cls";
    this.dense = twoLayers ? this.child("dense", new Linear(e, hiddenSize, hiddenSize, { rng, std: initStd })) : null;
    this.classifier = this.child("classifier", new Linear(e, hiddenSize, config.labels.length, { rng, std: initStd }));
    this.drop = new Dropout(config.dropout);
  }

  get readsTokens(): boolean {
    return this.config.kind === "tagging";
  }

  /** features: pooled, mean or first token (B,H) for sequence heads, last hidden (B,T,H) for tagging -> logits (B,C) or (B,T,C).
   *  With a dense layer it is AdapterHub's Sequential(Dropout, Linear, Tanh, Dropout, Linear). */
  forward(features: Tensor, ctx: ForwardContext): Tensor {
    const x = this.dense ? tanh(this.dense.forward(this.drop.forward(features, ctx))) : features;
    return this.classifier.forward(this.drop.forward(x, ctx));
  }

  loss(logits: Tensor, labels: Labels): Tensor {
    const C = this.config.labels.length;
    const N = logits.size / C;
    const e = logits.engine;
    const kind = this.config.kind;
    if ((kind === "classification" || kind === "tagging") !== (labels.kind === "classes")) {
      throw new ShapeError(`${kind} head: expected ${kind === "classification" || kind === "tagging" ? "class ids" : "float targets"}, got ${labels.kind}`);
    }
    if (labels.kind === "classes") {
      if (labels.ids.length !== N) throw new ShapeError(`${kind} head: expected ${N} labels for logits ${formatShape(logits.shape)}, got ${labels.ids.length}`);
      return crossEntropy(reshape(logits, [N, C]), labels.ids, IGNORE_INDEX);
    }
    if (labels.values.length !== logits.size) {
      throw new ShapeError(`${kind} head: expected ${logits.size} targets for logits ${formatShape(logits.shape)}, got ${labels.values.length}`);
    }
    const targets = e.tensor(labels.values, logits.shape);
    return kind === "multilabel" ? bceWithLogits(logits, targets) : mse(logits, targets);
  }
}
