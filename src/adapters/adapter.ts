// One adapter: everything a task trains over the frozen base, in one object: its bottleneck layers (Houlsby,
// Pfeiffer; none for a LayerNorm-only or head-only run), its own LayerNorms (adapter-bert trains them; none for
// head-only) and its task head. It is the Insertions a routed forward asks at every insertion point and norm
// site; running, training or dropping it never writes a base tensor or another adapter's.
import type { Engine } from "../autograd/index.js";
import { ConfigError } from "../errors.js";
import { TaskHead, type HeadConfig } from "../heads/index.js";
import type { BertModel } from "../models/index.js";
import { Module, type Insertion, type InsertionPointName, type Insertions, type LayerNorm, type NormSite } from "../nn/index.js";
import type { Rng } from "../rng.js";
import { LayerAdapters } from "./bottleneck.js";
import type { BottleneckConfig } from "./bottleneck-config.js";
import { AdapterLayerNorms } from "./layer-norms.js";

/** What a new adapter holds besides its head. */
export interface AdapterSpec {
  readonly bottleneck: BottleneckConfig | null;
  readonly layerNorms: boolean;
  readonly head: HeadConfig;
}

/** What `kit.adapters()` lists. */
export interface AdapterInfo {
  readonly name: string;
  /** houlsby / pfeiffer / custom for a bottleneck adapter; layernorm-only or head-only otherwise. */
  readonly kind: string;
  readonly head: HeadConfig["kind"];
  readonly labels: readonly string[];
  readonly parameters: number;
  readonly bytes: number; // float32 in memory
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Adapter names are plain names: letters, digits, "_", "-", "." (not first), so a name is also a safe folder name. */
export function checkAdapterName(name: string): string {
  if (typeof name !== "string" || !NAME.test(name) || name.length > 128) {
    throw new ConfigError(`adapter: expected a name of letters, digits, "_", "-" or "." (not first), at most 128 characters, got ${JSON.stringify(name)}`);
  }
  return name;
}

export class Adapter extends Module implements Insertions {
  readonly bottleneck: LayerAdapters | null;
  readonly layerNorms: AdapterLayerNorms | null;
  readonly head: TaskHead;

  /** A new adapter over `base`: bottlenecks drawn from rng, LayerNorms copied from the base, a fresh head. */
  constructor(
    e: Engine,
    readonly name: string,
    base: BertModel,
    readonly spec: AdapterSpec,
    rng: { bottleneck: Rng; head: Rng },
  ) {
    super();
    checkAdapterName(name);
    const c = base.config;
    this.bottleneck = spec.bottleneck ? this.child("bottleneck", new LayerAdapters(e, spec.bottleneck, c.hiddenSize, c.numLayers, rng.bottleneck)) : null;
    this.layerNorms = spec.layerNorms ? this.child("layerNorms", new AdapterLayerNorms(e, base)) : null;
    this.head = this.child("head", new TaskHead(e, spec.head, c.hiddenSize, rng.head, c.initializerRange));
  }

  at(layer: number, point: InsertionPointName): Insertion | null {
    return this.bottleneck?.at(layer, point) ?? null;
  }

  norm(site: NormSite): LayerNorm | null {
    return this.layerNorms?.at(site) ?? null;
  }

  info(): AdapterInfo {
    const parameters = this.parameters().reduce((n, t) => n + t.size, 0);
    const kind = this.spec.bottleneck ? this.spec.bottleneck.preset : this.spec.layerNorms ? "layernorm-only" : "head-only";
    return { name: this.name, kind, head: this.spec.head.kind, labels: this.spec.head.labels, parameters, bytes: 4 * parameters };
  }
}
