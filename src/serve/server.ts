// adapterkit serve, put together: the model worker (base + adapters, off the event loop), the adapter store
// and registry, the batcher, the metrics and the HTTP app; listen; and a shutdown that stops accepting,
// finishes what is queued and in flight, then stops the worker.
import type { FastifyInstance } from "fastify";
import type { BackendChoice, LinearPrecision } from "../kernels/index.js";
import { buildApp, type AppOptions } from "./app.js";
import { Batcher, type BatchingMode } from "./batcher.js";
import { ServerMetrics } from "./metrics.js";
import { ModelWorker } from "./model-worker.js";
import { AdapterRegistry } from "./registry.js";
import { AdapterStore } from "./store.js";

export interface ServeOptions extends Omit<AppOptions, "logger"> {
  modelDir: string;
  store: string | null;
  named: ReadonlyMap<string, string>;
  host: string;
  port: number;
  backend: BackendChoice;
  lowercase?: boolean;
  /** How the base's Linear weights run (AdapterKit's LoadOptions.precision); default fp32. */
  precision?: LinearPrecision;
  maxAdapters: number;
  maxWaitMs: number;
  maxBatchTokens: number;
  maxSeqLength: number;
  batching: BatchingMode;
  logger: boolean;
  log(line: string): void;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** Stops accepting, answers everything queued and in flight, stops the worker. */
  close(): Promise<void>;
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const store = new AdapterStore(o.store, o.named); // a bad store path fails before the model loads
  const started = await ModelWorker.start({ modelDir: o.modelDir, backend: o.backend, lowercase: o.lowercase, precision: o.precision });
  const { worker } = started;
  for (const line of started.notices) o.log(line);
  const metrics = new ServerMetrics();
  const registry = new AdapterRegistry(worker, store, o.maxAdapters, metrics);
  const batcher = new Batcher(worker, { mode: o.batching, maxWaitMs: o.maxWaitMs, maxBatchTokens: o.maxBatchTokens, maxSeqLength: o.maxSeqLength }, metrics);
  const app = await buildApp(o, { batcher, registry, metrics, ready: () => worker.alive });
  const url = await app.listen({ host: o.host, port: o.port });
  o.log(
    `serving ${o.modelDir} (${started.model.modelType}, ${started.model.layers} layers, hidden ${started.model.hidden}; kernels: ${started.kernels}, ${started.model.precision}) at ${url}; adapters from ${o.store ?? "(no store)"}${o.named.size ? ` and ${[...o.named.keys()].join(", ")}` : ""}; batching ${o.batching}, max wait ${o.maxWaitMs} ms, ${o.maxBatchTokens} tokens per batch, at most ${o.maxAdapters} adapters in memory`,
  );
  let closing: Promise<void> | null = null;
  return {
    app,
    url,
    close: () => {
      closing ??= (async () => {
        await app.close(); // stops accepting; waits for the requests in flight, which wait on the batcher
        await batcher.drain();
        await worker.close();
      })();
      return closing;
    },
  };
}
