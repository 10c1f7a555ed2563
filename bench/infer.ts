// `npm run bench:infer`: BERT-base inference speed, AdapterKit next to PyTorch and ONNX Runtime on the same CPU,
// the same weights and the same batches, in one run (machines are noisy: compare ratios, not absolute figures).
// A benchmark, not a test: nothing asserts on time.
//
// The model: BERT-base (12 layers, hidden 768, 12 heads, FFN 3072, vocab 30522, 512 positions, erf GELU as in
// bert-base-uncased, no pooler: every system returns the last hidden state), random weights from a fixed seed
// (BERT's init, plus random biases and LayerNorm parameters, so that a misread one would show in the check).
// Systems, each on 2 threads:
//   adapterkit  BertModel.forward under engine.noGrad on the native backend, the model read with
//               loadPretrained from the Hugging Face folder below and its Linear weights packed once as fp32
//               GEMM panels (as AdapterKit.load does); engine.release() after each call; int8 and bf16
//               drop the fp32 weights as they pack them, as AdapterKit.load does
//   adapterkit-bf16  the same packed as bf16 (precision "bf16": weights and activations rounded to bfloat16)
//   adapterkit-int8  the same with the weights packed as int8 (AdapterKit.load's precision "int8"), calibrated on
//               256 tokens of the 8x128 batch; packing and calibration count in its load time
//   pytorch     bench/infer_torch.py: the same architecture as plain nn.Modules (Debian's python3-torch 1.13,
//               /usr/bin/python3), torch.inference_mode, torch.set_num_threads(2), OMP_WAIT_POLICY=PASSIVE
//   ort-fp32    onnxruntime-node, the torch.onnx.export (opset 12) of that PyTorch model, graph optimization level "all",
//               2 intra-op threads, sequential execution (ONNX Runtime's defaults otherwise: spinning threads)
//   ort-int8    the same session options on the ONNX model whose 72 weight MatMuls bench/infer_onnx.py rewrote
//               into com.microsoft DynamicQuantizeMatMul nodes (int8 weights, activations quantized per call)
//
// Same weights: a child writes the model once (new BertModel from a seed, saveHfModel: config.json +
// model.safetensors with "bert." names) into runs/bench-infer/model; PyTorch reads that file, and
// bench/infer_onnx.py exports the PyTorch model to runs/bench-infer/*.onnx. These stay cached across runs
// (runs/ is gitignored); recipe.json records how they were made and a different recipe makes them anew.
//
// Timing: every (system, shape) runs in a fresh child process that loads the model (timed: "load"), runs a
// few warm-up calls and then the timed calls, one after another, never two processes at once; its peak
// resident memory (maxRSS) covers the load and the calls. Rounds repeat the whole set with the order of the
// systems rotated, so drift in the machine's speed hits them alike; the table shows the median over all the
// timed calls of all rounds. One call = one forward of the whole batch (B x T tokens, no padding).
// Other work on the machine spoils a row: the parent measures the CPU time other processes used while each child
// ran (/proc/stat minus the child's own CPU time) and runs a child again when that exceeds 0.25 cores.
// Correctness: each system's first call in round 1 writes its last hidden state to runs/bench-infer/out/,
// and the report compares them (max |diff|, per-token cosine similarity).
//
// Flags (after `npm run bench:infer --`):
//   --rounds N            rounds (default 3)                  --quick             1 warm-up + 3 calls per process
//   --shapes 1x16,8x128   only these shapes                   --systems a,b       only these systems
//   --int8 per-channel    int8 weights scaled per output column (default per-tensor, as quantize_dynamic)
//   --fresh               regenerate the model and the ONNX files
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Engine } from "../src/autograd/index.js";
import { loadBackend, loadNativeGemm } from "../src/kernels/index.js";
import { BertModel, fromHfConfig, loadPretrained, saveHfModel, type EncoderInput } from "../src/models/index.js";
import { Rng } from "../src/rng.js";
import { median } from "./stats.js";
import { bertBaseConfig, randomTokenIds } from "./bert-base-config.js";

type System = "adapterkit" | "adapterkit-int8" | "adapterkit-bf16" | "pytorch" | "ort-fp32" | "ort-int8";
const SYSTEMS: readonly System[] = ["adapterkit", "adapterkit-int8", "adapterkit-bf16", "pytorch", "ort-fp32", "ort-int8"];
const LABEL: Record<System, string> = { adapterkit: "AK fp32", "adapterkit-int8": "AK int8", "adapterkit-bf16": "AK bf16", pytorch: "PyTorch", "ort-fp32": "ORT fp32", "ort-int8": "ORT int8" };

