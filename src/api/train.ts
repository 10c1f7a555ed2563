// Training one adapter through the library: the task's data first (a bad row should not wait for the model),
// a new adapter that holds exactly what the mode trains, the one training loop, the best adapter saved as it
// comes, and a summary returned to the caller. Modes that train encoder weights (full, top-layers) train a
// copy of the base the run owns, so the shared base is never written.
import { existsSync } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Engine } from "../autograd/index.js";
import { Adapter, ADAPTER_FOLDER_FILES, bottleneckConfig, loadAdapter, saveAdapter, type AdapterActivation, type AdapterInfo, type AdapterPreset } from "../adapters/index.js";
import { ConfigError } from "../errors.js";
import { headConfig, type Pooling } from "../heads/index.js";
import { saveHfModel, type BertModel } from "../models/index.js";
import { Rng } from "../rng.js";
import type { Tokenizer } from "../tokenize/index.js";
import {
  adapterPartsFor,
  applyTrainMode,
  countParameters,
  layerDecayScale,
  resolveTask,
  runOutcome,
  runTraining,
  TaskModel,
  trainsEncoder,
  TRAIN_MODES,
  writeReport,
  type AdamVariant,
  type EvalRecord,
  type InlineExample,
  type LoopConfig,
  type ParameterCounts,
  type RunOutcome,
  type RunSummary,
  type ScheduleKind,
  type StepInfo,
  type TaskSpec,
  type TrainMode,
} from "../train/index.js";
import type { TaskKind } from "../data/index.js";

/** Every knob of a run; each has the default written beside it. */
export interface TrainOptions {
  mode?: TrainMode; // "adapters"
  adapter?: AdapterPreset; // "houlsby"
  adapterSize?: number; // m = 64
  reductionFactor?: number; // m = floor(H / r), instead of adapterSize
  adapterActivation?: AdapterActivation; // the preset's
  initScale?: number; // 1e-3
  leaveOut?: readonly number[]; // []
  pooling?: Pooling; // "pooler"
  topLayers?: number; // 1, with mode "top-layers"
  lr?: number; // 3e-4 for adapter modes, 5e-5 for full and top-layers
  epochs?: number; // 3
  batchSize?: number; // 32
  gradAccumulation?: number; // 1
  maxSeqLength?: number; // 128
  warmupProportion?: number; // 0.1
  weightDecay?: number; // 0.01
  layerDecay?: number; // off
  optimizer?: AdamVariant; // "bert"
  schedule?: ScheduleKind; // "bert"
  seed?: number; // 42
  evalEvery?: number; // each epoch
  checkpointEvery?: number; // 200 steps
  maxTrainExamples?: number;
  maxDevExamples?: number;
  maxSteps?: number;
  resume?: boolean; // false
}

export interface TrainArgs {
  /** The new adapter's name. */
  adapter: string;
  /** Files (a GLUE task, your own TSV/CSV/JSONL, CoNLL) or, with train and dev below, the kind of in-memory examples. */
  task: TaskSpec | { kind: TaskKind; name?: string };
  train?: readonly InlineExample[];
  dev?: readonly InlineExample[];
  /** Folder for adapter/, checkpoints/, metrics.json and report.html. */
  out: string;
  options?: TrainOptions;
  /** Replace a loaded adapter of the same name. */
  replace?: boolean;
  onStart?(info: {
    task: string;
    kind: TaskKind;
    labels: readonly string[];
    trainExamples: number;
    devExamples: number;
    skipped: readonly { file: string; line: number; reason: string }[];
    counts: ParameterCounts;
    mode: TrainMode;
    /** What a sequence head reads, and whether the library chose it (no pooling given); null for tagging. */
    pooling: { pooling: Pooling; chosen: boolean } | null;
  }): void;
  onProgress?(progress: StepInfo): void;
  onEval?(record: EvalRecord, isBest: boolean): void;
}

