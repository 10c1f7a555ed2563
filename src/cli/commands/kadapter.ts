// K-Adapter from the command line:
//   adapterkit kadapter pretrain --task relation|dependency   a knowledge adapter beside the frozen model
//   adapterkit train --knowledge fac=DIR,lin=DIR --task openentity|tacred   downstream, with those adapters
// Both train through the same loop as `train` (checkpoints, resume, best-on-dev) and write metrics.json and
// report.html beside what they produce.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { ConfigError } from "../../errors.js";
import { DependencyHead, EntityTypingHead, RelationClassificationHead, RelationHead } from "../../heads/index.js";
import { encodeSafetensors, writeFilesAtomic } from "../../io/index.js";
import {
  FUSION_MODES, KnowledgeAdapter, KnowledgeFusion, knowledgeAdapterConfig, loadKnowledgeAdapter, saveHfModel, saveKnowledgeAdapter, type FusionMode,
} from "../../models/index.js";
import { KnowledgePretrainModel, KnowledgeTaskModel, loadKnowledgeTask, type KnowledgeTask, type KnowledgeTaskName } from "../../kadapter/index.js";
import { Rng } from "../../rng.js";
import { runTraining, writeReport, type LoopConfig, type NamedTensor, type TrainableModel } from "../../train/index.js";
import { Progress } from "../progress.js";
import { defaultDataDir, integer, log, number, openModel, type Session } from "../setup.js";

interface LoopFlags {
  model: string;
  out: string;
  data?: string;
  trainFile?: string;
  devFile?: string;
  lr: number;
  epochs: number;
  batchSize: number;
  maxSeqLength: number;
  warmupProportion: number;
  weightDecay: number;
  seed: number;
  evalEvery?: number;
  checkpointEvery: number;
  maxTrainExamples?: number;
  maxSteps?: number;
  resume: boolean;
}

export interface KnowledgePretrainFlags extends LoopFlags {
  task: "relation" | "dependency";
  adapterHidden?: number;
  adapterHeads?: number;
  adapterIntermediate?: number;
  adapterLayers: number;
  pluginLayers?: number[];
  skipLayers: number;
  maskPadding: boolean;
}

export interface KnowledgeTrainFlags extends LoopFlags {
  task: "openentity" | "tacred";
  /** name=dir pairs; empty for the model alone (the baseline). */
  knowledge: { name: string; dir: string }[];
  fusion: FusionMode;
  freezeEncoder: boolean;
  trainAdapters: boolean;
}

function loadTask(session: Session, name: KnowledgeTaskName, flags: LoopFlags): KnowledgeTask {
  const task = loadKnowledgeTask({ name, dataDir: flags.data ?? defaultDataDir(), trainFile: flags.trainFile, devFile: flags.devFile, maxLength: flags.maxSeqLength }, session.tokenizer);
  if (flags.maxTrainExamples) task.train = task.train.slice(0, flags.maxTrainExamples);
  log(`task ${task.name}: ${task.train.length} train / ${task.dev.length} dev examples from ${task.files.join(", ")}${task.dropped.length ? `; left out ${task.dropped.length} (malformed, or cut off by --max-seq-length; e.g. ${task.dropped.slice(0, 2).join(", ")})` : ""}`);
  return task;
}

