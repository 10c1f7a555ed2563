// Task heads: dropout then one Linear (hidden -> labels), after layers - 1 hidden Linears (H -> H, each behind
// dropout and followed by the activation), as AdapterHub builds them; and the loss that fits the task:
//   classification  pooled (B,H) -> logits (B,C), softmax cross-entropy with class ids (B)
//   multilabel      pooled (B,H) -> logits (B,C), BCE with logits against 0/1 targets (B,C)
//   regression      pooled (B,H) -> scores (B,1), mean squared error against targets (B)
//   tagging         hidden (B,T,H) -> logits (B,T,C), cross-entropy per token, label -100 ignored
import { bceWithLogits, crossEntropy, mse, reshape, type Engine, type Tensor } from "../autograd/index.js";
import { formatShape } from "../dtype.js";
import { ShapeError } from "../errors.js";
import { applyActivation, Dropout, Linear, Module, type ForwardContext } from "../nn/index.js";
import type { Rng } from "../rng.js";
import type { HeadConfig } from "./head-config.js";

/** Class ids (classification: (B); tagging: (B·T) with -100 ignored) or float targets (multilabel (B·C), regression (B)). */
export type Labels = { readonly kind: "classes"; readonly ids: Int32Array } | { readonly kind: "values"; readonly values: Float32Array };

export const IGNORE_INDEX = -100;

export class TaskHead extends Module {
  /** The hidden layers (AdapterHub's default head over the first token has one, with tanh). */
  readonly dense: readonly Linear[];
  readonly classifier: Linear;
  private readonly drop: Dropout;

  constructor(e: Engine, readonly config: HeadConfig, hiddenSize: number, rng: Rng, initStd = 0.02) {
    super();
    this.dense = Array.from({ length: config.layers - 1 }, (_, i) => this.child(`dense.${i}`, new Linear(e, hiddenSize, hiddenSize, { rng, std: initStd })));
    this.classifier = this.child("classifier", new Linear(e, hiddenSize, config.labels.length, { rng, std: initStd, bias: config.bias }));
    this.drop = new Dropout(config.dropout);
  }

  get readsTokens(): boolean {
    return this.config.kind === "tagging";
  }

  /** features: pooled, mean or first token (B,H) for sequence heads, last hidden (B,T,H) for tagging -> logits (B,C) or (B,T,C),
   *  through AdapterHub's Sequential(Dropout, Linear, [activation], ..., Dropout, Linear). */
  forward(features: Tensor, ctx: ForwardContext): Tensor {
    let x = features;
    for (const dense of this.dense) {
      x = dense.forward(this.drop.forward(x, ctx));
      if (this.config.activation) x = applyActivation(x, this.config.activation);
    }
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
