// npm run experiment:houlsby — Adapter-BERT's central claim measured on the shipped mini BERT: on SST-2,
// MRPC and CoLA dev, full fine-tuning against Houlsby adapters (m = 8 and 64), Pfeiffer adapters,
// LayerNorm-only, head-only and top-layer fine-tuning, each with a small learning-rate sweep as in the paper.
//
// Protocol (the paper's, scaled to 2 CPU cores): every method × task runs each learning rate of its sweep with
// seed 1; the best on dev is then run with the remaining seeds. The table gives mean ± standard deviation over
// the seeds at that learning rate, the trained-parameter share and the mean wall time. Every finished run is
// appended to results/houlsby-runs.json at once, so the command resumes where it stopped; the table is
// rewritten into results/houlsby.md and into README.md between its markers after every run.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { Command } from "commander";
import { AdapterKit } from "../src/api/index.js";
import { fullDataDir } from "../src/cli/setup.js";
import type { Pooling } from "../src/heads/index.js";
import { writeInitialisedModel } from "../src/models/index.js";
import { type TrainMode } from "../src/train/index.js";
import { loadRuns, mean, publishRuns, ROOT, std } from "./runs.js";

interface Method {
  id: string;
  label: string;
  mode: TrainMode;
  adapter?: "houlsby" | "pfeiffer";
  adapterSize?: number;
  topLayers?: number;
  /** "random": the same architecture freshly initialised, the baseline pretraining must beat. */
  base?: "random";
  lrs: number[];
}

// Learning rates: the paper swept {3e-5, 3e-4, 3e-3}; a small model fine-tunes best at higher rates than
// BERT-large, so full and top-layer fine-tuning sweep {1e-4, 3e-4} and the small parameter sets {3e-4, 1e-3, 3e-3}.
const METHODS: Method[] = [
  { id: "full", label: "Full fine-tuning", mode: "full", lrs: [1e-4, 3e-4] },
  { id: "houlsby-64", label: "Houlsby adapters, m = 64", mode: "adapters", adapter: "houlsby", adapterSize: 64, lrs: [3e-4, 1e-3, 3e-3] },
  { id: "houlsby-8", label: "Houlsby adapters, m = 8", mode: "adapters", adapter: "houlsby", adapterSize: 8, lrs: [3e-4, 1e-3, 3e-3] },
  { id: "pfeiffer-64", label: "Pfeiffer adapter, m = 64", mode: "adapters", adapter: "pfeiffer", adapterSize: 64, lrs: [3e-4, 1e-3, 3e-3] },
  { id: "top-1", label: "Top layer only", mode: "top-layers", topLayers: 1, lrs: [1e-4, 3e-4] },
  { id: "layernorm-only", label: "LayerNorm only", mode: "layernorm-only", lrs: [1e-3, 3e-3] },
  { id: "head-only", label: "Head only", mode: "head-only", lrs: [1e-3, 3e-3] },
  { id: "full-random-init", label: "Full fine-tuning from random init (no pretraining)", mode: "full", base: "random", lrs: [1e-4, 3e-4] },
  // the control for the frozen-feature rows: what a classifier learns over features nobody pretrained
  { id: "head-only-random-init", label: "Head only over random init (no pretraining)", mode: "head-only", base: "random", lrs: [1e-3, 3e-3] },
];

interface TaskPlan {
  name: "SST-2" | "MRPC" | "CoLA";
  metric: string; // the paper's: accuracy, F1, Matthews correlation
  maxTrainExamples?: number;
  epochs: number;
}

// Budgets that fit the whole table (9 methods, 39 runs per task) into an hour or two on 2 cores; MRPC's
// sentence pairs are about four times longer than SST-2's and CoLA's training sentences.
const TASKS: TaskPlan[] = [
  { name: "SST-2", metric: "accuracy", maxTrainExamples: 2000, epochs: 2 },
  { name: "MRPC", metric: "f1", maxTrainExamples: 1000, epochs: 3 },
  { name: "CoLA", metric: "mcc", maxTrainExamples: 2000, epochs: 2 },
];

// Published GLUE test numbers for BERT-large (Houlsby et al. 2019, Table 1), for the README table.
const PAPER: Record<string, Record<string, number>> = {
  full: { "SST-2": 94.9, MRPC: 89.3, CoLA: 60.5 },
  "houlsby-64": { "SST-2": 94.2, MRPC: 89.6, CoLA: 56.9 },
};

interface RunResult {
  task: string;
  method: string;
  lr: number;
  seed: number;
  metric: number; // the task's paper metric on dev, of the best evaluation
  metrics: Record<string, number>;
  trainedPercent: number; // trained parameters as a share of the base model's
  seconds: number;
}

