// npm run bench:serve: adapterkit serve under load on loopback (autocannon, bounded in time), for the shipped
// mini BERT and a BERT-base-size model (random weights), with 1, 16 and 256 adapters (random weights, chosen
// uniformly per request), each with cross-adapter batching, batching within one adapter, and no batching; one
// SST-2 dev sentence per request, 64 concurrent clients. Prints sentences/s and p50/p95/p99 latency, the
// server's batch shape (requests per batch, rows and padded tokens per forward), and the library's offline
// throughput at that shape (predictCalls on as many sentences, on one adapter) as the ceiling.
// Not a test: nothing asserts on time. Never two timed things at once: the ceiling runs after the server stops.
import autocannon from "autocannon";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Adapter, bottleneckConfig, saveAdapter } from "../src/adapters/index.js";
import { AdapterKit } from "../src/api/index.js";
import { readGlue } from "../src/data/index.js";
import { headConfig } from "../src/heads/index.js";
import { writeInitialisedModel } from "../src/models/index.js";
import { Rng } from "../src/rng.js";
import { spawnServe } from "../scripts/scale-out.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DATA = join(ROOT, "data"); // the repository's slices: SST-2 dev and the vocab
const WORK = join(tmpdir(), "adapterkit-bench-serve");
const CONNECTIONS = 64;
const COUNTS = [1, 16, 256];
const MODES = ["cross", "adapter", "none"] as const;
const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--model="))?.slice(8);

const sentences = readGlue({ dataDir: join(DATA, "glue"), task: "SST-2", split: "dev" }).examples.map((x) => x.textA);

interface ModelPlan { id: string; dir: () => Promise<string>; bottleneck: number; seconds: number }
const MODELS: ModelPlan[] = [
  { id: "mini", dir: async () => join(ROOT, "models/mini-bert-uncased"), bottleneck: 64, seconds: quick ? 3 : 8 },
  {
    id: "bert-base", bottleneck: 16, seconds: quick ? 4 : 15,
    dir: async () => {
      const dir = join(WORK, "bert-base-random");
      if (!existsSync(join(dir, "config.json"))) {
        await writeInitialisedModel(dir, { vocab: join(DATA, "vocab/bert-base-uncased/vocab.txt"), layers: 12, hidden: 768, heads: 12, maxPositions: 512, lowercase: true, seed: 1 });
      }
      return dir;
    },
  },
];

/** 256 adapters with random weights (std 1e-2, so they differ) over the model, written once. */
async function makeStore(kit: AdapterKit, plan: ModelPlan): Promise<string> {
  const store = join(WORK, `store-${plan.id}`);
  if (existsSync(join(store, `a${COUNTS.at(-1)! - 1}`, "head_config.json"))) return store;
  rmSync(store, { recursive: true, force: true });
  mkdirSync(store, { recursive: true });
  const c = kit.config;
  const bottleneck = bottleneckConfig("houlsby", { bottleneckSize: plan.bottleneck, initScale: 1e-2 }, c.hiddenSize, c.numLayers);
  const head = headConfig("classification", ["negative", "positive"], 0.1, "mean", false);
  for (let i = 0; i < Math.max(...COUNTS); i++) {
    const rng = new Rng(1000 + i);
    const adapter = new Adapter(kit.engine, `a${i}`, kit.base, { bottleneck, layerNorms: true, head }, { bottleneck: rng.fork("adapter"), head: rng.fork("head") });
    await saveAdapter(join(store, `a${i}`), adapter, c);
  }
  return store;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function metricSum(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(text.split("\n").find((l) => l.startsWith(`${name} `))?.split(" ").at(-1) ?? Number.NaN);
}

interface Row { model: string; mode: string; adapters: number; sps: number; p50: number; p95: number; p99: number; errors: number; healthMax: number; calls: number; rows: number; tokens: number }

async function load(url: string, adapters: number, seconds: number): Promise<{ sps: number; p50: number; p95: number; p99: number; errors: number; healthMax: number }> {
  const rng = new Rng(adapters);
  const latencies: number[] = [];
  let errors = 0;
  // /health every 250 ms while the model is saturated: how long the event loop makes it wait
  const health: number[] = [];
  const probe = setInterval(() => {
    const start = performance.now();
    void fetch(`${url}/health`).then(async (res) => { await res.arrayBuffer(); health.push(performance.now() - start); });
  }, 250);
  const options: autocannon.Options = {
    url, connections: CONNECTIONS, duration: seconds,
    requests: [{
      method: "POST", headers: { "content-type": "application/json" },
      setupRequest: (req) => ({ ...req, path: `/v1/adapters/a${rng.int(adapters)}/predict`, body: JSON.stringify({ inputs: [sentences[rng.int(sentences.length)]] }) }),
    }],
  };
  const result = await new Promise<autocannon.Result>((ok, fail) => {
    const instance = autocannon(options, (err, res) => (err ? fail(err) : ok(res)));
    instance.on("response", (_client, status, _bytes, time) => {
      if (status === 200) latencies.push(time);
      else errors++;
    });
  });
  clearInterval(probe);
  latencies.sort((a, b) => a - b);
  return {
    sps: latencies.length / result.duration, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), errors: errors + result.errors,
    healthMax: Math.max(...health),
  };
}

