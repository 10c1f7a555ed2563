// `npm run bench`: BERT-base with Houlsby adapters (m = 64), AdapterKit next to PyTorch on the same CPU, the
// same weights and the same batches, in one run (machines are noisy: compare ratios, not absolute figures).
//
// What runs: for each shape (B x T: 8x128, 32x64, 2x512) and each mode
//   forward   inference, no gradient, dropout off (adapters active)
//   adapters  one training step: forward + backward + clip + AdamW; adapters, every LayerNorm and the head
//             train, everything else frozen (applyTrainMode "adapters", as adapter-bert)
//   full      one training step of plain BERT (no adapters), every parameter trains
// AdapterKit runs in one child process per (shape, mode) and PyTorch (bench/bert_base_torch.py, Debian's
// python3-torch with OMP_WAIT_POLICY=PASSIVE and 2 threads) in another, one after the other, never at once,
// so each process's peak resident memory (maxRSS) is that mode's alone. tokens/s = B·T / median step time.
//
// Same weights: one child builds the model from fixed seeds and writes it with saveHfModel (Hugging Face
// names, adapters under AdapterHub names, the head as classifier.*) into a temp dir; PyTorch reads that file.
// AdapterKit's children rebuild the model from the same seeds (no 440 MB file copy in their peak memory) and
// check a fingerprint of the weights. Same maths: the forward loss (dropout off) and, for the training
// modes, the loss and gradient norm of the first warm-up step (dropout off) are printed for both sides.
//
// Flags (after `npm run bench --`):
//   --profile[=adapters|forward|full]  time every kernel call of a few steps (8x128, or the first of --shapes)
//                                      by kernel, the JS side (step time minus kernel time) and the memory,
//                                      then PyTorch's op table for the same step (torch.autograd.profiler);
//                                      nothing else runs
//   --shapes 8x128,32x64               only these shapes      --modes forward,adapters   only these modes
//   --quick                            fewer timed steps      --no-torch                 AdapterKit only
//   --precision fp32,bf16              the precisions to run (default both, bf16 where the CPU has AVX-512 BF16).
//                                      bf16 rows (forward and adapters; full stays fp32): AdapterKit's frozen base
//                                      packed once in bf16, its fp32 weights dropped, as AdapterKit.load does;
//                                      PyTorch runs under torch.autocast("cpu", dtype=torch.bfloat16).
//                                      --profile profiles the first precision listed
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Adapter, bottleneckConfig, toAdapterHubNames } from "../src/adapters/index.js";
import { Engine } from "../src/autograd/index.js";
import { headConfig, type Labels } from "../src/heads/index.js";
import type { TensorRecord } from "../src/io/index.js";
import { loadBackend, loadNativeGemm, type Backend } from "../src/kernels/index.js";
import { BertModel, fromHfConfig, saveHfModel, type BertConfig, type EncoderInput } from "../src/models/index.js";
import { Rng } from "../src/rng.js";
import { Adam, applyTrainMode, clipGradNorm, TaskModel, type NamedTensor } from "../src/train/index.js";
import { median } from "./stats.js";
import { bertBaseConfig, randomTokenIds } from "./bert-base-config.js";

type Mode = "forward" | "adapters" | "full";
const MODES: readonly Mode[] = ["forward", "adapters", "full"];

interface Shape {
  B: number;
  T: number;
}

/** Warm-up and timed steps per mode; the main shape gets more, the others fewer to keep the run short. */
interface StepPlan {
  warmup: number;
  steps: Record<Mode, number>;
}

const MAIN_SHAPE: Shape = { B: 8, T: 128 };
const SHAPES: readonly Shape[] = [MAIN_SHAPE, { B: 32, T: 64 }, { B: 2, T: 512 }];
const MAIN_PLAN: StepPlan = { warmup: 2, steps: { forward: 6, adapters: 6, full: 3 } };
const OTHER_PLAN: StepPlan = { warmup: 2, steps: { forward: 3, adapters: 3, full: 1 } };
const QUICK_PLAN: StepPlan = { warmup: 1, steps: { forward: 2, adapters: 2, full: 1 } };
const PROFILE_WARMUP = 2;
const PROFILE_STEPS = 3;
const PROFILE_TORCH_STEPS = 2;

const BERT_BASE = bertBaseConfig("gelu_new"); // BERT's tanh GELU
const ADAPTER = "bench";
const BOTTLENECK = 64;
const LABELS = ["negative", "positive"];
const SEEDS = { encoder: 1, adapter: 2, head: 3, batches: 4, dropout: 5 };
const LR = 1e-4;
const CLIP_NORM = 1.0;
const WEIGHT_DECAY = 0.01;
const TORCH_THREADS = 2;

// ---- the model, identical in every AdapterKit process -------------------------------------------------
interface Built {
  config: BertConfig;
  encoder: BertModel;
  /** Houlsby adapters with their LayerNorm copies and the head; plain: the same head over plain BERT (full fine-tuning). */
  adapter: Adapter;
  plain: Adapter;
}

