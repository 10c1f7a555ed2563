// A task model: one frozen-or-not base encoder, its named adapters, and a task head, wired together.
// Houlsby adapters come with their own LayerNorms (adapter-bert trains them), so activating an adapter also
// swaps in its LayerNorm values; the base's own values are kept and restored for `null`.
import type { Tensor } from "../autograd/index.js";
import type { AdapterSet } from "../adapters/index.js";
import type { Batch } from "../data/index.js";
import { ConfigError } from "../errors.js";
import { meanOverTokens, type Labels, type TaskHead } from "../heads/index.js";
import type { BertModel, EncoderInput } from "../models/index.js";
import type { ForwardContext } from "../nn/index.js";
import type { NamedTensor, ParameterGroups } from "./trainable.js";

/** What the training loop and evaluation need of a model: logits for a batch, a loss, and the logits' width. */
export interface TrainableModel {
  /** logits (B,C) for sequence tasks, (B,T,C) for per-token tasks. */
  forward(batch: Batch, ctx: ForwardContext): Tensor;
  loss(logits: Tensor, labels: Labels): Tensor;
  /** C: classes (or scores) per prediction. */
  readonly outputSize: number;
}

const isLayerNorm = (name: string): boolean => /(^|\.)norm\.(weight|bias)$/.test(name);

export class TaskModel implements TrainableModel {
  private readonly baseLayerNorms: Map<string, Float32Array>;
  private readonly adapterLayerNorms = new Map<string, Map<string, Float32Array>>();

  constructor(readonly encoder: BertModel, readonly adapters: AdapterSet, readonly head: TaskHead) {
    encoder.insertions = adapters;
    this.baseLayerNorms = this.snapshotLayerNorms();
  }

  /** logits (B,C) for sequence heads, (B,T,C) for tagging. */
  forward(input: EncoderInput, ctx: ForwardContext): Tensor {
    const out = this.encoder.forward(input, ctx);
    if (this.head.readsTokens) return this.head.forward(out.lastHidden, ctx);
    return this.head.forward(this.head.config.pooling === "mean" ? meanOverTokens(out.lastHidden, input.attentionMask) : out.pooled, ctx);
  }

  loss(logits: Tensor, labels: Labels): Tensor {
    return this.head.loss(logits, labels);
  }

  get outputSize(): number {
    return this.head.config.labels.length;
  }

  /** Runs adapter `name` (or the plain base for null) from now on, with the LayerNorms kept under that name. */
  activate(name: string | null): void {
    // a LayerNorm-only or head-only run has LayerNorms under its name but no adapter
    this.adapters.activate(name !== null && this.adapters.names().includes(name) ? name : null);
    const norms = (name !== null ? this.adapterLayerNorms.get(name) : undefined) ?? this.baseLayerNorms;
    for (const [n, t] of this.layerNormTensors()) {
      const values = norms.get(n);
      if (values) t.data.set(values);
    }
  }

  /** Records the current LayerNorm values as the given adapter's (or LayerNorm-only run's) own. */
  keepLayerNorms(name: string, values?: ReadonlyMap<string, Float32Array>): void {
    const snapshot = values ? new Map([...values].map(([n, v]) => [n, Float32Array.from(v)])) : this.snapshotLayerNorms();
    for (const n of snapshot.keys()) {
      if (!this.baseLayerNorms.has(n)) throw new ConfigError(`adapter "${name}": unknown LayerNorm parameter "${n}"`);
    }
    this.adapterLayerNorms.set(name, snapshot);
  }

  adapterLayerNormsOf(name: string): ReadonlyMap<string, Float32Array> | null {
    return this.adapterLayerNorms.get(name) ?? null;
  }

  /** Base, active adapter and head parameters, each with its dotted path. */
  parameterGroups(): ParameterGroups {
    const active = this.adapters.active;
    const adapters: NamedTensor[] = active === null ? [] : this.adapters.get(active).namedParameters(`adapters.${active}.`);
    return {
      base: this.encoder.namedParameters(),
      adapters,
      head: this.head.namedParameters("head."),
    };
  }

  private layerNormTensors(): [string, Tensor][] {
    return this.encoder.namedParameters().filter(([n]) => isLayerNorm(n));
  }

  private snapshotLayerNorms(): Map<string, Float32Array> {
    return new Map(this.layerNormTensors().map(([n, t]) => [n, Float32Array.from(t.data)]));
  }
}