interface Shape {
  B: number;
  T: number;
}
const SHAPES: readonly Shape[] = [{ B: 1, T: 16 }, { B: 1, T: 64 }, { B: 1, T: 128 }, { B: 8, T: 128 }, { B: 32, T: 64 }];
const shapeKey = (s: Shape): string => `${s.B}x${s.T}`;

/** Calls per process: warm-up (not timed; the first also writes the output) and timed. */
interface CallPlan {
  warmup: number;
  calls: number;
}
const PLANS: Record<string, CallPlan> = {
  "1x16": { warmup: 5, calls: 40 },
  "1x64": { warmup: 3, calls: 25 },
  "1x128": { warmup: 3, calls: 20 },
  "8x128": { warmup: 2, calls: 8 },
  "32x64": { warmup: 2, calls: 6 },
};
const QUICK_PLAN: CallPlan = { warmup: 1, calls: 3 };
const DEFAULT_ROUNDS = 3;
/** A process during which other work used more than this many cores (of 2) is run again, up to ATTEMPTS times. */
const BUSY_CORES = 0.25;
const ATTEMPTS = 3;
const RETRY_WAIT_S = 10;
const THREADS = 2;

const BERT_BASE = bertBaseConfig("gelu"); // bert-base-uncased's erf GELU
const SEEDS = { weights: 1, perturb: 2, inputs: 3 };
const INIT_STD = 0.02;
// opset 12: onnxruntime 1.16's attention fusion matches only the opset <= 12 versions of the ops (infer_onnx.py)
const OPSET = 12;
/** What the cached files in runs/bench-infer depend on; a change regenerates them (bump version when
 *  bench/infer_onnx.py or the model's making changes). */
const RECIPE = { version: 1, config: BERT_BASE, seeds: SEEDS, pooler: false, opset: OPSET };

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RUN_DIR = join(ROOT, "runs", "bench-infer");
const MODEL_DIR = join(RUN_DIR, "model");
const INPUTS = join(RUN_DIR, "inputs.json");
const OUT_DIR = join(RUN_DIR, "out");
const ONNX_FP32 = join(RUN_DIR, "bert-base.onnx");
const onnxInt8 = (perChannel: boolean): string => join(RUN_DIR, `bert-base.int8-${perChannel ? "per-channel" : "per-tensor"}.onnx`);
const SELF = fileURLToPath(import.meta.url);
const TORCH_SCRIPT = join(ROOT, "bench", "infer_torch.py");
const ONNX_SCRIPT = join(ROOT, "bench", "infer_onnx.py");
const PYTHON = "/usr/bin/python3";

// ---- what a child process does and returns --------------------------------------------------------------
/** A child's instructions, as JSON on its command line (bench/infer_torch.py reads the same fields). */
interface ChildSpec {
  dir: string; // the Hugging Face model folder
  inputs: string; // inputs.json
  onnx: string | null; // the ONNX model (ORT children)
  B: number;
  T: number;
  warmup: number;
  calls: number;
  threads: number;
  out: string | null; // where to write the first call's last hidden state (B,T,H), raw float32
}

/** One RESULT line of a child. */
interface CallResult {
  system: System;
  B: number;
  T: number;
  callSeconds: number[];
  loadSeconds: number;
  firstCallSeconds: number;
  maxRssMiB: number; // peak resident memory of the process (load and calls)
  rssMiB: number; // resident memory after the timed calls
  cpuSeconds: number; // CPU time of the whole process (all its threads), start to end
  version: string;
}

/** The batches of every shape, the same for all systems: [CLS] random word pieces [SEP], no padding, type 0. */
interface BatchJson {
  ids: number[];
  attentionMask: number[];
  typeIds: number[];
}

function makeBatch(s: Shape, vocab: number, rng: Rng): BatchJson {
  const ids = randomTokenIds(s.B, s.T, vocab, rng);
  return { ids, attentionMask: ids.map(() => 1), typeIds: ids.map(() => 0) };
}

function readBatch(spec: ChildSpec): BatchJson {
  const batch = (JSON.parse(readFileSync(spec.inputs, "utf8")) as Record<string, BatchJson>)[`${spec.B}x${spec.T}`];
  if (!batch) throw new Error(`bench:infer: ${spec.inputs} has no batch ${spec.B}x${spec.T}`);
  return batch;
}