function build(engine: Engine): Built {
  const config = fromHfConfig(BERT_BASE, "bench BERT-base");
  const encoder = new BertModel(engine, config, { seed: SEEDS.encoder });
  const head = headConfig("classification", LABELS);
  const bottleneck = bottleneckConfig("houlsby", { bottleneckSize: BOTTLENECK }, config.hiddenSize, config.numLayers);
  const adapter = new Adapter(engine, ADAPTER, encoder, { bottleneck, layerNorms: true, head }, { bottleneck: new Rng(SEEDS.adapter), head: new Rng(SEEDS.head) });
  const plain = new Adapter(engine, "plain", encoder, { bottleneck: null, layerNorms: false, head }, { bottleneck: new Rng(0), head: new Rng(SEEDS.head) });
  return { config, encoder, adapter, plain };
}

/** Sum and sum of |x| over every weight, in a fixed order: equal in two processes only for equal weights. */
function fingerprint(b: Built): string {
  let sum = 0;
  let abs = 0;
  const all = [...b.encoder.namedParameters(), ...(b.adapter.bottleneck?.namedParameters() ?? []), ...b.adapter.head.namedParameters()];
  for (const [, t] of all) {
    const d = t.data;
    for (let i = 0; i < d.length; i++) {
      sum += d[i];
      abs += Math.abs(d[i]);
    }
  }
  return `${sum.toExponential(12)}/${abs.toExponential(12)}`;
}

const shapeKey = (s: Shape): string => `${s.B}x${s.T}`;

interface BatchJson {
  ids: number[];
  labels: number[];
}

/** [CLS] random word pieces [SEP], no padding; labels 0/1. */
function makeBatch(s: Shape, vocab: number, rng: Rng): BatchJson {
  const ids = randomTokenIds(s.B, s.T, vocab, rng);
  return { ids, labels: Array.from({ length: s.B }, () => rng.int(2)) };
}

/** Child "prepare": writes config.json + model.safetensors (base, adapter, head) and batches.json. */
async function prepare(dir: string): Promise<void> {
  const engine = new Engine({ backend: loadBackend("native") });
  const b = build(engine);
  const f32 = (name: string, shape: readonly number[], data: Float32Array): TensorRecord => ({ name, dtype: "F32", shape: [...shape], data });
  const extra: TensorRecord[] = [
    ...(b.adapter.bottleneck?.namedParameters() ?? []).map(([n, t]) => f32(toAdapterHubNames(b.config.modelType, ADAPTER, n)[0], t.shape, Float32Array.from(t.data))),
    ...b.adapter.head.namedParameters().map(([n, t]) => f32(n, t.shape, Float32Array.from(t.data))),
  ];
  await saveHfModel(dir, b.encoder, b.config, { extra, metadata: { adapter: ADAPTER } });
  const rng = new Rng(SEEDS.batches);
  const batches: Record<string, BatchJson> = {};
  for (const s of SHAPES) batches[shapeKey(s)] = makeBatch(s, b.config.vocabSize, rng);
  writeFileSync(join(dir, "batches.json"), JSON.stringify(batches));
  writeFileSync(join(dir, "fingerprint.txt"), fingerprint(b));
  console.log(JSON.stringify({ fingerprint: fingerprint(b) }));
}

// ---- kernel profiler -----------------------------------------------------------------------------------
interface KernelStat {
  calls: number;
  ns: bigint;
  flops: number;
}

/**
 * A Backend whose every kernel is the given one's, timed with process.hrtime.bigint and accumulated by kernel
 * name (matmul split into its three Linear roles and by shape) and by the step phase the caller sets.
 */
class KernelProfiler {
  readonly byKernel = new Map<string, KernelStat>();
  readonly matmulByShape = new Map<string, KernelStat>();
  readonly kernelNsByPhase = new Map<string, bigint>();
  phase = "setup";
  enabled = false;

  wrap(inner: Backend): Backend {
    const wrapped: Record<string, unknown> = { name: inner.name };
    for (const key of Object.keys(inner) as (keyof Backend)[]) {
      if (key === "name") continue;
      const fn = inner[key] as unknown as (...args: unknown[]) => unknown;
      wrapped[key] = (...args: unknown[]): unknown => {
        if (!this.enabled) return fn(...args);
        const start = process.hrtime.bigint();
        const value = fn(...args); // allocate, packedLinearBytes and linearKernel return one
        this.add(key, args, process.hrtime.bigint() - start);
        return value;
      };
    }
    return wrapped as unknown as Backend;
  }

  reset(): void {
    this.byKernel.clear();
    this.matmulByShape.clear();
    this.kernelNsByPhase.clear();
  }

