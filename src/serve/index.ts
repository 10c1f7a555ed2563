// adapterkit serve: an HTTP server over the library, batching requests across adapters.
export { buildApp, type AppDeps, type AppOptions } from "./app.js";
export { Batcher, BATCHING_MODES, type BatcherOptions, type BatchingMode } from "./batcher.js";
export { HttpError } from "./http-error.js";
export { ServerMetrics } from "./metrics.js";
export { ModelWorker } from "./model-worker.js";
export { AdapterRegistry } from "./registry.js";
export { startServer, type RunningServer, type ServeOptions } from "./server.js";
export { AdapterStore } from "./store.js";
