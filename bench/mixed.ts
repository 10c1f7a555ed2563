// npm run bench:mixed: what mixing adapters in one batch costs. BERT-base (random weights), batch 32 x 64,
// no-grad forward through Houlsby adapters (m = 64, with their LayerNorm copies and a classification head):
// the whole batch on one adapter, then 8 and 32 distinct adapters spread over its rows, and the plain base
// for reference. Configurations take turns round by round, so drift in the machine's speed hits them alike;
// each prints the median tokens/s and its ratio to one adapter. Not a test: nothing asserts on time.
import { Adapter, bottleneckConfig, forwardAdapters } from "../src/adapters/index.js";
import { Engine } from "../src/autograd/index.js";
import { headConfig } from "../src/heads/index.js";
import { backendChoiceFromEnv, loadBackend } from "../src/kernels/index.js";
import { BertModel, fromHfConfig, type EncoderInput } from "../src/models/index.js";
import { Rng } from "../src/rng.js";
import { median } from "./stats.js";
import { bertBaseConfig } from "./bert-base-config.js";

const BERT_BASE = bertBaseConfig("gelu");
const B = 32;
const T = 64;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ADAPTER_COUNTS = [1, 8, 32];

const backend = loadBackend(backendChoiceFromEnv(process.env.ADAPTERKIT_BACKEND), (line) => console.error(line));
const engine = new Engine({ backend });
const config = fromHfConfig(BERT_BASE, "bench BERT-base");
const base = new BertModel(engine, config, { seed: 1 });
for (const t of base.parameters()) t.requiresGrad = false;
const head = headConfig("classification", ["negative", "positive"], 0.1, "mean");
const bottleneck = bottleneckConfig("houlsby", {}, config.hiddenSize, config.numLayers);
const adapters = Array.from({ length: Math.max(...ADAPTER_COUNTS) }, (_, i) => {
  const rng = new Rng(100 + i);
  return new Adapter(engine, `a${i}`, base, { bottleneck, layerNorms: true, head }, { bottleneck: rng.fork("adapter"), head: rng.fork("head") });
});

const rng = new Rng(7);
const input: EncoderInput = {
  ids: Int32Array.from({ length: B * T }, (_, i) => (i % T === 0 ? 101 : i % T === T - 1 ? 102 : 1000 + rng.int(29000))),
  typeIds: new Int32Array(B * T), attentionMask: new Int32Array(B * T).fill(1), batchSize: B, seqLength: T,
};
const ctx = { training: false, rng: new Rng(0) };

/** Seconds for one forward; n adapters, each on a contiguous block of rows (as the kit and server order them); 0: the plain base. */
function forwardSeconds(n: number): number {
  const rows = Array.from({ length: B }, (_, b) => adapters[Math.floor((b * n) / B)]);
  const start = process.hrtime.bigint();
  engine.noGrad(() => {
    if (n === 0) base.forward(input, ctx);
    else forwardAdapters(base, input, rows, ctx);
  });
  engine.release();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const configs = [0, ...ADAPTER_COUNTS];
const times = new Map<number, number[]>(configs.map((n) => [n, []]));
for (const n of configs) forwardSeconds(n); // warm-up: buffer pool, OpenBLAS threads
for (let round = 0; round < ROUNDS; round++) {
  for (const n of configs) times.get(n)?.push(forwardSeconds(n));
}

const tps = (n: number): number => (B * T) / median(times.get(n) ?? []);
console.log(`bench:mixed — BERT-base forward, batch ${B} x ${T}, Houlsby m = 64 adapters with LayerNorms and heads, ${backend.name} kernels, median of ${ROUNDS} rounds (${new Date().toISOString().slice(0, 10)})`);
console.log("adapters in batch   tokens/s   vs one adapter");
for (const n of configs) {
  const label = n === 0 ? "none (plain base)" : String(n);
  console.log(`${label.padEnd(19)} ${tps(n).toFixed(0).padStart(8)}   ${(tps(n) / tps(1)).toFixed(3)}x`);
}