/** Runs the shared loop with a progress bar; onBest saves what the run produces. Returns the kept dev metrics. */
async function trainAndReport(session: Session, flags: LoopFlags, task: KnowledgeTask, model: TrainableModel, trainable: NamedTensor[],
  counts: { total: number; adapter: number; head: number }, mode: string, onBest: () => Promise<void>): Promise<Record<string, number>> {
  const started = Date.now();
  const out = resolve(flags.out);
  await mkdir(out, { recursive: true });
  const trainableCount = trainable.reduce((n, [, t]) => n + t.size, 0);
  log(`parameters: ${counts.total.toLocaleString("en")} total, ${trainableCount.toLocaleString("en")} trainable (${((100 * trainableCount) / counts.total).toFixed(2)}%); ${mode}`);
  const config: LoopConfig = {
    epochs: flags.epochs, batchSize: flags.batchSize, gradAccumulation: 1, lr: flags.lr, warmupProportion: flags.warmupProportion,
    schedule: "linear", optimizer: "torch", weightDecay: flags.weightDecay, clipNorm: 1.0, seed: flags.seed,
    evalEverySteps: flags.evalEvery ?? null, checkpointEverySteps: flags.checkpointEvery, maxSteps: flags.maxSteps,
  };
  const progress = new Progress(task.name);
  let progressStarted = false;
  let best: Record<string, number> = {};
  const history = await runTraining({
    engine: session.engine, model, trainable, train: task.train, dev: task.dev, kind: task.kind, padId: session.tokenizer.specialTokenIds.pad ?? 0,
    score: task.score, config, checkpointDir: join(out, "checkpoints"), resume: flags.resume,
    events: {
      onStep: (s) => {
        if (!progressStarted) progress.start(s.totalSteps, s.step - 1);
        progressStarted = true;
        progress.update({ step: s.step, total: s.totalSteps, loss: s.loss, lr: s.lr, tokens: s.tokens });
      },
      onEval: (r, isBest) => {
        if (isBest) best = r.metrics;
        progress.log(`eval step ${r.step} (epoch ${r.epoch + 1}): ${Object.entries(r.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(", ")}${isBest ? " (best)" : ""}`);
      },
      onBest,
    },
  });
  progress.stop();
  await writeReport(out, {
    task: task.name, model: flags.model, mode, adapter: null,
    parameters: { total: counts.total, trainable: trainableCount, adapter: counts.adapter, head: counts.head },
    config: { ...config, maxSeqLength: flags.maxSeqLength, trainExamples: task.train.length, devExamples: task.dev.length, files: task.files },
    final: best, adapterBytes: null, modelBytes: null, seconds: (Date.now() - started) / 1000, backend: session.backend.name,
  }, history);
  console.log(`dev ${task.primaryMetric}: ${best[task.primaryMetric]?.toFixed(4) ?? "n/a"} (${Object.entries(best).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(", ")})`);
  console.log(`report: ${join(out, "report.html")}; metrics: ${join(out, "metrics.json")}`);
  return best;
}

const size = (list: readonly NamedTensor[]): number => list.reduce((n, [, t]) => n + t.size, 0);

function freeze(list: readonly NamedTensor[], trains: boolean): NamedTensor[] {
  for (const [, t] of list) t.requiresGrad = trains;
  return trains ? [...list] : [];
}

export async function pretrainKnowledgeAdapter(flags: KnowledgePretrainFlags): Promise<Record<string, number>> {
  const session = await openModel(flags.model, {});
  const plmConfig = session.pretrained.config;
  const task = loadTask(session, flags.task, flags);
  const adapterHidden = flags.adapterHidden ?? Math.max(1, Math.floor(plmConfig.hiddenSize / 2));
  const config = knowledgeAdapterConfig({
    plmHidden: plmConfig.hiddenSize, plmLayers: plmConfig.numLayers, adapterHidden,
    numHeads: flags.adapterHeads ?? Math.max(1, Math.floor(plmConfig.numHeads / 2)), intermediateSize: flags.adapterIntermediate ?? 4 * adapterHidden,
    transformerLayers: flags.adapterLayers, pluginLayers: flags.pluginLayers, skipLayers: flags.skipLayers, maskPadding: flags.maskPadding,
  }, "kadapter pretrain");
  log(`knowledge adapter: plug-in points ${config.pluginLayers.join(", ")}, width ${config.adapterHidden}, ${config.numHeads} heads, ${config.transformerLayers} layers each; padding ${config.maskPadding ? "masked" : "not masked (the reference's behaviour)"}`);
  const rng = new Rng(flags.seed);
  const adapter = new KnowledgeAdapter(session.engine, config, rng);
  const H = plmConfig.hiddenSize;
  const head = flags.task === "relation"
    ? new RelationHead(session.engine, { hiddenSize: H, numRelations: task.labels.length, dropout: plmConfig.hiddenDropout }, rng)
    : new DependencyHead(session.engine, { hiddenSize: H, maxSeqLength: flags.maxSeqLength, dropout: plmConfig.hiddenDropout }, rng);
  const model = new KnowledgePretrainModel(session.pretrained.model, adapter, head);
  const groups = model.parameterGroups();
  const trainable = [...freeze(groups.plm, false), ...freeze(groups.adapter, true), ...freeze(groups.head, true)];
  const adapterDir = join(resolve(flags.out), "adapter");
  return trainAndReport(session, flags, task, model, trainable,
    { total: size(groups.plm) + size(groups.adapter) + size(groups.head), adapter: size(groups.adapter), head: size(groups.head) },
    `knowledge adapter pretraining (model frozen)`, async () => {
      await saveKnowledgeAdapter(adapterDir, adapter);
    });
}

