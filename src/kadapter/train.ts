// Training with K-Adapter through the library, with its defaults here rather than in a command:
//   pretrainKnowledgeAdapter  one knowledge adapter beside the frozen base, on relation classification
//                             (factual) or dependency heads (linguistic); saves the adapter folder
//   trainKnowledgeTask        entity typing (OpenEntity) or relation classification (TACRED format) over the
//                             base with zero or more pretrained knowledge adapters and their fusion
// Both run the one training loop (checkpoints, resume, best on dev) and write metrics.json and report.html;
// a downstream run keeps its best as a task folder (task/) that a kit loads next to bottleneck adapters.
// When the PLM trains (the reference fine-tunes it downstream) the run trains its own copy of the base.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Engine } from "../autograd/index.js";
import { ConfigError } from "../errors.js";
import { DependencyHead, EntityTypingHead, RelationClassificationHead, RelationHead } from "../heads/index.js";
import { saveHfModel, type BertModel } from "../models/index.js";
import { Rng } from "../rng.js";
import type { Tokenizer } from "../tokenize/index.js";
import {
  runOutcome, runTraining, writeReport, type EvalRecord, type History, type LoopConfig, type NamedTensor, type RunOutcome, type StepInfo, type TrainableModel,
} from "../train/index.js";
import { knowledgeAdapterConfig } from "./config.js";
import { loadKnowledgeAdapter, saveKnowledgeAdapter } from "./folder.js";
import { FUSION_MODES, KnowledgeFusion, type FusionMode } from "./fusion.js";
import { KAdapterModel } from "./kadapter-model.js";
import { KnowledgeAdapter } from "./knowledge-adapter.js";
import { saveKnowledgeTaskFolder } from "./task-folder.js";
import { KnowledgePretrainModel, KnowledgeTaskModel } from "./task-models.js";
import { loadKnowledgeTask, type KnowledgeTask, type KnowledgeTaskName } from "./tasks.js";

/** What a run needs of the kit it runs in. */
export interface KnowledgeContext {
  engine: Engine;
  base: BertModel;
  tokenizer: Tokenizer;
  kernels: string;
  modelDir: string;
}

export interface KnowledgeLoopOptions {
  out: string;
  /** The shared data folder the default files come from. */
  dataDir: string;
  trainFile?: string;
  devFile?: string;
  lr?: number;
  epochs?: number;
  batchSize?: number;
  maxSeqLength?: number;
  warmupProportion?: number; // 0.1
  weightDecay?: number;
  seed?: number; // 42
  evalEvery?: number; // each epoch
  checkpointEvery?: number; // 200
  maxTrainExamples?: number;
  maxSteps?: number;
  resume?: boolean;
}

export interface KnowledgeEvents {
  onStart?(info: { task: KnowledgeTask; description: string; trainable: number; total: number }): void;
  onProgress?(step: StepInfo): void;
  onEval?(record: EvalRecord, isBest: boolean): void;
}

export interface KnowledgePretrainArgs extends KnowledgeLoopOptions, KnowledgeEvents {
  task: "relation" | "dependency";
  adapterHidden?: number; // half the PLM's hidden size
  adapterHeads?: number; // half the PLM's heads
  adapterIntermediate?: number; // 4 x adapterHidden
  adapterLayers?: number; // N = 2
  pluginLayers?: readonly number[]; // {0, middle, last}
  skipLayers?: number; // 0
  maskPadding?: boolean; // true (the reference attends to padding)
}

export interface KnowledgeTaskArgs extends KnowledgeLoopOptions, KnowledgeEvents {
  task: "openentity" | "tacred";
  /** Pretrained knowledge adapter folders by name; none for the PLM alone (the baseline). */
  knowledge: readonly { name: string; dir: string }[];
  fusion?: FusionMode; // "concat"
  freezeEncoder?: boolean; // false: the PLM trains, as in the reference scripts
  trainAdapters?: boolean; // false: the adapters stay frozen, as in the reference scripts
}

/** Defaults per kind of run (the reference's learning rates at this scale, measured in experiment:kadapter). */
export const KNOWLEDGE_PRETRAIN_DEFAULTS = { lr: 3e-4, epochs: 5, batchSize: 32, maxSeqLength: 64, weightDecay: 0 } as const;
export const KNOWLEDGE_TASK_DEFAULTS = { lr: 1e-4, epochs: 3, batchSize: 32, maxSeqLength: 128, weightDecay: 0.01 } as const;

const size = (list: readonly NamedTensor[]): number => list.reduce((n, [, t]) => n + t.size, 0);

