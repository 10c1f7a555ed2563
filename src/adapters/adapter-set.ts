// Several named adapters over one base model. The set is the model's insertion provider: each forward pass
// runs the active adapter (or none), and adapters are added, removed, saved and loaded by name without
// touching the base weights.
import type { Engine } from "../autograd/index.js";
import { ConfigError } from "../errors.js";
import type { Insertion, InsertionPointName, InsertionProvider } from "../nn/index.js";
import { Rng } from "../rng.js";
import { LayerAdapters } from "./bottleneck.js";
import type { BottleneckConfig } from "./bottleneck-config.js";

export class AdapterSet implements InsertionProvider {
  private readonly adapters = new Map<string, LayerAdapters>();
  /** The adapter the next forward pass runs; null runs the plain base model. */
  active: string | null = null;

  constructor(private readonly engine: Engine, readonly hiddenSize: number, readonly numLayers: number) {}

  add(name: string, config: BottleneckConfig, seed = 0): LayerAdapters {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new ConfigError(`adapter: expected a name of letters, digits, "_" or "-", got "${name}"`);
    if (this.adapters.has(name)) throw new ConfigError(`adapter: expected a new name, got "${name}", which exists; remove it first`);
    const adapter = new LayerAdapters(this.engine, config, this.hiddenSize, this.numLayers, new Rng(seed));
    this.adapters.set(name, adapter);
    return adapter;
  }

  remove(name: string): void {
    this.get(name);
    this.adapters.delete(name);
    if (this.active === name) this.active = null;
  }

  get(name: string): LayerAdapters {
    const adapter = this.adapters.get(name);
    if (!adapter) throw new ConfigError(`adapter: unknown adapter "${name}"; expected one of ${[...this.adapters.keys()].join(", ") || "(none loaded)"}`);
    return adapter;
  }

  names(): string[] {
    return [...this.adapters.keys()];
  }

  activate(name: string | null): void {
    if (name !== null) this.get(name);
    this.active = name;
  }

  at(layer: number, point: InsertionPointName): Insertion | null {
    return this.active === null ? null : this.get(this.active).at(layer, point);
  }
}