export async function trainWithKnowledge(flags: KnowledgeTrainFlags): Promise<Record<string, number>> {
  const session = await openModel(flags.model, {});
  const { engine } = session;
  const plmConfig = session.pretrained.config;
  const task = loadTask(session, flags.task, flags);
  const adapters = await Promise.all(flags.knowledge.map(async ({ name, dir }) => ({ name, adapter: await loadKnowledgeAdapter(dir, engine) })));
  const rng = new Rng(flags.seed);
  const H = plmConfig.hiddenSize;
  const fusion = adapters.length ? new KnowledgeFusion(engine, flags.fusion, H, adapters.length, rng) : null;
  const head = flags.task === "openentity"
    ? new EntityTypingHead(engine, { hiddenSize: H, numTypes: task.labels.length, dropout: plmConfig.hiddenDropout }, rng)
    : new RelationClassificationHead(engine, { hiddenSize: H, numRelations: task.labels.length, dropout: plmConfig.hiddenDropout }, rng);
  const model = new KnowledgeTaskModel(session.pretrained.model, adapters, fusion, head);
  const groups = model.parameterGroups();
  const trainable = [
    ...freeze(groups.plm, !flags.freezeEncoder), ...freeze(groups.adapters, flags.trainAdapters), ...freeze(groups.fusion, true), ...freeze(groups.head, true),
  ];
  if (adapters.length) log(`knowledge adapters: ${adapters.map((a) => a.name).join(", ")} (${flags.fusion} fusion${flags.trainAdapters ? "" : ", frozen"})`);
  const out = resolve(flags.out);
  const mode = `${flags.freezeEncoder ? "encoder frozen" : "encoder fine-tuned"}, ${adapters.length ? `${adapters.length} knowledge adapter(s) ${flags.trainAdapters ? "trained" : "frozen"}` : "no knowledge adapter"}`;
  return trainAndReport(session, flags, task, model, trainable,
    { total: size(groups.plm) + size(groups.adapters) + size(groups.fusion) + size(groups.head), adapter: size(groups.adapters) + size(groups.fusion), head: size(groups.head) },
    mode, async () => {
      const records = [...groups.fusion, ...groups.head].map(([name, t]) => ({ name, dtype: "F32" as const, shape: [...t.shape], data: Float32Array.from(t.data) }));
      await writeFilesAtomic(join(out, "task"), { "task.safetensors": encodeSafetensors(records) });
      if (!flags.freezeEncoder) await saveHfModel(join(out, "model"), session.pretrained.model, plmConfig);
      if (flags.trainAdapters) for (const { name, adapter } of adapters) await saveKnowledgeAdapter(join(out, "adapters", name), adapter);
    });
}

/** "fac=runs/fac/adapter,lin=runs/lin/adapter" -> [{name, dir}]. */
export function parseKnowledge(value: string): { name: string; dir: string }[] {
  return value.split(",").filter(Boolean).map((part) => {
    const eq = part.indexOf("=");
    if (eq <= 0 || eq === part.length - 1) throw new ConfigError(`--knowledge: expected name=dir pairs separated by commas, got "${part}"`);
    return { name: part.slice(0, eq), dir: part.slice(eq + 1) };
  });
}

