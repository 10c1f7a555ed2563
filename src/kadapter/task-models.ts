// K-Adapter's two kinds of trainable model, in the shape the training loop takes (TrainableModel), both
// around the one KAdapterModel:
//   KnowledgePretrainModel  the PLM (frozen) -> one knowledge adapter -> its pretraining head
//                           (relation: gather subject/object starts; dependency: a head position per token)
//   KnowledgeTaskModel      the PLM -> zero or more knowledge adapters -> fusion -> a downstream head
//                           (entity typing on the first "@"; relation classification on cat(first "@", first "#"))
// What trains is set by the caller through requiresGrad (parameterGroups() names every group).
import type { Tensor } from "../autograd/index.js";
import type { Batch } from "../data/index.js";
import { EngineError } from "../errors.js";
import {
  DependencyHead, EntityTypingHead, RelationClassificationHead, RelationHead, type Labels,
} from "../heads/index.js";
import type { EncoderInput } from "../models/index.js";
import type { ForwardContext } from "../nn/index.js";
import type { NamedTensor, TrainableModel } from "../train/index.js";
import type { KAdapterModel } from "./kadapter-model.js";

/** The batch's marker positions as P arrays of B (first marker of every example, then the second, ...). */
function markerColumns(batch: Batch, P: number): Int32Array[] {
  const markers = batch.markers;
  if (!markers || markers.length !== batch.batchSize * P) {
    throw new EngineError(`K-Adapter task: expected ${P} marker position(s) per example, got ${markers ? markers.length / batch.batchSize : 0} (${batch.examples[0]?.source})`);
  }
  return Array.from({ length: P }, (_, p) => Int32Array.from({ length: batch.batchSize }, (_, b) => markers[b * P + p]));
}

function classIds(labels: Labels, task: string): Int32Array {
  if (labels.kind !== "classes") throw new EngineError(`${task}: expected class ids as labels, got float targets`);
  return labels.ids;
}

export type PretrainHead = RelationHead | DependencyHead;

export class KnowledgePretrainModel implements TrainableModel {
  constructor(readonly model: KAdapterModel, readonly head: PretrainHead) {
    if (model.adapters.items.length !== 1 || model.fusion) throw new EngineError(`KnowledgePretrainModel: expected one knowledge adapter and no fusion, got ${model.adapters.items.length} and ${model.fusion ? "a" : "no"} fusion`);
  }

  get outputSize(): number {
    return this.head instanceof RelationHead ? this.head.options.numRelations : this.head.options.maxSeqLength;
  }

  forward(batch: Batch, ctx: ForwardContext): Tensor {
    const out = this.model.forward(batch, ctx);
    const adapterLast = out.adapterOutputs[0];
    if (this.head instanceof RelationHead) {
      const [subject, object] = markerColumns(batch, 2);
      return this.head.forward(out.plmLast, adapterLast, subject, object, ctx);
    }
    return this.head.forward(out.plmLast, adapterLast, batch.attentionMask, ctx);
  }

  loss(logits: Tensor, labels: Labels, input: EncoderInput): Tensor {
    const ids = classIds(labels, "knowledge adapter pretraining");
    if (this.head instanceof RelationHead) return this.head.loss(logits, ids);
    return this.head.loss(logits, ids, input.attentionMask ?? new Int32Array(ids.length).fill(1));
  }

  parameterGroups(): { plm: NamedTensor[]; adapter: NamedTensor[]; head: NamedTensor[] } {
    const groups = this.model.parameterGroups();
    return { plm: groups.plm, adapter: groups.adapters, head: this.head.namedParameters("head.") };
  }
}

export type DownstreamHead = EntityTypingHead | RelationClassificationHead;

export class KnowledgeTaskModel implements TrainableModel {
  /** model: the PLM with zero or more knowledge adapters (the baseline has none) and, with adapters, a fusion. */
  constructor(readonly model: KAdapterModel, readonly head: DownstreamHead) {
    const n = model.adapters.items.length;
    if ((n > 0) !== (model.fusion !== null)) throw new EngineError(`KnowledgeTaskModel: expected a fusion exactly when there are adapters, got ${n} adapter(s) and ${model.fusion ? "a" : "no"} fusion`);
  }

  get outputSize(): number {
    return this.head instanceof EntityTypingHead ? this.head.options.numTypes : this.head.options.numRelations;
  }

  forward(batch: Batch, ctx: ForwardContext): Tensor {
    const { features } = this.model.forward(batch, ctx);
    if (this.head instanceof EntityTypingHead) return this.head.forward(features, markerColumns(batch, 1)[0], ctx);
    const [subject, object] = markerColumns(batch, 2);
    return this.head.forward(features, subject, object, ctx);
  }

  loss(logits: Tensor, labels: Labels): Tensor {
    if (this.head instanceof EntityTypingHead) {
      if (labels.kind !== "values") throw new EngineError("entity typing: expected multi-hot targets, got class ids");
      return this.head.loss(logits, labels.values);
    }
    return this.head.loss(logits, classIds(labels, "relation classification"));
  }

  parameterGroups(): { plm: NamedTensor[]; adapters: NamedTensor[]; fusion: NamedTensor[]; head: NamedTensor[] } {
    return { ...this.model.parameterGroups(), head: this.head.namedParameters("head.") };
  }
}