/** One request per adapter, 16 at a time, so every adapter is in memory before a measurement. */
async function warm(url: string, adapters: number): Promise<void> {
  for (let i = 0; i < adapters; i += 16) {
    await Promise.all(Array.from({ length: Math.min(16, adapters - i) }, async (_, k) => {
      const res = await fetch(`${url}/v1/adapters/a${i + k}/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ inputs: [sentences[k]] }) });
      if (res.status !== 200) throw new Error(`warm-up: a${i + k} answered ${res.status}: ${await res.text()}`);
    }));
  }
}

/**
 * The library alone at the server's batch shape: the worker got `calls` one-sentence requests per batch (and
 * cut them into forwards by length), so the ceiling runs predictCalls on as many, on one adapter; sentences/s.
 */
async function offlineCeiling(kit: AdapterKit, store: string, calls: number, seconds: number): Promise<number> {
  if (!kit.has("a0")) await kit.loadAdapter("a0", join(store, "a0"));
  const rng = new Rng(7);
  const n = Math.max(1, Math.round(calls));
  const batch = () => Array.from({ length: n }, () => ({ adapter: "a0", inputs: [sentences[rng.int(sentences.length)]] }));
  await kit.predictCalls(batch()); // warm
  let done = 0;
  const start = Date.now();
  while (Date.now() - start < seconds * 1000) {
    await kit.predictCalls(batch());
    done += n;
  }
  return done / ((Date.now() - start) / 1000);
}

const results: Row[] = [];
const ceilings = new Map<string, number>();
for (const plan of MODELS.filter((m) => !only || m.id === only)) {
  const dir = await plan.dir();
  const kit = await AdapterKit.load(dir, { log: () => {} });
  const store = await makeStore(kit, plan);
  let shapeAtOne = { calls: 1, rows: 1, tokens: 0 };
  for (const mode of MODES) {
    const server = await spawnServe(["--model", dir, "--adapters", store, "--max-adapters", "256", "--batching", mode]);
    for (const adapters of COUNTS) {
      await warm(server.url, adapters); // every adapter loaded before the clock starts
      const names = ["adapterkit_batch_rows_sum", "adapterkit_batch_rows_count", "adapterkit_batch_tokens_sum", "adapterkit_batch_requests_sum", "adapterkit_batch_requests_count"];
      const before = await Promise.all(names.map((n) => metricSum(server.url, n)));
      const r = await load(server.url, adapters, plan.seconds);
      const [rows, forwards, tokens, calls, batches] = (await Promise.all(names.map((n) => metricSum(server.url, n)))).map((v, i) => v - before[i]);
      const shape = { calls: calls / batches, rows: rows / forwards, tokens: tokens / forwards };
      if (mode === "cross" && adapters === 1) shapeAtOne = shape;
      results.push({ model: plan.id, mode, adapters, ...r, ...shape });
      console.error(`${plan.id} ${mode} ${adapters}: ${r.sps.toFixed(1)} sentences/s, p50 ${r.p50.toFixed(0)} ms, batch ${shape.rows.toFixed(1)} rows`);
    }
    await server.stop();
  }
  ceilings.set(plan.id, await offlineCeiling(kit, store, shapeAtOne.calls, plan.seconds));
}

console.log(`bench:serve — ${new Date().toISOString().slice(0, 10)}, loopback, autocannon ${CONNECTIONS} connections, one SST-2 dev sentence per request, adapter uniform per request`);
console.log("model      batching  adapters  sentences/s   p50 ms  p95 ms  p99 ms  errors  /health max ms  requests/batch  rows, tokens/forward");
for (const r of results) {
  const ms = (x: number): string => x.toFixed(0).padStart(6);
  console.log(`${r.model.padEnd(10)} ${r.mode.padEnd(9)} ${String(r.adapters).padStart(8)}  ${r.sps.toFixed(1).padStart(11)}  ${ms(r.p50)}  ${ms(r.p95)}  ${ms(r.p99)}  ${String(r.errors).padStart(6)}  ${r.healthMax.toFixed(1).padStart(14)}  ${r.calls.toFixed(1).padStart(14)}  ${r.rows.toFixed(1)}, ${r.tokens.toFixed(0)}`);
}
for (const [model, ceiling] of ceilings) {
  const at = (mode: string, n: number): Row | undefined => results.find((r) => r.model === model && r.mode === mode && r.adapters === n);
  const one = at("cross", 1);
  const many = at("cross", 256);
  const perAdapter = at("adapter", 256);
  console.log(`${model}: offline ceiling at the server's batch shape (${one?.calls.toFixed(1)} sentences per batch, cut by length) ${ceiling.toFixed(1)} sentences/s; server at 1 adapter ${((one?.sps ?? 0) / ceiling).toFixed(2)}x of it; 256 adapters ${((many?.sps ?? 0) / (one?.sps ?? 1)).toFixed(2)}x of 1; cross-adapter over per-adapter batching at 256 adapters ${((many?.sps ?? 0) / (perAdapter?.sps ?? 1)).toFixed(2)}x`);
}