  private add(key: string, args: unknown[], ns: bigint): void {
    let label = key;
    let flops = 0;
    if (key === "linearPacked" || key === "linearPackedTransposed") {
      const [M, N, K, precision] = args.slice(key === "linearPacked" ? 4 : 3) as [number, number, number, string];
      flops = 2 * M * N * K;
      label = `${key === "linearPacked" ? "linear fwd" : "linear dX"} ${precision}`;
    } else if (key === "matmul") {
      const [, , , batch, M, N, K, transA, transB, beta] = args as [unknown, unknown, unknown, number, number, number, number, boolean, boolean, number];
      flops = 2 * batch * M * N * K;
      label = !transA && transB && beta === 0 ? "matmul fwd  x·Wᵀ" : !transA && !transB ? "matmul dX   dOut·W" : transA && !transB ? "matmul dW   dOutᵀ·x" : "matmul other";
      bump(this.matmulByShape, `${label.slice(7, 10).trim()} [${batch > 1 ? `${batch}x` : ""}${M}x${K}]·[${K}x${N}]`, ns, flops);
    } else if (key === "attentionForward" || key === "attentionBackward") {
      const [B, Tq, Tk, NH, HS] = args.slice(-6) as number[]; // both end with B, Tq, Tk, NH, HS, scale
      const gemms = key === "attentionForward" ? 2 : (args[2] !== null ? 1 : 0) + (args[0] !== null || args[1] !== null ? 1 : 0) + (args[0] !== null ? 1 : 0) + (args[1] !== null ? 1 : 0);
      flops = gemms * 2 * B * NH * Tq * Tk * HS;
    }
    bump(this.byKernel, label, ns, flops);
    this.kernelNsByPhase.set(this.phase, (this.kernelNsByPhase.get(this.phase) ?? 0n) + ns);
  }
}

function bump(map: Map<string, KernelStat>, label: string, ns: bigint, flops: number): void {
  const s = map.get(label) ?? { calls: 0, ns: 0n, flops: 0 };
  s.calls++;
  s.ns += ns;
  s.flops += flops;
  map.set(label, s);
}

// ---- one AdapterKit measurement (child "run") ----------------------------------------------------------
type Precision = "fp32" | "bf16";

interface RunArgs {
  dir: string;
  mode: Mode;
  shape: Shape;
  warmup: number;
  steps: number;
  profile: boolean;
  precision: Precision;
}

export interface SideResult {
  side: string;
  mode: Mode;
  B: number;
  T: number;
  stepSeconds: number[];
  /** forward: the loss with dropout off; training modes: the first warm-up step's, dropout off. */
  checkLoss: number;
  /** Gradient global norm (before clipping) of that step; null for forward. */
  checkGradNorm: number | null;
  maxRssMiB: number;
  /** CPU seconds per wall second over the timed steps: how many cores the process kept busy. */
  coresBusy: number;
  params: { total: number; trainable: number };
  setupSeconds: number;
  note?: string;
}

function toInput(batch: BatchJson, s: Shape): { input: EncoderInput; labels: Labels } {
  return {
    input: { ids: Int32Array.from(batch.ids), batchSize: s.B, seqLength: s.T },
    labels: { kind: "classes", ids: Int32Array.from(batch.labels) },
  };
}

const hr = (): bigint => process.hrtime.bigint();
const sec = (ns: bigint): number => Number(ns) / 1e9;