function addLoopOptions(cmd: Command, defaults: { lr: number; epochs: number; batchSize: number; maxSeqLength: number }): Command {
  return cmd
    .requiredOption("--model <dir>", "the pretrained model directory")
    .option("--out <dir>", "output folder", "runs/kadapter")
    .option("--data <dir>", "the shared data folder (default files come from it)", defaultDataDir())
    .option("--train-file <path>", "training data instead of the default")
    .option("--dev-file <path>", "dev data instead of the default")
    .option("--lr <lr>", "peak learning rate", number("lr"), defaults.lr)
    .option("--epochs <n>", "epochs", integer("epochs"), defaults.epochs)
    .option("--batch-size <n>", "examples per batch", integer("batch-size"), defaults.batchSize)
    .option("--max-seq-length <n>", "tokens per example", integer("max-seq-length"), defaults.maxSeqLength)
    .option("--warmup-proportion <p>", "share of steps with linear warmup", number("warmup-proportion"), 0.1)
    .option("--weight-decay <w>", "AdamW weight decay (the reference's default is 0)", number("weight-decay"), 0)
    .option("--seed <n>", "seed for init, data order and dropout", integer("seed"), 42)
    .option("--eval-every <steps>", "evaluate every N steps (default: each epoch)", integer("eval-every"))
    .option("--checkpoint-every <steps>", "checkpoint every N steps", integer("checkpoint-every"), 200)
    .option("--max-train-examples <n>", "use only the first N training examples", integer("max-train-examples"))
    .option("--max-steps <n>", "stop after N optimizer steps", integer("max-steps"))
    .option("--resume", "continue from the last checkpoint in --out", false);
}

export function registerKAdapter(program: Command): void {
  const kadapter = program.command("kadapter").description("K-Adapter: knowledge adapters beside a frozen model");
  addLoopOptions(kadapter.command("pretrain").description("pretrain a knowledge adapter (model frozen) on relation classification (factual) or dependency heads (linguistic)"),
    { lr: 3e-4, epochs: 5, batchSize: 32, maxSeqLength: 64 })
    .requiredOption("--task <task>", "relation (TACRED-format JSON; default LitWD1Krel with a held-out fifth) or dependency (a UD treebank folder; default en-ewt)")
    .option("--adapter-hidden <n>", "adapter width d_a (default half the model's hidden size; the reference: 768 for RoBERTa-large)", integer("adapter-hidden"))
    .option("--adapter-heads <n>", "attention heads inside the adapter (default half the model's)", integer("adapter-heads"))
    .option("--adapter-intermediate <n>", "FFN size inside the adapter (default 4·width)", integer("adapter-intermediate"))
    .option("--adapter-layers <n>", "transformer layers per adapter layer (N)", integer("adapter-layers"), 2)
    .option("--plugin-layers <list>", "hidden-state indices read (0 = embeddings); default {0, middle, last}", (v: string) => v.split(",").map(integer("plugin-layers")))
    .option("--skip-layers <k>", "the reference's skip every k adapter layers (0 = off, as its scripts)", integer("skip-layers"), 0)
    .option("--no-mask-padding", "attend to padding inside the adapter, as the reference does")
    .action(async (flags: KnowledgePretrainFlags) => {
      if (flags.task !== "relation" && flags.task !== "dependency") throw new ConfigError(`--task: expected relation or dependency, got "${flags.task}"`);
      await pretrainKnowledgeAdapter(flags);
    });
}

/** The `train` options that only K-Adapter tasks read. */
export function addKnowledgeOptions(cmd: Command): Command {
  return cmd
    .option("--knowledge <pairs>", "K-Adapter tasks (openentity, tacred): knowledge adapters as name=dir,name=dir (none: the model alone)")
    .option("--fusion <mode>", `K-Adapter tasks: how adapters combine with the model: ${FUSION_MODES.join(" or ")}`, "concat")
    .option("--freeze-encoder", "K-Adapter tasks: keep the model frozen (the parameter-efficient setting; the reference fine-tunes it)", false)
    .option("--train-adapters", "K-Adapter tasks: train the knowledge adapters too (the reference freezes them)", false);
}