export interface TrainSummary extends RunSummary, RunOutcome {
  adapterDir: string;
  /** Written by modes that train encoder weights. */
  modelDir: string | null;
  /** The adapter now loaded in the kit (null when the run trained its own encoder: its head fits only that). */
  loaded: AdapterInfo | null;
}

/** What a run needs of the kit it runs in. */
export interface TrainContext {
  engine: Engine;
  base: BertModel;
  tokenizer: Tokenizer;
  /** The tokenizer for pre-split words (CoNLL): for byte-level BPE, with a space before each word. */
  wordTokenizer(): Tokenizer;
  modelDir: string;
  kernels: string;
  /** The encoder a run that trains encoder weights owns (full, top-layers): the base's weights, its own copy. */
  ownEncoder(mode: TrainMode): Promise<BertModel>;
}

async function sizeOf(paths: readonly string[]): Promise<number> {
  let total = 0;
  for (const p of paths) if (existsSync(p)) total += (await stat(p)).size;
  return total;
}

function taskSpecOf(args: TrainArgs): TaskSpec {
  if ("source" in args.task) {
    if (args.train || args.dev) throw new ConfigError(`train: expected examples in the task's files or in train/dev, got both`);
    return args.task;
  }
  if (!args.train) throw new ConfigError(`train: expected train examples for a task of kind ${JSON.stringify(args.task.kind)}, got none`);
  return { source: "inline", name: args.task.name ?? args.adapter, kind: args.task.kind, train: args.train, dev: args.dev };
}