async function runChild(args: RunArgs): Promise<void> {
  const setupStart = hr();
  const profiler = args.profile ? new KernelProfiler() : null;
  const native = loadBackend("native");
  const engine = new Engine({ backend: profiler ? profiler.wrap(native) : native });
  const built = build(engine);
  const expected = readFileSync(join(args.dir, "fingerprint.txt"), "utf8");
  const got = fingerprint(built);
  if (got !== expected) throw new Error(`bench: expected the weights of the prepare step (fingerprint ${expected}), got ${got}`);
  const model = new TaskModel(built.encoder, args.mode === "full" ? built.plain : built.adapter); // full fine-tuning: plain BERT, no adapters
  const groups = model.parameterGroups();
  const all = [...groups.base, ...groups.adapters, ...groups.head];
  const trainable: NamedTensor[] = args.mode === "forward" ? [] : applyTrainMode(args.mode, groups);
  const bf16 = args.precision === "bf16" && args.mode !== "full";
  if (bf16) {
    if (args.mode === "forward") for (const [, t] of groups.base) t.requiresGrad = false; // adapters: applyTrainMode froze them
    built.encoder.packWeights("bf16", null, { dropFp32: true }); // as AdapterKit.load does
  }
  const params = trainable.map(([, t]) => t);
  const adam = new Adam(trainable, { variant: "torch", weightDecay: WEIGHT_DECAY });
  const batches = JSON.parse(readFileSync(join(args.dir, "batches.json"), "utf8")) as Record<string, BatchJson>;
  const { input, labels } = toInput(batches[shapeKey(args.shape)], args.shape);
  const rng = new Rng(SEEDS.dropout);
  const train = { training: true, rng };
  const evaluate = { training: false, rng };
  const setupSeconds = sec(hr() - setupStart);

  const setPhase = (p: string): void => {
    if (profiler) profiler.phase = p;
  };
  const phaseNs = new Map<string, bigint>();
  const timed = <T>(p: string, fn: () => T): T => {
    setPhase(p);
    const start = hr();
    const value = fn();
    phaseNs.set(p, (phaseNs.get(p) ?? 0n) + (hr() - start));
    return value;
  };

  // bytes the engine's buffer pool holds (activations, saved buffers, masks, intermediate gradients), as
  // they grow in the warm-up: after the forward and after the backward of the last step
  const pool = { forward: 0, backward: 0 };
  /** One step; returns the loss and (training) the gradient norm before clipping. */
  const step = (ctx: { training: boolean; rng: Rng }): { loss: number; norm: number | null } => {
    if (args.mode === "forward") {
      const loss = timed("forward", () => engine.noGrad(() => model.loss(model.forward(input, ctx), labels).item()));
      pool.forward = engine.pooledBytes;
      timed("release", () => engine.release());
      return { loss, norm: null };
    }
    timed("zeroGrad", () => { for (const p of params) p.zeroGrad(); });
    const lossTensor = timed("forward", () => model.loss(model.forward(input, ctx), labels));
    pool.forward = engine.pooledBytes;
    const loss = lossTensor.item();
    timed("backward", () => engine.backward(lossTensor));
    pool.backward = engine.pooledBytes;
    timed("release", () => engine.release());
    const norm = timed("clip", () => clipGradNorm(params, CLIP_NORM));
    timed("adam", () => adam.step(LR));
    return { loss, norm };
  };

  // warm-up: the first step with dropout off is the parity check against PyTorch
  const check = step(evaluate);
  const poolDropoutOff = { ...pool };
  for (let i = 1; i < args.warmup; i++) step(args.mode === "forward" ? evaluate : train);

  phaseNs.clear();
  let gcMs = 0;
  let gcCount = 0;
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      gcCount++;
    }
  });
  if (profiler) {
    gcObserver.observe({ entryTypes: ["gc"] });
    profiler.enabled = true;
  }
  const stepSeconds: number[] = [];
  const cpuStart = process.cpuUsage();
  const wallStart = hr();
  for (let i = 0; i < args.steps; i++) {
    const start = hr();
    step(args.mode === "forward" ? evaluate : train);
    stepSeconds.push(sec(hr() - start));
  }
  const cpu = process.cpuUsage(cpuStart);
  const coresBusy = (cpu.user + cpu.system) / 1e6 / sec(hr() - wallStart);
  if (profiler) {
    profiler.enabled = false;
    await new Promise((resolve) => setTimeout(resolve, 50)); // gc entries arrive asynchronously
    gcObserver.disconnect();
    printProfile(args, profiler, phaseNs, stepSeconds, { gcMs, gcCount }, coresBusy);
    const MiB = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
    const paramBytes = all.reduce((n, [, t]) => n + t.size * 4, 0);
    const trainBytes = params.reduce((n, t) => n + t.size * 4, 0);
    console.log(`\nmemory: parameters ${MiB(paramBytes)}; gradients of trainable ones ${MiB(trainBytes)}; Adam moments ${MiB(2 * trainBytes)}; peak RSS ${MiB(process.resourceUsage().maxRSS * 1024)}`);
    console.log(`  buffer pool (activations, saved buffers, masks, intermediate gradients; buffers return only at engine.release()):`
      + (args.mode === "forward" ? ` after a forward under noGrad ${MiB(engine.pooledBytes)} (nothing is freed before the forward ends)`
        : ` after the first forward (dropout off) ${MiB(poolDropoutOff.forward)}, after its backward ${MiB(poolDropoutOff.backward)}, after warm-up with dropout ${MiB(engine.pooledBytes)}`));
  }
  const size = (list: readonly NamedTensor[]): number => list.reduce((n, [, t]) => n + t.size, 0);
  const result: SideResult = {
    side: bf16 ? "adapterkit bf16" : "adapterkit", mode: args.mode, B: args.shape.B, T: args.shape.T, stepSeconds,
    checkLoss: check.loss, checkGradNorm: check.norm,
    maxRssMiB: process.resourceUsage().maxRSS / 1024, coresBusy,
    params: { total: size(all), trainable: size(trainable) }, setupSeconds,
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
}