function freeze(list: readonly NamedTensor[], trains: boolean): NamedTensor[] {
  for (const [, t] of list) t.requiresGrad = trains;
  return trains ? [...list] : [];
}

function loadTask(ctx: KnowledgeContext, name: KnowledgeTaskName, o: KnowledgeLoopOptions, maxLength: number): KnowledgeTask {
  const task = loadKnowledgeTask({ name, dataDir: o.dataDir, trainFile: o.trainFile, devFile: o.devFile, maxLength }, ctx.tokenizer);
  if (o.maxTrainExamples) task.train = task.train.slice(0, o.maxTrainExamples);
  return task;
}

async function run(ctx: KnowledgeContext, o: KnowledgeLoopOptions & KnowledgeEvents, defaults: typeof KNOWLEDGE_TASK_DEFAULTS | typeof KNOWLEDGE_PRETRAIN_DEFAULTS,
  task: KnowledgeTask, model: TrainableModel, trainable: NamedTensor[], counts: { total: number; adapter: number; head: number }, description: string,
  onBest: () => Promise<void>): Promise<RunOutcome> {
  const started = Date.now();
  const out = resolve(o.out);
  await mkdir(out, { recursive: true });
  o.onStart?.({ task, description, trainable: size(trainable), total: counts.total });
  const config: LoopConfig = {
    epochs: o.epochs ?? defaults.epochs, batchSize: o.batchSize ?? defaults.batchSize, gradAccumulation: 1, lr: o.lr ?? defaults.lr,
    warmupProportion: o.warmupProportion ?? 0.1, schedule: "linear", optimizer: "torch", weightDecay: o.weightDecay ?? defaults.weightDecay,
    clipNorm: 1.0, seed: o.seed ?? 42, evalEverySteps: o.evalEvery ?? null, checkpointEverySteps: o.checkpointEvery ?? 200, maxSteps: o.maxSteps,
  };
  const history: History = await runTraining({
    engine: ctx.engine, model, trainable, train: task.train, dev: task.dev, kind: task.kind, padId: ctx.tokenizer.specialTokenIds.pad ?? 0,
    score: task.score, config, checkpointDir: join(out, "checkpoints"), resume: o.resume ?? false,
    events: { onStep: o.onProgress, onEval: o.onEval, onBest },
  });
  const outcome = runOutcome(history, task.primaryMetric, out);
  await writeReport(out, {
    task: task.name, model: ctx.modelDir, mode: description, adapter: null,
    parameters: { ...counts, trainable: size(trainable) },
    config: { ...config, maxSeqLength: o.maxSeqLength, trainExamples: task.train.length, devExamples: task.dev.length, files: task.files },
    final: outcome.best?.metrics ?? {}, adapterBytes: null, modelBytes: null, seconds: (Date.now() - started) / 1000, backend: ctx.kernels,
  }, history);
  return outcome;
}

export async function pretrainKnowledgeAdapter(ctx: KnowledgeContext, args: KnowledgePretrainArgs): Promise<RunOutcome & { adapterDir: string }> {
  if (args.task !== "relation" && args.task !== "dependency") throw new ConfigError(`kadapter pretrain: expected task relation or dependency, got "${String(args.task)}"`);
  const d = KNOWLEDGE_PRETRAIN_DEFAULTS;
  const maxSeqLength = args.maxSeqLength ?? d.maxSeqLength;
  const plm = ctx.base.config;
  const task = loadTask(ctx, args.task, args, maxSeqLength);
  const adapterHidden = args.adapterHidden ?? Math.max(1, Math.floor(plm.hiddenSize / 2));
  const config = knowledgeAdapterConfig({
    plmHidden: plm.hiddenSize, plmLayers: plm.numLayers, adapterHidden,
    numHeads: args.adapterHeads ?? Math.max(1, Math.floor(plm.numHeads / 2)), intermediateSize: args.adapterIntermediate ?? 4 * adapterHidden,
    transformerLayers: args.adapterLayers ?? 2, pluginLayers: args.pluginLayers, skipLayers: args.skipLayers ?? 0, maskPadding: args.maskPadding ?? true,
  }, "kadapter pretrain");
  const rng = new Rng(args.seed ?? 42);
  const adapter = new KnowledgeAdapter(ctx.engine, config, rng.fork("adapter"));
  const H = plm.hiddenSize;
  const head = args.task === "relation"
    ? new RelationHead(ctx.engine, { hiddenSize: H, numRelations: task.labels.length, dropout: plm.hiddenDropout }, rng.fork("head"))
    : new DependencyHead(ctx.engine, { hiddenSize: H, maxSeqLength, dropout: plm.hiddenDropout }, rng.fork("head"));
  const model = new KnowledgePretrainModel(new KAdapterModel(ctx.base, [adapter], null), head);
  const groups = model.parameterGroups();
  const trainable = [...freeze(groups.plm, false), ...freeze(groups.adapter, true), ...freeze(groups.head, true)];
  const adapterDir = join(resolve(args.out), "adapter");
  const description = `knowledge adapter pretraining (model frozen): plug-in points ${config.pluginLayers.join(", ")}, width ${config.adapterHidden}, ${config.numHeads} heads, ${config.transformerLayers} layers each; padding ${config.maskPadding ? "masked" : "not masked (the reference's behaviour)"}`;
  const counts = { total: size(groups.plm) + size(groups.adapter) + size(groups.head), adapter: size(groups.adapter), head: size(groups.head) };
  const outcome = await run(ctx, { ...args, maxSeqLength }, d, task, model, trainable, counts, description,
    () => saveKnowledgeAdapter(adapterDir, adapter));
  return { ...outcome, adapterDir };
}

