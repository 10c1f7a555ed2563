// Any number of named adapters over one base. The set only holds them: which adapter a row runs is chosen
// per forward (Routing), so nothing here is "active" and no adapter can leak into another's rows.
import { ConfigError } from "../errors.js";
import { checkAdapterName, type Adapter, type AdapterInfo } from "./adapter.js";

export class AdapterSet {
  private readonly adapters = new Map<string, Adapter>();

  /** Adds (or, with replace, swaps in) an adapter under its own name. */
  add(adapter: Adapter, options: { replace?: boolean } = {}): void {
    checkAdapterName(adapter.name);
    if (this.adapters.has(adapter.name) && !options.replace) {
      throw new ConfigError(`adapter "${adapter.name}": expected a new name, got one that is loaded; hint: unload it first`);
    }
    this.adapters.set(adapter.name, adapter);
  }

  remove(name: string): void {
    this.get(name);
    this.adapters.delete(name);
  }

  has(name: string): boolean {
    return this.adapters.has(name);
  }

  get(name: string): Adapter {
    const adapter = this.adapters.get(name);
    if (!adapter) throw new ConfigError(`adapter: unknown adapter ${JSON.stringify(name)}; expected one of ${[...this.adapters.keys()].join(", ") || "(none loaded)"}`);
    return adapter;
  }

  names(): string[] {
    return [...this.adapters.keys()];
  }

  info(): AdapterInfo[] {
    return [...this.adapters.values()].map((a) => a.info());
  }
}