interface Flags {
  model: string;
  data: string;
  seeds: number;
  tasks: string;
  methods: string;
  results: string;
  readme: boolean;
  quick: boolean;
  maxTrainExamples?: number;
  epochs?: number;
  layerDecay?: number;
  pooling: Pooling;
}

/** A freshly initialised model of the same architecture and vocabulary as flags.model (made once). */
async function randomInitModel(flags: Flags): Promise<string> {
  const config = JSON.parse(readFileSync(join(flags.model, "config.json"), "utf8")) as Record<string, number>;
  const dir = join(ROOT, "runs", `random-init-${basename(flags.model)}-${config.num_hidden_layers}x${config.hidden_size}`);
  if (existsSync(join(dir, "config.json"))) return dir;
  await writeInitialisedModel(dir, {
    vocab: join(flags.model, "vocab.txt"), layers: config.num_hidden_layers, hidden: config.hidden_size, heads: config.num_attention_heads,
    intermediate: config.intermediate_size, maxPositions: config.max_position_embeddings, lowercase: true, seed: 0,
  });
  return dir;
}

/** One kit per base model, loaded once: every run trains an adapter over it (full fine-tuning, a copy of it). */
const kits = new Map<string, AdapterKit>();
async function kitFor(model: string): Promise<AdapterKit> {
  const kit = kits.get(model) ?? await AdapterKit.load(model, { log: (line) => console.error(line) });
  kits.set(model, kit);
  return kit;
}