export async function trainKnowledgeTask(ctx: KnowledgeContext, args: KnowledgeTaskArgs): Promise<RunOutcome> {
  if (args.task !== "openentity" && args.task !== "tacred") throw new ConfigError(`K-Adapter task: expected openentity or tacred, got "${String(args.task)}"`);
  const fusionMode = args.fusion ?? "concat";
  if (!FUSION_MODES.includes(fusionMode)) throw new ConfigError(`K-Adapter task: unknown fusion "${fusionMode}"; expected one of ${FUSION_MODES.join(", ")}`);
  const d = KNOWLEDGE_TASK_DEFAULTS;
  const maxSeqLength = args.maxSeqLength ?? d.maxSeqLength;
  const { engine } = ctx;
  const task = loadTask(ctx, args.task, args, maxSeqLength);
  const adapters = await Promise.all(args.knowledge.map(async ({ name, dir }) => ({ name, adapter: await loadKnowledgeAdapter(dir, engine) })));
  const rng = new Rng(args.seed ?? 42);
  const plmConfig = ctx.base.config;
  const H = plmConfig.hiddenSize;
  const fusion = adapters.length ? new KnowledgeFusion(engine, fusionMode, H, adapters.length, rng.fork("fusion")) : null;
  const head = args.task === "openentity"
    ? new EntityTypingHead(engine, { hiddenSize: H, numTypes: task.labels.length, dropout: plmConfig.hiddenDropout }, rng.fork("head"))
    : new RelationClassificationHead(engine, { hiddenSize: H, numRelations: task.labels.length, dropout: plmConfig.hiddenDropout }, rng.fork("head"));
  // a PLM that trains is the run's own copy: the base stays as loaded
  const plm = args.freezeEncoder ? ctx.base : ctx.base.copy();
  const model = new KnowledgeTaskModel(new KAdapterModel(plm, adapters.map((a) => a.adapter), fusion), head);
  const groups = model.parameterGroups();
  const trainable = [
    ...freeze(groups.plm, !args.freezeEncoder), ...freeze(groups.adapters, args.trainAdapters ?? false), ...freeze(groups.fusion, true), ...freeze(groups.head, true),
  ];
  const out = resolve(args.out);
  const description = `${args.freezeEncoder ? "encoder frozen" : "encoder fine-tuned"}, ${adapters.length ? `knowledge adapters ${adapters.map((a) => a.name).join(", ")} (${fusionMode} fusion, ${args.trainAdapters ? "trained" : "frozen"})` : "no knowledge adapter"}`;
  const counts = {
    total: size(groups.plm) + size(groups.adapters) + size(groups.fusion) + size(groups.head), adapter: size(groups.adapters) + size(groups.fusion), head: size(groups.head),
  };
  const frozenSha256 = args.freezeEncoder ? plm.fingerprint() : null; // a frozen encoder hashes the same at every save
  return run(ctx, { ...args, maxSeqLength }, d, task, model, trainable, counts, description, async () => {
      await saveKnowledgeTaskFolder(join(out, "task"), {
        task: args.task, labels: task.labels, maxSeqLength, hiddenSize: H, encoderFineTuned: !args.freezeEncoder, encoderSha256: frozenSha256 ?? plm.fingerprint(),
        knowledge: adapters, fusion, fusionMode, head,
      });
      if (!args.freezeEncoder) await saveHfModel(join(out, "model"), plm, plmConfig, { tokenizerFrom: ctx.modelDir });
      if (args.trainAdapters) for (const { name, adapter } of adapters) await saveKnowledgeAdapter(join(out, "adapters", name), adapter);
    });
}
