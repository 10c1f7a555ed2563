// A task model: the base encoder with one adapter on every row, as the training loop and evaluation see it.
// Everything that trains lives in the adapter (or, for full fine-tuning, in an encoder the run owns).
import type { Tensor } from "../autograd/index.js";
import { forwardAdapters, type Adapter } from "../adapters/index.js";
import type { Labels } from "../heads/index.js";
import type { BertModel, EncoderInput } from "../models/index.js";
import type { ForwardContext } from "../nn/index.js";
import type { ParameterGroups } from "./trainable.js";

/** What the training loop and evaluation need of a model: logits for a batch, a loss, and the logits' width. */
export interface TrainableModel {
  /** logits (B,C) for sequence tasks, (B,T,C) for per-token tasks. */
  forward(batch: EncoderInput, ctx: ForwardContext): Tensor;
  /** input: the batch the logits came from (a loss may need its attention mask). */
  loss(logits: Tensor, labels: Labels, input: EncoderInput): Tensor;
  /** C: classes (or scores) per prediction. */
  readonly outputSize: number;
}

export class TaskModel implements TrainableModel {
  constructor(readonly encoder: BertModel, readonly adapter: Adapter) {}

  forward(input: EncoderInput, ctx: ForwardContext): Tensor {
    const rows = new Array<Adapter>(input.batchSize).fill(this.adapter);
    return forwardAdapters(this.encoder, input, rows, ctx).groups[0].logits;
  }

  loss(logits: Tensor, labels: Labels): Tensor {
    return this.adapter.head.loss(logits, labels);
  }

  get outputSize(): number {
    return this.adapter.head.config.labels.length;
  }

  /** The encoder's parameters (frozen unless the run owns the encoder), the adapter's, and its head's, by dotted path. */
  parameterGroups(): ParameterGroups {
    const a = this.adapter;
    return {
      base: this.encoder.namedParameters(),
      adapters: [...(a.bottleneck?.namedParameters(`adapters.${a.name}.`) ?? []), ...(a.layerNorms?.namedParameters() ?? [])],
      head: a.head.namedParameters("head."),
    };
  }
}