// ---- profile report ------------------------------------------------------------------------------------
function printProfile(args: RunArgs, p: KernelProfiler, phaseNs: Map<string, bigint>, stepSeconds: number[], gc: { gcMs: number; gcCount: number }, coresBusy: number): void {
  const n = args.steps;
  const stepMs = (stepSeconds.reduce((a, b) => a + b, 0) / n) * 1e3;
  const perStep = (ns: bigint): number => Number(ns) / 1e6 / n;
  const kernelMs = [...p.byKernel.values()].reduce((a, s) => a + perStep(s.ns), 0);
  const { B, T } = args.shape;
  console.log(`\nProfile: AdapterKit "${args.mode}" step, batch ${B} x seq ${T}, mean of ${n} steps after ${args.warmup} warm-up (dropout 0.1)`);
  console.log(`step ${stepMs.toFixed(0)} ms = kernels ${kernelMs.toFixed(0)} ms (${pct(kernelMs, stepMs)}) + JS side ${(stepMs - kernelMs).toFixed(0)} ms (${pct(stepMs - kernelMs, stepMs)}); ${(B * T / stepMs * 1e3).toFixed(0)} tokens/s; ${coresBusy.toFixed(2)} cores busy on average`);
  console.log(`\n${"kernel".padEnd(24)}${"calls/step".padStart(11)}${"ms/step".padStart(10)}${"% step".padStart(8)}${"GFLOPS".padStart(8)}${"us/call".padStart(10)}`);
  const rows = [...p.byKernel.entries()].sort((a, b) => Number(b[1].ns - a[1].ns));
  for (const [name, s] of rows) {
    const ms = perStep(s.ns);
    const gflops = s.flops > 0 ? (s.flops / (Number(s.ns) / 1e9) / 1e9).toFixed(0) : "-";
    console.log(`${name.padEnd(24)}${(s.calls / n).toFixed(0).padStart(11)}${ms.toFixed(1).padStart(10)}${pct(ms, stepMs).padStart(8)}${gflops.padStart(8)}${(Number(s.ns) / 1e3 / s.calls).toFixed(0).padStart(10)}`);
  }
  console.log(`${"(JS side)".padEnd(24)}${"".padStart(11)}${(stepMs - kernelMs).toFixed(1).padStart(10)}${pct(stepMs - kernelMs, stepMs).padStart(8)}`);

  console.log(`\n${"phase".padEnd(12)}${"wall ms".padStart(10)}${"kernel ms".padStart(11)}${"JS ms".padStart(9)}`);
  for (const [phase, ns] of phaseNs) {
    const wall = perStep(ns);
    const k = perStep(p.kernelNsByPhase.get(phase) ?? 0n);
    console.log(`${phase.padEnd(12)}${wall.toFixed(1).padStart(10)}${k.toFixed(1).padStart(11)}${(wall - k).toFixed(1).padStart(9)}`);
  }
  const phaseTotal = [...phaseNs.values()].reduce((a, b) => a + perStep(b), 0);
  console.log(`${"(between)".padEnd(12)}${(stepMs - phaseTotal).toFixed(1).padStart(10)}`);

  // Dropout masks: one float per element, drawn per step (attention probabilities, attention and FFN outputs,
  // embeddings, the head's input) and kept until backward.
  const H = Number(BERT_BASE.hidden_size);
  const NH = Number(BERT_BASE.num_attention_heads);
  const L = Number(BERT_BASE.num_hidden_layers);
  const dropElems = args.mode === "forward" ? 0 : L * (B * NH * T * T + 2 * B * T * H) + B * T * H + B * H;
  if (dropElems > 0) {
    const where = p.byKernel.has("dropoutMask") ? `drawn by the "dropoutMask" kernel (${perStep(p.byKernel.get("dropoutMask")?.ns ?? 0n).toFixed(0)} ms/step)` : "drawn in TypeScript (part of the JS side)";
    console.log(`\ndropout masks: ${(dropElems / 1e6).toFixed(1)}M elements per step, ${where}, kept as float32 until backward: ${(dropElems * 4 / 2 ** 20).toFixed(0)} MiB`);
  }
  console.log(`garbage collection (part of the JS side) ${(gc.gcMs / n).toFixed(1)} ms/step (${(gc.gcCount / n).toFixed(1)} pauses/step)`);

  console.log(`\nmatmul by role and shape (per step; M x K times K x N)`);
  console.log(`${"role shape".padEnd(34)}${"calls".padStart(7)}${"ms".padStart(9)}${"GFLOPS".padStart(8)}`);
  for (const [name, s] of [...p.matmulByShape.entries()].sort((a, b) => Number(b[1].ns - a[1].ns))) {
    console.log(`${name.padEnd(34)}${(s.calls / n).toFixed(0).padStart(7)}${perStep(s.ns).toFixed(1).padStart(9)}${(s.flops / (Number(s.ns) / 1e9) / 1e9).toFixed(0).padStart(8)}`);
  }
}

const pct = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`;

// ---- the parent: spawns everything, prints the tables --------------------------------------------------
interface Options {
  shapes: Shape[];
  modes: Mode[];
  quick: boolean;
  torch: boolean;
  profile: Mode | null;
  precisions: Precision[];
}

function parseOptions(argv: string[]): Options {
  const o: Options = { shapes: [...SHAPES], modes: [...MODES], quick: false, torch: true, profile: null, precisions: ["fp32", "bf16"] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench: expected a value after ${a}`);
      return v;
    };
    if (a === "--profile") o.profile = "adapters";
    else if (a.startsWith("--profile=")) o.profile = parseMode(a.slice("--profile=".length));
    else if (a === "--quick") o.quick = true;
    else if (a === "--no-torch") o.torch = false;
    else if (a === "--shapes") o.shapes = value().split(",").map(parseShape);
    else if (a === "--modes") o.modes = value().split(",").map(parseMode);
    else if (a === "--precision") o.precisions = value().split(",").map(parsePrecision);
    else throw new Error(`bench: unknown flag "${a}"; expected --profile[=mode], --shapes BxT,..., --modes m,..., --precision fp32,bf16, --quick, --no-torch`);
  }
  return o;
}

function parsePrecision(s: string): Precision {
  if (s !== "fp32" && s !== "bf16") throw new Error(`bench: --precision: expected fp32 and/or bf16, got "${s}"`);
  return s;
}

function parseMode(s: string): Mode {
  const m = MODES.find((x) => x === s);
  if (!m) throw new Error(`bench: unknown mode "${s}"; expected one of ${MODES.join(", ")}`);
  return m;
}

function parseShape(s: string): Shape {
  const m = /^(\d+)x(\d+)$/.exec(s);
  const found = m ? SHAPES.find((x) => x.B === Number(m[1]) && x.T === Number(m[2])) : undefined;
  if (!found) throw new Error(`bench: unknown shape "${s}"; expected one of ${SHAPES.map(shapeKey).join(", ")}`);
  return found;
}

