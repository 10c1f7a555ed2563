// The server's Prometheus metrics (prom-client), served at /metrics: requests and latency per route and
// status, batch sizes in rows and tokens, queue depth, adapters loaded, loads, evictions, and requests per adapter.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: "adapterkit_http_requests_total",
    help: "HTTP requests by route, method and status",
    labelNames: ["route", "method", "status"],
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: "adapterkit_http_request_duration_seconds",
    help: "HTTP request latency by route and status",
    labelNames: ["route", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly batchRows = new Histogram({ name: "adapterkit_batch_rows", help: "Rows (inputs) per forward", buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [this.registry] });
  readonly batchTokens = new Histogram({
    name: "adapterkit_batch_tokens",
    help: "Padded tokens per forward",
    buckets: [64, 128, 256, 512, 1024, 2048, 4096, 8192],
    registers: [this.registry],
  });
  readonly batchCalls = new Histogram({
    name: "adapterkit_batch_requests",
    help: "Requests served by one batch",
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers: [this.registry],
  });
  readonly batchAdapters = new Histogram({
    name: "adapterkit_batch_adapters",
    help: "Distinct adapters in one batch",
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({ name: "adapterkit_queue_depth", help: "Requests waiting for a batch", registers: [this.registry] });
  readonly adaptersLoaded = new Gauge({ name: "adapterkit_adapters_loaded", help: "Adapters in memory", registers: [this.registry] });
  readonly adapterLoads = new Counter({ name: "adapterkit_adapter_loads_total", help: "Adapter loads from the store", registers: [this.registry] });
  readonly adapterEvictions = new Counter({ name: "adapterkit_adapter_evictions_total", help: "Adapters evicted by the LRU", registers: [this.registry] });
  readonly adapterRequests = new Counter({
    name: "adapterkit_adapter_requests_total",
    help: "Prediction requests per adapter",
    labelNames: ["adapter"],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "adapterkit_" });
  }
}