async function runOne(flags: Flags, task: TaskPlan, method: Method, lr: number, seed: number): Promise<RunResult> {
  const out = join(tmpdir(), `adapterkit-houlsby-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  const kit = await kitFor(method.base === "random" ? await randomInitModel(flags) : flags.model);
  const summary = await kit.train({
    adapter: "run", replace: true, task: { source: "glue", name: task.name, dataDir: join(flags.data, "glue") }, out,
    options: {
      mode: method.mode, adapter: method.adapter ?? "houlsby", adapterSize: method.adapterSize, topLayers: method.topLayers, lr,
      epochs: flags.quick ? 1 : flags.epochs ?? task.epochs, batchSize: 32, maxSeqLength: 128, warmupProportion: 0.1, weightDecay: 0.01,
      optimizer: "bert", schedule: "bert", seed, checkpointEvery: 1_000_000, pooling: flags.pooling, layerDecay: flags.layerDecay,
      maxTrainExamples: flags.quick ? 64 : flags.maxTrainExamples ?? task.maxTrainExamples, maxDevExamples: flags.quick ? 32 : undefined,
    },
  });
  if (summary.loaded) kit.unloadAdapter("run");
  rmSync(out, { recursive: true, force: true });
  const p = summary.parameters;
  return {
    task: task.name, method: method.id, lr, seed, metric: summary.final[task.metric], metrics: summary.final,
    trainedPercent: (100 * p.trainable) / (p.total - p.adapter - p.head), seconds: summary.seconds,
  };
}

/** The learning rate whose seed-1 run scored best on dev, once every rate of the sweep has run. */
function bestLr(runs: RunResult[], task: string, method: Method): number | null {
  const firsts = method.lrs.map((lr) => runs.find((r) => r.task === task && r.method === method.id && r.lr === lr && r.seed === 1));
  if (firsts.some((r) => !r)) return null;
  return firsts.reduce((best, r) => (r!.metric > best!.metric ? r : best))!.lr;
}

function table(runs: RunResult[], tasks: TaskPlan[], methods: readonly Method[], seeds: number): string {
  const metricName: Record<string, string> = { accuracy: "acc", f1: "F1", mcc: "MCC" };
  const header = `| method | trained params | ${tasks.map((t) => `${t.name} (${metricName[t.metric]})`).join(" | ")} | mean wall time per run |`;
  const rows = methods.map((m) => {
    const cells: string[] = [];
    const percents: number[] = [];
    const seconds: number[] = [];
    for (const t of tasks) {
      const lr = bestLr(runs, t.name, m);
      const at = lr === null ? [] : runs.filter((r) => r.task === t.name && r.method === m.id && r.lr === lr);
      percents.push(...at.map((r) => r.trainedPercent));
      seconds.push(...at.map((r) => r.seconds));
      const paper = PAPER[m.id]?.[t.name];
      const scores = at.map((r) => 100 * r.metric);
      cells.push(at.length ? `${mean(scores).toFixed(1)} ± ${std(scores).toFixed(1)} (n=${at.length}/${seeds}, lr ${lr})${paper ? ` [paper ${paper}]` : ""}` : "not run");
    }
    const share = percents.length ? `${mean(percents).toFixed(2)}%` : "-";
    const time = seconds.length ? `${Math.round(mean(seconds))} s` : "-";
    return `| ${m.label} | ${share} | ${cells.join(" | ")} | ${time} |`;
  });
  return [header, `|${"---|".repeat(tasks.length + 3)}`, ...rows].join("\n");
}

/** Writes the raw runs, the table beside them and (unless --no-readme) the README's copy; returns the table. */
async function writeOutputs(flags: Flags, runs: RunResult[], asked: TaskPlan[], askedMethods: readonly Method[]): Promise<string> {
  // the table keeps every row and column the raw results hold, so running a subset adds to it
  const tasks = TASKS.filter((t) => asked.includes(t) || runs.some((r) => r.task === t.name));
  const methods = METHODS.filter((m) => askedMethods.includes(m) || runs.some((r) => r.method === m.id));
  const budget = flags.quick ? "64 training examples x 1 epoch (--quick smoke run; the numbers mean nothing)" : tasks.map((t) => `${t.name} ${(flags.maxTrainExamples ?? t.maxTrainExamples)?.toLocaleString("en") ?? "all"} training examples x ${flags.epochs ?? t.epochs} epochs`).join(", ");
  const md = `${table(runs, tasks, methods, flags.seeds)}\n\nBudget per run: ${budget}; batch 32, max length 128;${flags.layerDecay === undefined ? "" : ` layer-wise learning-rate decay ${flags.layerDecay};`} the classifier reads ${flags.pooling === "mean" ? "the mean of the last hidden states" : "the pooled [CLS] output (pooler frozen)"}. Dev-set scores x 100, mean ± sample standard deviation over seeds at the learning rate that scored best with seed 1; [paper] is BERT-large on the GLUE test server (Houlsby et al. 2019, Table 1). Produced by \`npm run experiment:houlsby\``;
  await publishRuns(flags.results, flags.model, runs, md, flags.readme ? "houlsby-table" : null);
  return md;
}

async function main(flags: Flags): Promise<void> {
  const tasks = TASKS.filter((t) => flags.tasks.split(",").includes(t.name));
  const methods = METHODS.filter((m) => flags.methods === "all" || flags.methods.split(",").includes(m.id));
  await mkdir(dirname(flags.results), { recursive: true });
  const runs = loadRuns<RunResult>(flags.results, flags.model);
  const done = (t: string, m: string, lr: number, seed: number): boolean => runs.some((r) => r.task === t && r.method === m && r.lr === lr && r.seed === seed);
  const record = async (r: RunResult): Promise<void> => {
    runs.push(r);
    await writeOutputs(flags, runs, tasks, methods);
    console.log(`== ${r.task} ${r.method} lr ${r.lr} seed ${r.seed}: ${(100 * r.metric).toFixed(2)} (${Math.round(r.seconds)} s)`);
  };
  for (const task of tasks) {
    for (const method of methods) {
      for (const lr of method.lrs) if (!done(task.name, method.id, lr, 1)) await record(await runOne(flags, task, method, lr, 1));
      const lr = bestLr(runs, task.name, method)!;
      for (let seed = 2; seed <= flags.seeds; seed++) if (!done(task.name, method.id, lr, seed)) await record(await runOne(flags, task, method, lr, seed));
    }
  }
  console.log(await writeOutputs(flags, runs, tasks, methods));
}

const program = new Command()
  .option("--model <dir>", "the base model", join(ROOT, "models/mini-bert-uncased"))
  .option("--data <dir>", "the full data folder (default ../shared/data)")
  .option("--seeds <n>", "seeds per method and task", (v) => Number(v), 3)
  .option("--tasks <list>", "comma-separated", "SST-2,MRPC,CoLA")
  .option("--methods <list>", `comma-separated ids (${METHODS.map((m) => m.id).join(", ")}) or all`, "all")
  .option("--results <file>", "raw results (JSON); the table is written beside it", join(ROOT, "experiments/results/houlsby-runs.json"))
  .option("--no-readme", "do not rewrite the table in README.md")
  .option("--max-train-examples <n>", "cap every task's training set (default: SST-2 and CoLA 2,000, MRPC 1,000)", (v) => Number(v))
  .option("--epochs <n>", "epochs for every task (default: SST-2 and CoLA 2, MRPC 3)", (v) => Number(v))
  .option("--layer-decay <x>", "layer-wise learning-rate decay for every method (train --layer-decay; default off)", (v) => Number(v))
  .option("--pooling <how>", "what the classifier reads: mean (of the last hidden states; the mini BERT's [CLS] barely varies) or pooler (as adapter-bert)", "mean")
  .option("--quick", "a smoke run: 64 training examples, 1 epoch, 32 dev examples (numbers meaningless)", false);
program.parse();
const opts = program.opts<Omit<Flags, "data"> & { data?: string }>();
await main({ ...opts, data: fullDataDir(opts.data, "experiment:houlsby") });