const SELF = fileURLToPath(import.meta.url);
const TORCH_SCRIPT = fileURLToPath(new URL("../../bench/bert_base_torch.py", import.meta.url));
const PYTHON = "/usr/bin/python3";

function spawnJson(command: string, argv: string[], env: NodeJS.ProcessEnv, echo: boolean): { result: SideResult | null; error: string | null } {
  const run = spawnSync(command, argv, { encoding: "utf8", env, maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] });
  const lines = (run.stdout ?? "").split("\n");
  if (echo) for (const line of lines) if (line && !line.startsWith("RESULT ")) console.log(line);
  const last = lines.filter((l) => l.startsWith("RESULT ")).pop();
  if (run.status !== 0 || !last) {
    const why = (run.stderr || run.error?.message || `exit ${run.status}`).trim().split("\n").slice(-3).join(" | ");
    return { result: null, error: why };
  }
  return { result: JSON.parse(last.slice("RESULT ".length)) as SideResult, error: null };
}

function runAdapterKit(dir: string, mode: Mode, shape: Shape, precision: Precision, warmup: number, steps: number, profile: boolean): { result: SideResult | null; error: string | null } {
  const argv = [SELF, "--child", "run", dir, mode, String(shape.B), String(shape.T), String(warmup), String(steps), profile ? "profile" : "-", precision];
  return spawnJson(process.execPath, argv, process.env, profile);
}

/** profileSteps > 0: PyTorch also profiles that many more steps and prints its op table. */
function runTorch(dir: string, mode: Mode, shape: Shape, precision: Precision, warmup: number, steps: number, profileSteps = 0): { result: SideResult | null; error: string | null } {
  const autocast = precision === "bf16"; // AdapterKit's bf16 rows against torch's autocast
  const spec = { dir, mode, B: shape.B, T: shape.T, warmup, steps, threads: TORCH_THREADS, lr: LR, clip: CLIP_NORM, weightDecay: WEIGHT_DECAY, adapter: ADAPTER, seed: SEEDS.dropout, profile: profileSteps, autocast };
  return spawnJson(PYTHON, [TORCH_SCRIPT, JSON.stringify(spec)], { ...process.env, OMP_WAIT_POLICY: "PASSIVE" }, profileSteps > 0);
}

const tokensPerSecond = (r: SideResult): number => (r.B * r.T) / median(r.stepSeconds);
const fmtLoad = (): string => loadavg().map((x) => x.toFixed(2)).join(" ");

interface Row {
  shape: Shape;
  mode: Mode;
  precision: Precision;
  ak: SideResult | null;
  pt: SideResult | null;
  akError: string | null;
  ptError: string | null;
  loadBefore: string;
}

