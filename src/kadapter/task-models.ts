// K-Adapter's two kinds of trainable model, in the shape the training loop takes (TrainableModel):
//   KnowledgePretrainModel  the PLM (frozen) -> one knowledge adapter -> its pretraining head
//                           (relation: gather subject/object starts; dependency: a head position per token)
//   KnowledgeTaskModel      the PLM -> zero or more knowledge adapters -> fusion -> a downstream head
//                           (entity typing on the first "@"; relation classification on cat(first "@", first "#"))
// What trains is set by the caller through requiresGrad (parameterGroups() names every group).
import { crossEntropy, reshape, type Tensor } from "../autograd/index.js";
import type { Batch } from "../data/index.js";
import { EngineError } from "../errors.js";
import {
  DependencyHead, EntityTypingHead, RelationClassificationHead, RelationHead, type Labels,
} from "../heads/index.js";
import type { BertModel, KnowledgeAdapter, KnowledgeFusion } from "../models/index.js";
import type { ForwardContext } from "../nn/index.js";
import type { NamedTensor, TrainableModel } from "../train/index.js";

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
  constructor(readonly plm: BertModel, readonly adapter: KnowledgeAdapter, readonly head: PretrainHead) {}

  get outputSize(): number {
    return this.head instanceof RelationHead ? this.head.options.numRelations : this.head.options.maxSeqLength;
  }

  forward(batch: Batch, ctx: ForwardContext): Tensor {
    const out = this.plm.forward(batch, ctx, { hiddenStates: true });
    const adapterLast = this.adapter.forward(out.hiddenStates ?? [], batch.attentionMask, ctx);
    if (this.head instanceof RelationHead) {
      const [subject, object] = markerColumns(batch, 2);
      return this.head.forward(out.lastHidden, adapterLast, subject, object, ctx);
    }
    return this.head.forward(out.lastHidden, adapterLast, batch.attentionMask, ctx);
  }

  loss(logits: Tensor, labels: Labels): Tensor {
    const ids = classIds(labels, "knowledge adapter pretraining");
    if (this.head instanceof RelationHead) return this.head.loss(logits, ids);
    // dependency: padding and non-first sub-tokens carry -100, so the ignore index leaves out exactly what
    // DependencyHead.loss's attention mask would
    const C = this.head.options.maxSeqLength;
    return crossEntropy(reshape(logits, [logits.size / C, C]), ids);
  }

  parameterGroups(): { plm: NamedTensor[]; adapter: NamedTensor[]; head: NamedTensor[] } {
    return { plm: this.plm.namedParameters(), adapter: this.adapter.namedParameters(), head: this.head.namedParameters("head.") };
  }
}

export type DownstreamHead = EntityTypingHead | RelationClassificationHead;

export class KnowledgeTaskModel implements TrainableModel {
  /** adapters and fusion: both empty/null for the PLM alone (the baseline). */
  constructor(
    readonly plm: BertModel,
    readonly adapters: readonly { name: string; adapter: KnowledgeAdapter }[],
    readonly fusion: KnowledgeFusion | null,
    readonly head: DownstreamHead,
  ) {
    if ((adapters.length > 0) !== (fusion !== null)) throw new EngineError(`KnowledgeTaskModel: expected a fusion exactly when there are adapters, got ${adapters.length} adapter(s) and ${fusion ? "a" : "no"} fusion`);
  }

  get outputSize(): number {
    return this.head instanceof EntityTypingHead ? this.head.options.numTypes : this.head.options.numRelations;
  }

  forward(batch: Batch, ctx: ForwardContext): Tensor {
    const out = this.plm.forward(batch, ctx, { hiddenStates: this.adapters.length > 0 });
    const features = this.fusion
      ? this.fusion.forward(out.lastHidden, this.adapters.map(({ adapter }) => adapter.forward(out.hiddenStates ?? [], batch.attentionMask, ctx)))
      : out.lastHidden;
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
    return {
      plm: this.plm.namedParameters("plm."),
      adapters: this.adapters.flatMap(({ name, adapter }) => adapter.namedParameters(`adapters.${name}.`)),
      fusion: this.fusion?.namedParameters("fusion.") ?? [],
      head: this.head.namedParameters("head."),
    };
  }
}