export async function trainAdapter(ctx: TrainContext, args: TrainArgs): Promise<{ summary: TrainSummary; adapter: Adapter | null }> {
  const started = Date.now();
  const o = args.options ?? {};
  const mode = o.mode ?? "adapters";
  if (!TRAIN_MODES.includes(mode)) throw new ConfigError(`train: unknown mode "${mode}"; expected one of ${TRAIN_MODES.join(", ")}`);
  const task = resolveTask(taskSpecOf(args));
  const c = ctx.base.config;
  const maxSeqLength = o.maxSeqLength ?? 128;
  const encoded = task.encode(task.kind === "tagging" ? ctx.wordTokenizer() : ctx.tokenizer, maxSeqLength);
  const trainSet = o.maxTrainExamples ? encoded.train.slice(0, o.maxTrainExamples) : encoded.train;
  const devSet = encoded.dev && o.maxDevExamples ? encoded.dev.slice(0, o.maxDevExamples) : encoded.dev;

  // the run's encoder: the shared frozen base, or (full, top-layers) a copy the run owns and trains
  const ownsEncoder = trainsEncoder(mode);
  const encoder = ownsEncoder ? await ctx.ownEncoder(mode) : ctx.base;
  const seed = o.seed ?? 42;
  const rng = new Rng(seed);
  const preset = o.adapter ?? "houlsby";
  const bottleneck = bottleneckConfig(
    preset,
    {
      bottleneckSize: o.adapterSize,
      reductionFactor: o.reductionFactor,
      activation: o.adapterActivation,
      initScale: o.initScale,
      leaveOut: o.leaveOut,
    },
    c.hiddenSize,
    c.numLayers,
  );
  // adapter-bert's classifier reads the frozen pooler; a base without one gets AdapterHub's default head
  const pooling = o.pooling ?? (encoder.pooler ? "pooler" : "cls");
  if (pooling === "pooler" && !encoder.pooler && task.kind !== "tagging") {
    throw new ConfigError(`train: pooling "pooler" reads the pooled output, and ${ctx.modelDir} has no pooler; hint: pooling "cls" (AdapterHub's default head) or "mean"`);
  }
  const head = headConfig(task.kind, task.labels, 0.1, pooling, task.kind === "tagging" ? false : task.textPair);
  const adapter = new Adapter(ctx.engine, args.adapter, encoder, { ...adapterPartsFor(mode, bottleneck), head }, { bottleneck: rng.fork("adapter"), head: rng.fork("head") });
  const model = new TaskModel(encoder, adapter);
  const groups = model.parameterGroups();
  const trainable = applyTrainMode(mode, groups, { topLayers: o.topLayers });
  const counts = countParameters(groups);
  args.onStart?.({
    task: task.name,
    kind: task.kind,
    labels: task.labels,
    trainExamples: trainSet.length,
    devExamples: devSet?.length ?? 0,
    skipped: task.skipped,
    counts,
    mode,
    pooling: task.kind === "tagging" ? null : { pooling, chosen: o.pooling === undefined },
  });

  const out = resolve(args.out);
  const adapterDir = join(out, "adapter");
  const modelOut = ownsEncoder ? join(out, "model") : null;
  await mkdir(out, { recursive: true });
  const config: LoopConfig = {
    epochs: o.epochs ?? 3,
    batchSize: o.batchSize ?? 32,
    gradAccumulation: o.gradAccumulation ?? 1,
    lr: o.lr ?? (ownsEncoder ? 5e-5 : 3e-4),
    warmupProportion: o.warmupProportion ?? 0.1,
    schedule: o.schedule ?? "bert",
    optimizer: o.optimizer ?? "bert",
    weightDecay: o.weightDecay ?? 0.01,
    clipNorm: 1.0,
    seed,
    evalEverySteps: o.evalEvery ?? null,
    checkpointEverySteps: o.checkpointEvery ?? 200,
    maxSteps: o.maxSteps,
  };
  const save = async (): Promise<void> => {
    if (modelOut) await saveHfModel(modelOut, encoder, c, { tokenizerFrom: ctx.modelDir });
    await saveAdapter(adapterDir, adapter, c);
  };
  const history = await runTraining({
    engine: ctx.engine,
    model,
    trainable,
    train: trainSet,
    dev: devSet,
    kind: task.kind,
    padId: ctx.tokenizer.specialTokenIds.pad ?? 0,
    score: task.score,
    config,
    checkpointDir: join(out, "checkpoints"),
    resume: o.resume ?? false,
    lrScale: o.layerDecay === undefined ? undefined : layerDecayScale(c.numLayers, o.layerDecay),
    events: {
      onStep: (s) => args.onProgress?.(s),
      onEval: args.onEval,
      onBest: save,
    },
  });
  if (!devSet) await save(); // without dev data the adapter kept is the last one
  const outcome = runOutcome(history, task.primaryMetric, out);
  const adapterBytes = await sizeOf(ADAPTER_FOLDER_FILES.map((f) => join(adapterDir, f)));
  const modelBytes = await sizeOf(["model.safetensors", "pytorch_model.bin", "bert_model.ckpt.data-00000-of-00001"].map((f) => join(ctx.modelDir, f)));
  const run: RunSummary = {
    task: task.name,
    model: ctx.modelDir,
    mode,
    adapter: mode === "adapters" ? preset : null,
    parameters: counts,
    config: { ...config, maxSeqLength, trainExamples: trainSet.length, devExamples: devSet?.length ?? 0 },
    final: outcome.best?.metrics ?? {},
    adapterBytes,
    modelBytes,
    seconds: (Date.now() - started) / 1000,
    backend: ctx.kernels,
  };
  await writeReport(out, run, history);
  const summary: TrainSummary = {
    ...run,
    ...outcome,
    adapterDir,
    modelDir: modelOut,
    loaded: ownsEncoder ? null : adapter.info(),
  };
  // the kit keeps the adapter the folder holds: the best on dev, which (after later steps, or in a resumed run
  // whose best an earlier process saved) is not the one in memory
  const kept = ownsEncoder ? null : devSet ? await loadAdapter(ctx.engine, adapterDir, encoder, args.adapter) : adapter;
  return { summary, adapter: kept };
}