async function parent(o: Options): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), "adapterkit-bench-"));
  console.log(`AdapterKit vs PyTorch, BERT-base + Houlsby adapters (m = ${BOTTLENECK}), ${o.precisions.join(" and ")}, dropout 0.1`);
  if (o.precisions.includes("bf16") && loadBackend("native").linearKernel("bf16") === null) {
    console.log(`bf16: this CPU has no AVX-512 BF16 kernel (or ADAPTERKIT_GEMM_KERNEL rules it out): fp32 rows only`);
    o.precisions = o.precisions.filter((p) => p !== "bf16");
  }
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}; load average at start ${fmtLoad()} (1/5/15 min; above ${cpus().length} the cores are shared with other work)`);
  try {
    const prep = spawnSync(process.execPath, [SELF, "--child", "prepare", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (prep.status !== 0) throw new Error(`bench: the prepare step failed (exit ${prep.status})`);
    const hasTorch = o.torch && spawnSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" }).status === 0;
    if (o.torch && !hasTorch) console.log(`PyTorch: ${PYTHON} cannot import torch (apt-get install python3-torch); AdapterKit figures only`);
    else if (hasTorch) console.log(`PyTorch: ${PYTHON} (Debian python3-torch), ${TORCH_THREADS} threads, OMP_WAIT_POLICY=PASSIVE; AdapterKit: native backend, GEMM ${loadNativeGemm().name}${loadNativeGemm().name === "OpenBLAS" ? `, OPENBLAS_NUM_THREADS=${process.env.OPENBLAS_NUM_THREADS ?? "unset (all cores)"}` : ""}`);

    if (o.profile) {
      const shape = o.shapes[0]; // 8x128 unless --shapes says otherwise
      const precision = o.profile === "full" ? "fp32" : o.precisions[0];
      console.log(`profiling ${precision}`);
      const r = runAdapterKit(dir, o.profile, shape, precision, PROFILE_WARMUP, PROFILE_STEPS, true);
      if (!r.result) throw new Error(`bench: the profile run failed: ${r.error}`);
      const ak = r.result;
      console.log(`\nAdapterKit: ${tokensPerSecond(ak).toFixed(0)} tokens/s (median of the profiled steps), peak RSS ${ak.maxRssMiB.toFixed(0)} MiB; load average ${fmtLoad()}`);
      if (hasTorch) {
        const t = runTorch(dir, o.profile, shape, precision, PROFILE_WARMUP, PROFILE_STEPS, PROFILE_TORCH_STEPS);
        if (!t.result) throw new Error(`bench: the PyTorch profile run failed: ${t.error}`);
        const pt = t.result;
        console.log(`PyTorch: ${tokensPerSecond(pt).toFixed(0)} tokens/s (median of ${pt.stepSeconds.length} unprofiled steps), peak RSS ${pt.maxRssMiB.toFixed(0)} MiB, ${pt.coresBusy.toFixed(2)} cores busy`);
        console.log(`ratio AdapterKit / PyTorch: ${(tokensPerSecond(ak) / tokensPerSecond(pt)).toFixed(2)}x tokens/s (AdapterKit timed with the profiler on), ${(ak.maxRssMiB / pt.maxRssMiB).toFixed(2)}x memory`);
      }
      console.log(`load average ${fmtLoad()}; ${((Date.now() - started) / 1e3).toFixed(0)} s in all`);
      return;
    }

    const rows: Row[] = [];
    for (const shape of o.shapes) {
      const plan = o.quick ? QUICK_PLAN : shape === MAIN_SHAPE ? MAIN_PLAN : OTHER_PLAN;
      for (const mode of o.modes) {
        for (const precision of o.precisions.filter((p) => p === "fp32" || mode !== "full")) {
          const loadBefore = fmtLoad();
          process.stdout.write(`${shapeKey(shape).padEnd(7)} ${mode.padEnd(9)} ${precision} AdapterKit ...`);
          const ak = runAdapterKit(dir, mode, shape, precision, plan.warmup, plan.steps[mode], false);
          process.stdout.write(ak.result ? ` ${tokensPerSecond(ak.result).toFixed(0)} tok/s` : " failed");
          const pt = hasTorch ? runTorch(dir, mode, shape, precision, plan.warmup, plan.steps[mode]) : { result: null, error: "not run" };
          if (hasTorch) process.stdout.write(`, PyTorch ... ${pt.result ? `${tokensPerSecond(pt.result).toFixed(0)} tok/s` : "failed"}`);
          process.stdout.write(`  (load ${loadBefore})\n`);
          rows.push({ shape, mode, precision, ak: ak.result, pt: pt.result, akError: ak.error, ptError: hasTorch ? pt.error : null, loadBefore });
        }
      }
    }
    printTables(rows, started);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printTables(rows: Row[], started: number): void {
  const cell = (s: string, w: number): string => s.padStart(w);
  console.log(`\nthroughput: tokens/s = B·T / median step time (timed steps after warm-up); ratio = AdapterKit / PyTorch (> 1: AdapterKit faster)`);
  const what = (r: Row): string => `${r.mode} ${r.precision}`.padEnd(15);
  console.log(`${"shape".padEnd(8)}${"mode".padEnd(15)}${cell("AK tok/s", 10)}${cell("PT tok/s", 10)}${cell("ratio", 8)}${cell("best", 7)}${cell("per CPU", 9)}`
    + `${cell("AK MiB", 8)}${cell("PT MiB", 8)}${cell("mem ratio", 10)}${cell("AK cores", 9)}${cell("PT cores", 9)}${cell("steps", 7)}`);
  const f0 = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : "-");
  const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : "-");
  for (const r of rows) {
    const ak = r.ak ? tokensPerSecond(r.ak) : NaN;
    const pt = r.pt ? tokensPerSecond(r.pt) : NaN;
    const best = r.ak && r.pt ? Math.min(...r.pt.stepSeconds) / Math.min(...r.ak.stepSeconds) : NaN;
    const perCpu = r.ak && r.pt ? (ak / r.ak.coresBusy) / (pt / r.pt.coresBusy) : NaN;
    console.log(`${shapeKey(r.shape).padEnd(8)}${what(r)}${cell(f0(ak), 10)}${cell(f0(pt), 10)}${cell(f2(ak / pt) + "x", 8)}${cell(f2(best) + "x", 7)}${cell(f2(perCpu) + "x", 9)}`
      + `${cell(f0(r.ak?.maxRssMiB ?? NaN), 8)}${cell(f0(r.pt?.maxRssMiB ?? NaN), 8)}${cell(f2((r.ak?.maxRssMiB ?? NaN) / (r.pt?.maxRssMiB ?? NaN)) + "x", 10)}`
      + `${cell(f2(r.ak?.coresBusy ?? NaN), 9)}${cell(f2(r.pt?.coresBusy ?? NaN), 9)}${cell(String(r.ak?.stepSeconds.length ?? "-"), 7)}`);
  }
  console.log(`ratio: of the median step times; best: of the fastest steps (less hurt by other work on the machine); per CPU: tokens per CPU-second,`);
  console.log(`  AdapterKit / PyTorch (ignores how many cores each kept busy). MiB: peak resident memory (maxRSS) of the process that ran`);
  console.log(`  that mode alone; mem ratio = AdapterKit / PyTorch (< 1: AdapterKit smaller). cores: CPU time / wall time over the timed steps`);
  console.log(`  (2 = both cores busy; much less on a loaded machine means the process waited for a core, and its row is noisy).`);

  console.log(`\nsame maths (dropout off; forward: the loss; training modes: the first warm-up step's loss and gradient norm before clipping)`);
  console.log(`${"shape".padEnd(8)}${"mode".padEnd(15)}${cell("AK loss", 14)}${cell("PT loss", 14)}${cell("|diff|", 10)}${cell("AK grad norm", 14)}${cell("PT grad norm", 14)}${cell("rel diff", 10)}${cell("trainable / total params", 30)}`);
  for (const r of rows) {
    const e = (x: number | null | undefined): string => (x === null || x === undefined ? "-" : x.toPrecision(8));
    const d = r.ak && r.pt ? Math.abs(r.ak.checkLoss - r.pt.checkLoss).toExponential(1) : "-";
    const gn = r.ak?.checkGradNorm;
    const gp = r.pt?.checkGradNorm;
    const rel = gn != null && gp != null ? (Math.abs(gn - gp) / Math.abs(gp)).toExponential(1) : "-";
    const params = r.ak ? `${r.ak.params.trainable.toLocaleString("en")} / ${r.ak.params.total.toLocaleString("en")}` : "-";
    const ptParams = r.pt ? ` (PT ${r.pt.params.trainable.toLocaleString("en")})` : "";
    console.log(`${shapeKey(r.shape).padEnd(8)}${what(r)}${cell(e(r.ak?.checkLoss), 14)}${cell(e(r.pt?.checkLoss), 14)}${cell(d, 10)}${cell(e(gn), 14)}${cell(e(gp), 14)}${cell(rel, 10)}  ${params}${ptParams}`);
  }
  for (const r of rows) {
    if (r.akError) console.log(`AdapterKit ${shapeKey(r.shape)} ${r.mode} ${r.precision} failed: ${r.akError}`);
    if (r.ptError) console.log(`PyTorch ${shapeKey(r.shape)} ${r.mode} ${r.precision} failed: ${r.ptError}`);
  }
  printBf16(rows);
  const setup = rows.flatMap((r) => [r.ak, r.pt]).filter((x): x is SideResult => x !== null).map((x) => `${x.side.startsWith("adapterkit") ? "AK" : "PT"} ${x.setupSeconds.toFixed(1)}`);
  console.log(`\nsetup seconds per process (build/read weights): ${setup.join(", ")}`);
  console.log(`load average at end ${fmtLoad()}; ${((Date.now() - started) / 1e3).toFixed(0)} s in all`);
}