const hr = (): bigint => process.hrtime.bigint();
const sec = (ns: bigint): number => Number(ns) / 1e9;
const maxRssMiB = (): number => process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
const rssMiB = (): number => process.memoryUsage.rss() / 2 ** 20;
const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function writeOutput(path: string | null, data: Float32Array): void {
  if (path) writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** Child "prepare": the model folder (config.json + model.safetensors, no pooler) and inputs.json. */
async function prepare(): Promise<void> {
  const engine = new Engine({ backend: loadBackend("native") });
  const config = fromHfConfig(BERT_BASE, "bench:infer BERT-base");
  const model = new BertModel(engine, config, { seed: SEEDS.weights, pooler: false });
  // BERT's init leaves every bias at 0 and every LayerNorm at (1, 0), which would hide a bias or LayerNorm
  // parameter read wrongly on one side: draw them too (N(0, 0.02²) around their init values)
  const rng = new Rng(SEEDS.perturb);
  for (const [name, t] of model.namedParameters()) {
    if (!name.endsWith(".bias") && !name.endsWith("norm.weight")) continue;
    for (let i = 0; i < t.size; i++) t.data[i] += INIT_STD * rng.normal();
  }
  await saveHfModel(MODEL_DIR, model, config, { metadata: { seeds: JSON.stringify(SEEDS) } });
  const inputRng = new Rng(SEEDS.inputs);
  const batches: Record<string, BatchJson> = {};
  for (const s of SHAPES) batches[shapeKey(s)] = makeBatch(s, config.vocabSize, inputRng);
  writeFileSync(INPUTS, JSON.stringify(batches));
}

/** Child "adapterkit" / "adapterkit-int8": load with loadPretrained, pack the weights as AdapterKit.load does
 *  (int8: calibrated on two rows of the 8x128 batch, as many tokens as the library's built-in sentences), then
 *  no-grad forwards of one batch. */
async function childAdapterKit(system: "adapterkit" | "adapterkit-int8" | "adapterkit-bf16", spec: ChildSpec): Promise<CallResult> {
  const loadStart = hr();
  const backend = loadBackend("native");
  const engine = new Engine({ backend });
  const { model } = await loadPretrained(engine, spec.dir, { strict: true });
  for (const p of model.parameters()) p.requiresGrad = false;
  const precision = system === "adapterkit-int8" ? "int8" : system === "adapterkit-bf16" ? "bf16" : "fp32";
  const calibration = readBatch({ ...spec, B: 8, T: 128 });
  const calibrationInput: EncoderInput = { ids: Int32Array.from(calibration.ids.slice(0, 2 * 128)), batchSize: 2, seqLength: 128 };
  model.packWeights(precision, precision === "int8" ? calibrationInput : null, { dropFp32: precision !== "fp32" }); // as AdapterKit.load does
  const loadSeconds = sec(hr() - loadStart);
  const batch = readBatch(spec);
  const input: EncoderInput = {
    ids: Int32Array.from(batch.ids), typeIds: Int32Array.from(batch.typeIds), attentionMask: Int32Array.from(batch.attentionMask),
    batchSize: spec.B, seqLength: spec.T,
  };
  const ctx = { training: false, rng: new Rng(0) };
  /** One call; keep: copy out the last hidden state (B,T,H) before the buffers go back to the pool. */
  const call = (keep: boolean): Float32Array | null => {
    const out = engine.noGrad(() => model.forward(input, ctx));
    const kept = keep ? Float32Array.from(out.lastHidden.data.subarray(0, out.lastHidden.size)) : null;
    engine.release();
    return kept;
  };
  const firstStart = hr();
  const first = call(spec.out !== null);
  const firstCallSeconds = sec(hr() - firstStart);
  if (first) writeOutput(spec.out, first);
  for (let i = 1; i < spec.warmup; i++) call(false);
  const callSeconds: number[] = [];
  for (let i = 0; i < spec.calls; i++) {
    const start = hr();
    call(false);
    callSeconds.push(sec(hr() - start));
  }
  return {
    system, B: spec.B, T: spec.T, callSeconds, loadSeconds, firstCallSeconds, maxRssMiB: maxRssMiB(), rssMiB: rssMiB(), cpuSeconds: cpuSeconds(),
    version: `AdapterKit ${backend.name} backend, weights packed as ${model.packedAs}${precision === "fp32" ? ` (GEMM ${loadNativeGemm().builtinName})` : ` (${backend.linearKernel(precision)})`}`,
  };
}

/** Child "ort-fp32" / "ort-int8": an InferenceSession on the ONNX file, then runs of one batch. */
async function childOrt(system: "ort-fp32" | "ort-int8", spec: ChildSpec): Promise<CallResult> {
  if (!spec.onnx) throw new Error(`bench:infer: ${system} needs an ONNX file`);
  const ort = await import("onnxruntime-node"); // loaded only here, so that no other child maps its library
  const loadStart = hr();
  const session = await ort.InferenceSession.create(spec.onnx, {
    executionProviders: ["cpu"], graphOptimizationLevel: "all", intraOpNumThreads: spec.threads, interOpNumThreads: 1, executionMode: "sequential",
  });
  const loadSeconds = sec(hr() - loadStart);
  const batch = readBatch(spec);
  const int64 = (xs: number[]): InstanceType<typeof ort.Tensor> => new ort.Tensor("int64", BigInt64Array.from(xs, (x) => BigInt(x)), [spec.B, spec.T]);
  const feeds = { input_ids: int64(batch.ids), attention_mask: int64(batch.attentionMask), token_type_ids: int64(batch.typeIds) };
  const call = async (): Promise<Float32Array> => {
    const out = (await session.run(feeds)).last_hidden_state;
    if (!out || !(out.data instanceof Float32Array)) throw new Error(`bench:infer: ${spec.onnx}: expected a float32 output "last_hidden_state", got ${out?.type ?? "none"}`);
    return out.data;
  };
  const firstStart = hr();
  const first = await call();
  const firstCallSeconds = sec(hr() - firstStart);
  writeOutput(spec.out, first);
  for (let i = 1; i < spec.warmup; i++) await call();
  const callSeconds: number[] = [];
  for (let i = 0; i < spec.calls; i++) {
    const start = hr();
    await call();
    callSeconds.push(sec(hr() - start));
  }
  return {
    system, B: spec.B, T: spec.T, callSeconds, loadSeconds, firstCallSeconds, maxRssMiB: maxRssMiB(), rssMiB: rssMiB(), cpuSeconds: cpuSeconds(),
    version: `onnxruntime-node ${ort.env.versions.node ?? "?"}`,
  };
}

// ---- the parent: artifacts, rounds of child processes, tables ------------------------------------------------
interface Options {
  rounds: number;
  shapes: Shape[];
  systems: System[];
  quick: boolean;
  perChannel: boolean;
  fresh: boolean;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { rounds: DEFAULT_ROUNDS, shapes: [...SHAPES], systems: [...SYSTEMS], quick: false, perChannel: false, fresh: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench:infer: expected a value after ${a}`);
      return v;
    };
    if (a === "--rounds") {
      o.rounds = Number(value());
      if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new Error(`bench:infer: expected --rounds to be a positive integer, got ${argv[i]}`);
    } else if (a === "--shapes") o.shapes = value().split(",").map(parseShape);
    else if (a === "--systems") o.systems = value().split(",").map(parseSystem);
    else if (a === "--quick") o.quick = true;
    else if (a === "--fresh") o.fresh = true;
    else if (a === "--int8") {
      const v = value();
      if (v !== "per-tensor" && v !== "per-channel") throw new Error(`bench:infer: unknown --int8 "${v}"; expected per-tensor or per-channel`);
      o.perChannel = v === "per-channel";
    } else throw new Error(`bench:infer: unknown flag "${a}"; expected --rounds N, --shapes BxT,..., --systems s,..., --int8 per-tensor|per-channel, --quick, --fresh`);
  }
  return o;
}

function parseShape(s: string): Shape {
  const found = SHAPES.find((x) => shapeKey(x) === s);
  if (!found) throw new Error(`bench:infer: unknown shape "${s}"; expected one of ${SHAPES.map(shapeKey).join(", ")}`);
  return found;
}

function parseSystem(s: string): System {
  const found = SYSTEMS.find((x) => x === s);
  if (!found) throw new Error(`bench:infer: unknown system "${s}"; expected one of ${SYSTEMS.join(", ")}`);
  return found;
}

/** Runs a command whose last "RESULT {json}" stdout line is its answer; null and the reason when it failed. */
function spawnResult<T>(command: string, argv: string[], env: NodeJS.ProcessEnv = process.env): { result: T | null; error: string | null } {
  const run = spawnSync(command, argv, { encoding: "utf8", env, maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] });
  const last = (run.stdout ?? "").split("\n").filter((l) => l.startsWith("RESULT ")).pop();
  if (run.status !== 0 || !last) {
    const why = (run.stderr || run.error?.message || `exit ${run.status}`).trim().split("\n").slice(-3).join(" | ");
    return { result: null, error: why };
  }
  return { result: JSON.parse(last.slice("RESULT ".length)) as T, error: null };
}

interface OnnxExport {
  exportSeconds: number;
  rewriteSeconds: number;
  opset: number;
  int8: { matmuls: number; withBias: number; otherMatMuls: number; node: string; weights: string };
  versions: string;
}

/** The model folder, inputs.json and the two ONNX files, made when missing or made by another recipe. */
function ensureArtifacts(o: Options): void {
  const recipePath = join(RUN_DIR, "recipe.json");
  const recipe = JSON.stringify(RECIPE);
  const same = existsSync(recipePath) && readFileSync(recipePath, "utf8") === recipe;
  if (o.fresh || !same) rmSync(RUN_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const int8 = onnxInt8(o.perChannel);
  const needModel = !existsSync(join(MODEL_DIR, "model.safetensors")) || !existsSync(INPUTS);
  if (needModel) {
    const start = Date.now();
    const prep = spawnSync(process.execPath, [SELF, "--child", "prepare"], { encoding: "utf8", stdio: ["ignore", "inherit", "inherit"] });
    if (prep.status !== 0) throw new Error(`bench:infer: writing the model failed (exit ${prep.status})`);
    console.log(`model: wrote ${MODEL_DIR} (seeds ${JSON.stringify(SEEDS)}) in ${((Date.now() - start) / 1e3).toFixed(1)} s`);
    rmSync(ONNX_FP32, { force: true }); // made from the old weights
  }
  if (!existsSync(ONNX_FP32) || !existsSync(int8)) {
    const spec = { dir: MODEL_DIR, fp32: ONNX_FP32, int8, perChannel: o.perChannel, opset: OPSET };
    const r = spawnResult<OnnxExport>(PYTHON, [ONNX_SCRIPT, JSON.stringify(spec)]);
    if (!r.result) throw new Error(`bench:infer: the ONNX export failed: ${r.error}`);
    const x = r.result;
    console.log(`onnx: exported ${ONNX_FP32} (opset ${x.opset}) in ${x.exportSeconds.toFixed(1)} s; int8: ${x.int8.matmuls} MatMuls -> ${x.int8.node} `
      + `(${x.int8.weights} int8 weights, ${x.int8.withBias} with the bias folded in; ${x.int8.otherMatMuls} activation MatMuls left fp32) in ${x.rewriteSeconds.toFixed(1)} s; ${x.versions}`);
  }
  writeFileSync(recipePath, recipe);
}

/** Seconds the machine's CPUs were busy since boot, all cores together (Linux /proc/stat); null elsewhere. */
function machineBusySeconds(): number | null {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ..., in USER_HZ (100) ticks; busy = all but idle and iowait
    const busy = fields.slice(0, 8).reduce((a, x, i) => (i === 3 || i === 4 ? a : a + (x || 0)), 0);
    return busy / 100;
  } catch {
    return null;
  }
}

/** A child's result plus what the rest of the machine did meanwhile: other = CPU seconds that were not the child's
 *  (other processes, this parent) per second of the child's wall time, in cores; above ~0.1 the row is suspect. */
interface Measured {
  result: CallResult | null;
  error: string | null;
  otherCores: number;
}

function runMeasured(system: System, shape: Shape, plan: CallPlan, o: Options, out: string | null): Measured {
  const busyBefore = machineBusySeconds();
  const start = hr();
  const r = runChild(system, shape, plan, o, out);
  const wall = sec(hr() - start);
  const busyAfter = machineBusySeconds();
  const otherCores = busyBefore !== null && busyAfter !== null && r.result ? Math.max(0, busyAfter - busyBefore - r.result.cpuSeconds) / wall : NaN;
  return { ...r, otherCores };
}

function runChild(system: System, shape: Shape, plan: CallPlan, o: Options, out: string | null): { result: CallResult | null; error: string | null } {
  const spec: ChildSpec = {
    dir: MODEL_DIR, inputs: INPUTS, onnx: system === "ort-fp32" ? ONNX_FP32 : system === "ort-int8" ? onnxInt8(o.perChannel) : null,
    B: shape.B, T: shape.T, warmup: plan.warmup, calls: plan.calls, threads: THREADS, out,
  };
  if (system === "pytorch") return spawnResult<CallResult>(PYTHON, [TORCH_SCRIPT, JSON.stringify(spec)], { ...process.env, OMP_WAIT_POLICY: "PASSIVE" });
  return spawnResult<CallResult>(process.execPath, [SELF, "--child", system, JSON.stringify(spec)]);
}

/** The CPU's vector extensions that decide the GEMM kernels (fp32: AVX2 / AVX-512; int8: VNNI), from /proc/cpuinfo. */
function vectorFlags(): string {
  try {
    const flags = new Set((/^flags\s*:(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "").trim().split(/\s+/));
    const found = ["avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_int8"].filter((f) => flags.has(f));
    return found.length ? found.join(" ") : "no AVX2";
  } catch {
    return "flags unknown";
  }
}

const fmtLoad = (): string => loadavg().map((x) => x.toFixed(2)).join(" ");
const outPath = (system: System, shape: Shape): string => join(OUT_DIR, `${system}-${shapeKey(shape)}.f32`);

async function parent(o: Options): Promise<void> {
  const started = Date.now();
  const cpu = cpus();
  console.log(`bench:infer — BERT-base inference (12 layers, hidden 768, 12 heads, FFN 3072, random weights), ${new Date().toISOString().replace("T", " ").slice(0, 16)} UTC`);
  console.log(`machine: ${cpu.length} x ${cpu[0]?.model ?? "cpu"} (${vectorFlags()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; load average at start ${fmtLoad()} (1/5/15 min)`);
  if (loadavg()[0] > 0.5) console.log(`note: the load average is above 0.5 before the bench starts: other work shares the cores and the figures are noisy`);
  ensureArtifacts(o);
  const hasTorch = spawnSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" }).status === 0;
  const systems = o.systems.filter((s) => s !== "pytorch" || hasTorch);
  if (systems.length < o.systems.length) console.log(`PyTorch: ${PYTHON} cannot import torch (apt-get install python3-torch); left out`);

  const results = new Map<string, CallResult[]>(); // key system|shape -> one per round
  const errors: string[] = [];
  const others: number[] = []; // cores other work used during each kept process
  let reruns = 0;
  const key = (s: System, shape: Shape): string => `${s}|${shapeKey(shape)}`;
  for (let round = 0; round < o.rounds; round++) {
    const order = [...systems.slice(round % systems.length), ...systems.slice(0, round % systems.length)];
    console.log(`round ${round + 1}/${o.rounds}: ${order.map((s) => LABEL[s]).join(", ")}  (load average ${fmtLoad()})`);
    for (const shape of o.shapes) {
      const plan = o.quick ? QUICK_PLAN : PLANS[shapeKey(shape)];
      const line: string[] = [];
      for (const system of order) {
        let r = runMeasured(system, shape, plan, o, round === 0 ? outPath(system, shape) : null);
        // another process took CPU time while this one ran: its times are not this system's alone; try again
        for (let attempt = 1; r.result && r.otherCores > BUSY_CORES && attempt < ATTEMPTS; attempt++) {
          console.log(`  (${LABEL[system]} ${shapeKey(shape)}: other work used ${r.otherCores.toFixed(2)} cores meanwhile; running it again in ${RETRY_WAIT_S} s)`);
          reruns++;
          spawnSync("sleep", [String(RETRY_WAIT_S)]);
          r = runMeasured(system, shape, plan, o, round === 0 ? outPath(system, shape) : null);
        }
        if (Number.isFinite(r.otherCores)) others.push(r.otherCores);
        if (r.result) {
          const list = results.get(key(system, shape)) ?? [];
          list.push(r.result);
          results.set(key(system, shape), list);
          line.push(`${LABEL[system]} ${(median(r.result.callSeconds) * 1e3).toFixed(1)}${r.otherCores > BUSY_CORES ? ` (other work: ${r.otherCores.toFixed(2)} cores)` : ""}`);
        } else {
          errors.push(`${LABEL[system]} ${shapeKey(shape)} round ${round + 1}: ${r.error}`);
          line.push(`${LABEL[system]} failed`);
        }
      }
      console.log(`  ${shapeKey(shape).padEnd(6)} ms/call: ${line.join(", ")}`);
    }
  }
  printTables(o, systems, (s, shape) => results.get(key(s, shape)) ?? []);
  for (const e of errors) console.log(`failed: ${e}`);
  if (others.length) {
    const suspect = others.filter((x) => x > BUSY_CORES).length;
    console.log(`\nother work on the machine while the ${others.length} kept processes ran (CPU time not theirs, /proc/stat): median ${median(others).toFixed(2)} cores, max ${Math.max(...others).toFixed(2)};`
      + ` ${reruns} process(es) run again because other work used more than ${BUSY_CORES} cores; ${suspect} kept above that after ${ATTEMPTS} tries`);
  }
  console.log(`\nload average at end ${fmtLoad()}; ${((Date.now() - started) / 1e3).toFixed(0)} s in all`);
}

type Lookup = (s: System, shape: Shape) => CallResult[];

function printTables(o: Options, systems: System[], get: Lookup): void {
  const cell = (s: string, w: number): string => s.padStart(w);
  const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 1) : "-");
  const f0 = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : "-");
  const ratio = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}x` : "-");
  const callMs = (s: System, shape: Shape): number => {
    const all = get(s, shape).flatMap((r) => r.callSeconds);
    return all.length ? median(all) * 1e3 : NaN;
  };
  const counts = o.shapes.map((shape) => `${shapeKey(shape)} ${get(systems[0], shape).reduce((n, r) => n + r.callSeconds.length, 0)}`).join(", ");

  console.log(`\nmedian ms per call (one forward of B x T tokens), over all timed calls of ${o.rounds} round(s) (${counts} calls per system);`);
  console.log(`AK/x = x's ms / AdapterKit fp32's ms = AdapterKit's speed relative to x (> 1: AdapterKit faster); AK8: AdapterKit int8's, AK16: bf16's`);
  console.log(`${"shape".padEnd(7)}${systems.map((s) => cell(LABEL[s], 11)).join("")}${cell("AK/ORT fp32", 13)}${cell("AK8/ORT int8", 14)}${cell("AK/PyTorch", 12)}${cell("AK8/AK", 9)}${cell("AK16/AK", 9)}${cell("AK tok/s", 10)}`);
  for (const shape of o.shapes) {
    const ms = (s: System): number => (systems.includes(s) ? callMs(s, shape) : NaN);
    const ak = ms("adapterkit");
    const ak8 = ms("adapterkit-int8");
    console.log(`${shapeKey(shape).padEnd(7)}${systems.map((s) => cell(f1(ms(s)), 11)).join("")}${cell(ratio(ms("ort-fp32") / ak), 13)}${cell(ratio(ms("ort-int8") / ak8), 14)}`
      + `${cell(ratio(ms("pytorch") / ak), 12)}${cell(ratio(ak / ak8), 9)}${cell(ratio(ak / ms("adapterkit-bf16")), 9)}${cell(Number.isFinite(ak) ? ((shape.B * shape.T) / ak * 1e3).toFixed(0) : "-", 10)}`);
  }

  console.log(`\nspread: the slowest round's median / the fastest round's median - 1, per system (how much the machine drifted)`);
  console.log(`${"shape".padEnd(7)}${systems.map((s) => cell(LABEL[s], 11)).join("")}`);
  for (const shape of o.shapes) {
    const spread = (s: System): string => {
      const m = get(s, shape).map((r) => median(r.callSeconds));
      return m.length ? `${((Math.max(...m) / Math.min(...m) - 1) * 100).toFixed(1)}%` : "-";
    };
    console.log(`${shapeKey(shape).padEnd(7)}${systems.map((s) => cell(spread(s), 11)).join("")}`);
  }

  const memoryTable = (title: string, field: (r: CallResult) => number): void => {
    console.log(`\n${title}, MiB, median over rounds; AK/x = AdapterKit fp32's MiB / x's MiB (< 1: AdapterKit smaller); AK8: int8's`);
    console.log(`${"shape".padEnd(7)}${systems.map((s) => cell(LABEL[s], 11)).join("")}${cell("AK/ORT fp32", 13)}${cell("AK8/ORT int8", 14)}${cell("AK/PyTorch", 12)}`);
    const mib = (s: System, shape: Shape): number => {
      const m = systems.includes(s) ? get(s, shape).map(field) : [];
      return m.length ? median(m) : NaN;
    };
    for (const shape of o.shapes) {
      const ak = mib("adapterkit", shape);
      const vs = (s: System): string => ratio(ak / mib(s, shape));
      console.log(`${shapeKey(shape).padEnd(7)}${systems.map((s) => cell(f0(mib(s, shape)), 11)).join("")}${cell(vs("ort-fp32"), 13)}${cell(ratio(mib("adapterkit-int8", shape) / mib("ort-int8", shape)), 14)}${cell(vs("pytorch"), 12)}`);
    }
  };
  memoryTable("peak resident memory (maxRSS) of the process that loaded the model and ran that shape", (r) => r.maxRssMiB);
  memoryTable("resident memory after the timed calls (RSS)", (r) => r.rssMiB);

  console.log(`\nmodel load, seconds (AdapterKit: loadBackend + loadPretrained + packWeights; PyTorch: build the modules + read model.safetensors;`);
  console.log(`ORT: InferenceSession.create with its graph optimizations), and the first call of each process, ms`);
  console.log(`${"system".padEnd(12)}${cell("load median", 12)}${cell("min", 8)}${cell("max", 8)}${cell("processes", 11)}   first call ms by shape (median), version`);
  for (const s of systems) {
    const all = o.shapes.flatMap((shape) => get(s, shape));
    const loads = all.map((r) => r.loadSeconds);
    if (!loads.length) continue;
    const first = o.shapes.map((shape) => {
      const f = get(s, shape).map((r) => r.firstCallSeconds * 1e3);
      return `${shapeKey(shape)} ${f.length ? f1(median(f)) : "-"}`;
    });
    console.log(`${LABEL[s].padEnd(12)}${cell(median(loads).toFixed(2), 12)}${cell(Math.min(...loads).toFixed(2), 8)}${cell(Math.max(...loads).toFixed(2), 8)}${cell(String(loads.length), 11)}   ${first.join(", ")}; ${all[0].version}`);
  }

  printChecks(o, systems);
}

// ---- correctness: the first call's last hidden states, compared ---------------------------------------------
/** max |a - b| and the cosine similarity of each token's H-vector: mean and minimum over the B·T tokens. */
function compare(a: Float32Array, b: Float32Array, H: number): { maxAbs: number; meanCos: number; minCos: number } {
  let maxAbs = 0;
  let sumCos = 0;
  let minCos = Infinity;
  const tokens = a.length / H;
  for (let t = 0; t < tokens; t++) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let h = t * H; h < (t + 1) * H; h++) {
      maxAbs = Math.max(maxAbs, Math.abs(a[h] - b[h]));
      dot += a[h] * b[h];
      na += a[h] * a[h];
      nb += b[h] * b[h];
    }
    const cos = dot / Math.sqrt(na * nb);
    sumCos += cos;
    minCos = Math.min(minCos, cos);
  }
  return { maxAbs, meanCos: sumCos / tokens, minCos };
}

function readOutput(system: System, shape: Shape, H: number): Float32Array | null {
  const path = outPath(system, shape);
  if (!existsSync(path)) return null;
  const bytes = readFileSync(path);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return data.length === shape.B * shape.T * H ? data : null;
}

function printChecks(o: Options, systems: System[]): void {
  const H = BERT_BASE.hidden_size;
  const pairs: [System, System][] = [
    ["adapterkit", "pytorch"], ["adapterkit", "ort-fp32"], ["ort-fp32", "pytorch"], ["adapterkit-int8", "adapterkit"], ["adapterkit-bf16", "adapterkit"], ["adapterkit-int8", "pytorch"], ["ort-int8", "ort-fp32"], ["ort-int8", "pytorch"],
  ];
  const rows = pairs.filter(([a, b]) => systems.includes(a) && systems.includes(b)).map(([a, b]) => ({
    label: `${LABEL[a]} vs ${LABEL[b]}`,
    akPt: a === "adapterkit" && b === "pytorch",
    byShape: o.shapes.map((shape) => {
      const x = readOutput(a, shape, H);
      const y = readOutput(b, shape, H);
      return x && y ? compare(x, y, H) : null;
    }),
  }));
  const width = 22;
  const header = `${"".padEnd(width + 2)}${o.shapes.map((s) => shapeKey(s).padStart(24)).join("")}`;
  console.log(`\nsame maths: the last hidden state (B,T,768) of each system's first call in round 1, compared pairwise`);
  console.log(`max |diff| over all B·T·768 values`);
  console.log(header);
  for (const r of rows) console.log(`${r.label.padEnd(width + 2)}${r.byShape.map((c) => (c ? c.maxAbs.toExponential(1) : "-").padStart(24)).join("")}`);
  console.log(`cosine similarity of each token's 768-vector: mean over the B·T tokens (min)`);
  console.log(header);
  for (const r of rows) console.log(`${r.label.padEnd(width + 2)}${r.byShape.map((c) => (c ? `${c.meanCos.toFixed(7)} (${c.minCos.toFixed(7)})` : "-").padStart(24)).join("")}`);
  const worst = Math.max(0, ...rows.filter((r) => r.akPt).flatMap((r) => r.byShape.map((c) => c?.maxAbs ?? 0)));
  if (worst > 1e-3) console.log(`warning: AdapterKit and PyTorch differ by up to ${worst.toExponential(1)} (expected ~1e-4 or less for the same fp32 maths)`);
}

// ---- entry ---------------------------------------------------------------------------------------------------
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child") {
    const [, role, specJson] = argv;
    if (role === "prepare") return prepare();
    const spec = JSON.parse(specJson) as ChildSpec;
    let result: CallResult;
    if (role === "adapterkit" || role === "adapterkit-int8" || role === "adapterkit-bf16") result = await childAdapterKit(role, spec);
    else if (role === "ort-fp32" || role === "ort-int8") result = await childOrt(role, spec);
    else throw new Error(`bench:infer: unknown child role "${role}"`);
    console.log(`RESULT ${JSON.stringify(result)}`);
    return;
  }
  await parent(parseOptions(argv));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : String(err));
  process.exit(1);
});
