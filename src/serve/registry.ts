// Which adapters are in the worker's memory: loaded lazily on first request (once, however many requests for
// a new adapter arrive together), kept in least-recently-used order, at most maxAdapters of them; an adapter
// with calls queued or running is never evicted (the limit may be exceeded until they finish). A folder
// that fails to load fails the requests for that adapter only, with a 500 naming the file.
import type { AdapterInfo } from "../adapters/index.js";
import { HttpError } from "./http-error.js";
import type { ServerMetrics } from "./metrics.js";
import type { ModelWorker } from "./model-worker.js";
import type { AdapterStore } from "./store.js";

interface Entry {
  info: AdapterInfo;
  lastUsed: number;
  inUse: number;
}

export class AdapterRegistry {
  private readonly loaded = new Map<string, Entry>(); // insertion order refreshed on use: the first is the LRU
  private readonly loading = new Map<string, Promise<AdapterInfo>>();

  constructor(
    private readonly worker: ModelWorker,
    private readonly store: AdapterStore,
    private readonly maxAdapters: number,
    private readonly metrics: ServerMetrics,
  ) {}

  /** The folder of `name` (400 for a name that is not plain, 404 for none). */
  folder(name: string): string {
    return this.store.folder(name);
  }

  /** Loads `name` unless loaded, marks it in use until release(name); returns its info. */
  async acquire(name: string): Promise<AdapterInfo> {
    const entry = this.loaded.get(name);
    if (entry) {
      this.touch(name, entry);
      entry.inUse++;
      return entry.info;
    }
    const info = await this.load(name, false);
    const loadedEntry = this.loaded.get(name);
    if (loadedEntry) loadedEntry.inUse++;
    return info;
  }

  release(name: string): void {
    const entry = this.loaded.get(name);
    if (entry && entry.inUse > 0) entry.inUse--;
    void this.evictOverLimit();
  }

  /** Loads (or, with reload, re-reads) `name` from the store; concurrent calls share one load. */
  load(name: string, reload: boolean): Promise<AdapterInfo> {
    const dir = this.store.folder(name); // 400/404 before anything is read
    const running = this.loading.get(name);
    if (running) return running;
    if (!reload) {
      const entry = this.loaded.get(name);
      if (entry) return Promise.resolve(entry.info);
    }
    const promise = this.worker
      .load(name, dir)
      .then(
        (info) => {
          const inUse = this.loaded.get(name)?.inUse ?? 0;
          this.loaded.delete(name);
          this.loaded.set(name, { info, lastUsed: Date.now(), inUse });
          this.metrics.adapterLoads.inc();
          this.metrics.adaptersLoaded.set(this.loaded.size);
          void this.evictOverLimit();
          return info;
        },
        (err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          throw new HttpError(500, "adapter_load_failed", message.includes(`"${name}"`) ? message : `adapter "${name}": ${message}`);
        },
      )
      .finally(() => this.loading.delete(name));
    this.loading.set(name, promise);
    return promise;
  }

  async unload(name: string): Promise<boolean> {
    this.store.folder(name);
    if (!this.loaded.has(name)) return false;
    this.loaded.delete(name);
    await this.worker.unload(name);
    this.metrics.adaptersLoaded.set(this.loaded.size);
    return true;
  }

  /** Every adapter the store offers, loaded or not, with what is known of each. */
  list(): { name: string; loaded: boolean; lastUsed: string | null; info: AdapterInfo | null }[] {
    const names = new Set([...this.store.names(), ...this.loaded.keys()]);
    return [...names].sort().map((name) => {
      const entry = this.loaded.get(name);
      return { name, loaded: entry !== undefined, lastUsed: entry ? new Date(entry.lastUsed).toISOString() : null, info: entry?.info ?? null };
    });
  }

  get size(): number {
    return this.loaded.size;
  }

  private touch(name: string, entry: Entry): void {
    entry.lastUsed = Date.now();
    this.loaded.delete(name);
    this.loaded.set(name, entry);
  }

  private async evictOverLimit(): Promise<void> {
    for (const [name, entry] of this.loaded) {
      if (this.loaded.size <= this.maxAdapters) return;
      if (entry.inUse > 0 || this.loading.has(name)) continue;
      this.loaded.delete(name);
      this.metrics.adapterEvictions.inc();
      this.metrics.adaptersLoaded.set(this.loaded.size);
      await this.worker.unload(name);
    }
  }
}