/** bf16 rows against the fp32 rows of the same shape and mode: the issue's targets, side by side. */
function printBf16(rows: Row[]): void {
  const bf16 = rows.filter((r) => r.precision === "bf16");
  if (bf16.length === 0) return;
  const cell = (s: string, w: number): string => s.padStart(w);
  const tps = (x: SideResult | null | undefined): number => (x ? tokensPerSecond(x) : NaN);
  const x = (a: number, b: number): string => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : "-");
  const mib = (v: SideResult | null | undefined): string => (v ? v.maxRssMiB.toFixed(0) : "-");
  console.log(`\nbf16 (AdapterKit's frozen base packed in bf16, fp32 weights dropped; PyTorch under bf16 autocast) against the fp32 rows`);
  console.log(`${"shape".padEnd(8)}${"mode".padEnd(10)}${cell("AK bf16", 9)}${cell("/PT fp32", 10)}${cell("/PT bf16", 10)}${cell("/AK fp32", 10)}${cell("AK bf16 MiB", 13)}${cell("AK fp32 MiB", 13)}${cell("PT fp32 MiB", 13)}${cell("PT bf16 MiB", 13)}`);
  for (const r of bf16) {
    const fp32 = rows.find((f) => f.precision === "fp32" && f.mode === r.mode && f.shape === r.shape);
    const ak = tps(r.ak);
    console.log(`${shapeKey(r.shape).padEnd(8)}${r.mode.padEnd(10)}${cell(ak.toFixed(0), 9)}${cell(x(ak, tps(fp32?.pt)), 10)}${cell(x(ak, tps(r.pt)), 10)}${cell(x(ak, tps(fp32?.ak)), 10)}`
      + `${cell(mib(r.ak), 13)}${cell(mib(fp32?.ak), 13)}${cell(mib(fp32?.pt), 13)}${cell(mib(r.pt), 13)}`);
  }
  console.log(`targets at 8x128: adapters >= 1.6x PT fp32 and >= 1.0x PT bf16, forward >= 1.5x PT fp32; the bf16 adapter step's peak memory below the fp32 run's`);
}

// ---- entry ---------------------------------------------------------------------------------------------
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child") {
    const [, role, dir, mode, B, T, warmup, steps, profile, precision] = argv;
    if (role === "prepare") return prepare(dir);
    if (role === "run") {
      return runChild({ dir, mode: parseMode(mode), shape: { B: Number(B), T: Number(T) }, warmup: Number(warmup), steps: Number(steps), profile: profile === "profile", precision: parsePrecision(precision) });
    }
    throw new Error(`bench: unknown child role "${role}"`);
  }
  await parent(parseOptions(argv));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : String(err));
  process.exit(1);
});
