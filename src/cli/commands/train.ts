// adapterkit train: a base model + a task -> a trained adapter folder, metrics.json and report.html.
import { copyFile, mkdir, stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { AdapterSet, bottleneckConfig, type AdapterActivation } from "../../adapters/index.js";
import { ConfigError } from "../../errors.js";
import { headConfig, TaskHead, type Pooling } from "../../heads/index.js";
import { saveHfModel } from "../../models/index.js";
import { Rng } from "../../rng.js";
import {
  applyTrainMode, countParameters, layerDecayScale, resolveTask, runTraining, saveAdapterFolder, TaskModel, TRAIN_MODES, writeReport,
  type AdamVariant, type LoopConfig, type ScheduleKind, type TrainMode,
} from "../../train/index.js";
import { Progress } from "../progress.js";
import { integer, log, number, openModel } from "../setup.js";
import { addKnowledgeOptions, parseKnowledge, trainWithKnowledge } from "./kadapter.js";
import { addTaskOptions, taskSpec, type TaskFlags } from "./task-options.js";

interface TrainFlags extends TaskFlags {
  model: string;
  out: string;
  adapter: "houlsby" | "pfeiffer";
  adapterSize?: number;
  reductionFactor?: number;
  adapterActivation?: AdapterActivation;
  initScale?: number;
  leaveOut?: number[];
  mode: TrainMode;
  pooling: Pooling;
  topLayers?: number;
  name?: string;
  lr?: number;
  epochs: number;
  batchSize: number;
  gradAccumulation: number;
  maxSeqLength: number;
  warmupProportion: number;
  weightDecay: number;
  layerDecay?: number;
  optimizer: AdamVariant;
  schedule: ScheduleKind;
  seed: number;
  evalEvery?: number;
  checkpointEvery: number;
  maxTrainExamples?: number;
  maxDevExamples?: number;
  maxSteps?: number;
  resume: boolean;
  lowercase?: boolean;
  strict?: boolean;
  // K-Adapter tasks (openentity, tacred)
  knowledge?: string;
  fusion?: "concat" | "add";
  freezeEncoder?: boolean;
  trainAdapters?: boolean;
}

async function sizeOf(paths: string[]): Promise<number> {
  let total = 0;
  for (const p of paths) if (existsSync(p)) total += (await stat(p)).size;
  return total;
}

export async function train(flags: TrainFlags): Promise<void> {
  const taskName = flags.task.toLowerCase();
  if (taskName === "openentity" || taskName === "tacred") {
    await trainWithKnowledge({
      ...flags, task: taskName, lr: flags.lr ?? 1e-4, knowledge: parseKnowledge(flags.knowledge ?? ""), fusion: flags.fusion ?? "concat",
      freezeEncoder: flags.freezeEncoder ?? false, trainAdapters: flags.trainAdapters ?? false,
    });
    return;
  }
  if (flags.knowledge) throw new ConfigError(`--knowledge: expected a K-Adapter task (--task openentity or tacred), got "${flags.task}"`);
  const started = Date.now();
  if (!TRAIN_MODES.includes(flags.mode)) throw new ConfigError(`--mode: unknown "${flags.mode}"; expected one of ${TRAIN_MODES.join(", ")}`);
  // the data first: a bad flag or row should not wait for a large model to load
  const task = resolveTask(taskSpec(flags));
  if (task.skipped.length) {
    log(`skipped ${task.skipped.length} malformed row(s): ${task.skipped.slice(0, 3).map((x) => `${x.file}:${x.line} (${x.reason})`).join("; ")}${task.skipped.length > 3 ? "; ..." : ""}`);
  }
  const session = await openModel(flags.model, { lowercase: flags.lowercase, strict: flags.strict, addPrefixSpace: flags.task.toLowerCase() === "conll" ? true : undefined });
  const { engine, pretrained, tokenizer } = session;
  const config = pretrained.config;
  const encoded = task.encode(tokenizer, flags.maxSeqLength);
  const trainSet = flags.maxTrainExamples ? encoded.train.slice(0, flags.maxTrainExamples) : encoded.train;
  const devSet = encoded.dev && flags.maxDevExamples ? encoded.dev.slice(0, flags.maxDevExamples) : encoded.dev;
  log(`task ${task.name}: ${task.kind}, ${task.labels.length} label(s), ${trainSet.length} train / ${devSet?.length ?? 0} dev examples`);

  const name = (flags.name ?? task.name).replace(/[^A-Za-z0-9_-]/g, "-").toLowerCase();
  const adapters = new AdapterSet(engine, config.hiddenSize, config.numLayers);
  if (flags.mode === "adapters") {
    adapters.add(name, bottleneckConfig(flags.adapter, {
      bottleneckSize: flags.adapterSize, reductionFactor: flags.reductionFactor, activation: flags.adapterActivation, initScale: flags.initScale,
      leaveOut: flags.leaveOut,
    }, config.hiddenSize, config.numLayers), flags.seed);
  }
  const head = new TaskHead(engine, headConfig(task.kind, task.labels, 0.1, flags.pooling), config.hiddenSize, new Rng(flags.seed + 1), config.initializerRange);
  const model = new TaskModel(pretrained.model, adapters, head);
  if (flags.mode === "adapters") model.activate(name);
  const groups = model.parameterGroups();
  const trainable = applyTrainMode(flags.mode, groups, { topLayers: flags.topLayers });
  const counts = countParameters(groups);
  const pct = (n: number): string => `${((100 * n) / counts.total).toFixed(2)}%`;
  log(`parameters: ${counts.total.toLocaleString("en")} total, ${counts.trainable.toLocaleString("en")} trainable (${pct(counts.trainable)}), adapter ${counts.adapter.toLocaleString("en")} (${pct(counts.adapter)}); mode ${flags.mode}`);

  const out = resolve(flags.out);
  const adapterDir = join(out, "adapter");
  await mkdir(out, { recursive: true });
  const loopConfig: LoopConfig = {
    epochs: flags.epochs, batchSize: flags.batchSize, gradAccumulation: flags.gradAccumulation,
    lr: flags.lr ?? (flags.mode === "full" || flags.mode === "top-layers" ? 5e-5 : 3e-4), warmupProportion: flags.warmupProportion, schedule: flags.schedule,
    optimizer: flags.optimizer, weightDecay: flags.weightDecay, clipNorm: 1.0, seed: flags.seed,
    evalEverySteps: flags.evalEvery ?? null, checkpointEverySteps: flags.checkpointEvery, maxSteps: flags.maxSteps,
  };
  const progress = new Progress("train");
  let progressStarted = false;
  let bestMetrics: Record<string, number> = {};
  const changesEncoder = flags.mode === "full" || flags.mode === "top-layers"; // then the model is saved whole
  const history = await runTraining({
    engine, model, trainable, train: trainSet, dev: devSet, kind: task.kind, padId: tokenizer.specialTokenIds.pad ?? 0,
    score: task.score, config: loopConfig, checkpointDir: join(out, "checkpoints"), resume: flags.resume,
    lrScale: flags.layerDecay === undefined ? undefined : layerDecayScale(config.numLayers, flags.layerDecay),
    events: {
      onStep: (s) => {
        if (!progressStarted) progress.start(s.totalSteps, s.step - 1); // a resumed run starts past step 1
        progressStarted = true;
        progress.update({ step: s.step, total: s.totalSteps, loss: s.loss, lr: s.lr, tokens: s.tokens });
      },
      onEval: (r, isBest) => {
        bestMetrics = isBest ? r.metrics : bestMetrics;
        progress.log(`eval step ${r.step} (epoch ${r.epoch + 1}): ${Object.entries(r.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(", ")}${isBest ? " (best)" : ""}`);
      },
      onBest: async () => {
        if (!changesEncoder) {
          if (flags.mode !== "head-only") model.keepLayerNorms(name);
          await saveAdapterFolder(adapterDir, model, name, config);
        } else {
          await saveHfModel(join(out, "model"), model.encoder, config);
          for (const f of ["vocab.txt", "tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json"]) {
            if (existsSync(join(flags.model, f))) await copyFile(join(flags.model, f), join(out, "model", f));
          }
          await saveAdapterFolder(adapterDir, model, name, config);
        }
      },
    },
  });
  progress.stop();
  if (!devSet) {
    if (!changesEncoder && flags.mode !== "head-only") model.keepLayerNorms(name);
    await saveAdapterFolder(adapterDir, model, name, config);
  }

  const modelFiles = ["model.safetensors", "pytorch_model.bin", "bert_model.ckpt.data-00000-of-00001"].map((f) => join(flags.model, f));
  const adapterBytes = await sizeOf(["adapter.safetensors", "model_head.safetensors", "adapterkit_layernorms.safetensors", "adapter_config.json", "head_config.json"].map((f) => join(adapterDir, f)));
  const modelBytes = await sizeOf(modelFiles);
  const summary = {
    task: task.name, model: flags.model, mode: flags.mode, adapter: flags.mode === "adapters" ? flags.adapter : null,
    parameters: counts, config: { ...loopConfig, maxSeqLength: flags.maxSeqLength, trainExamples: trainSet.length, devExamples: devSet?.length ?? 0 },
    final: bestMetrics, adapterBytes, modelBytes, seconds: (Date.now() - started) / 1000, backend: session.backend.name,
  };
  await writeReport(out, summary, history);
  const mb = (n: number): string => `${(n / 1e6).toFixed(2)} MB`;
  console.log(`dev ${task.primaryMetric}: ${bestMetrics[task.primaryMetric]?.toFixed(4) ?? "n/a"} (${Object.entries(bestMetrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(", ")})`);
  if (changesEncoder) console.log(`model: ${mb(await sizeOf([join(out, "model", "model.safetensors")]))} in ${join(out, "model")}; head in ${adapterDir}`);
  else console.log(`adapter: ${mb(adapterBytes)} in ${adapterDir}${modelBytes ? ` (base model ${mb(modelBytes)}, ${((100 * adapterBytes) / modelBytes).toFixed(1)}%)` : ""}`);
  console.log(`report: ${join(out, "report.html")}; metrics: ${join(out, "metrics.json")}`);
}

export function registerTrain(program: Command): void {
  addKnowledgeOptions(addTaskOptions(program.command("train").description("train an adapter (or a head, LayerNorms, or the whole model) on a task; with K-Adapter tasks (openentity, tacred), a model with knowledge adapters")))
    .requiredOption("--model <dir>", "pretrained model directory (Hugging Face or Google TF checkpoint)")
    .option("--out <dir>", "output folder (adapter/, checkpoints/, metrics.json, report.html)", "runs/latest")
    .option("--adapter <preset>", "houlsby (two per layer, as adapter-bert) or pfeiffer (one, after the FFN)", "houlsby")
    .option("--adapter-size <m>", "bottleneck size m (default 64)", integer("adapter-size"))
    .option("--reduction-factor <r>", "bottleneck size as hidden/r (AdapterHub's convention)", number("reduction-factor"))
    .option("--adapter-activation <fn>", "gelu_tanh (default, adapter-bert), gelu, relu or swish")
    .option("--init-scale <std>", "std of the adapters' truncated-normal init (default 1e-3)", number("init-scale"))
    .option("--leave-out <layers>", "comma-separated layer indices that get no adapter", (v: string) => v.split(",").map(integer("leave-out")))
    .option("--pooling <how>", "what a sequence head reads: pooler (the pooled [CLS] output, as adapter-bert) or mean (the mean of the last hidden states)", "pooler")
    .option("--mode <mode>", `what trains: ${TRAIN_MODES.join(", ")}`, "adapters")
    .option("--top-layers <k>", "with --mode top-layers: how many of the top transformer layers train", integer("top-layers"), 1)
    .option("--name <name>", "adapter name (default: the task)")
    .option("--lr <lr>", "peak learning rate (default 3e-4; 5e-5 for --mode full)", number("lr"))
    .option("--epochs <n>", "epochs", integer("epochs"), 3)
    .option("--batch-size <n>", "examples per batch", integer("batch-size"), 32)
    .option("--grad-accumulation <n>", "batches per optimizer step", integer("grad-accumulation"), 1)
    .option("--max-seq-length <n>", "tokens per example, special tokens included", integer("max-seq-length"), 128)
    .option("--warmup-proportion <p>", "share of steps with linear warmup", number("warmup-proportion"), 0.1)
    .option("--weight-decay <w>", "decoupled weight decay (not on LayerNorm or bias)", number("weight-decay"), 0.01)
    .option("--layer-decay <x>", "layer-wise learning-rate decay: layer i of L trains at lr·x^(L−i), the embeddings at lr·x^(L+1) (ELECTRA-style; 1 = off)", number("layer-decay"))
    .option("--optimizer <kind>", "bert (AdamWeightDecay, no bias correction) or torch (AdamW)", "bert")
    .option("--schedule <kind>", "bert (google-research/bert), linear (Hugging Face) or constant", "bert")
    .option("--seed <n>", "seed for init, data order and dropout", integer("seed"), 42)
    .option("--eval-every <steps>", "evaluate every N steps (default: each epoch)", integer("eval-every"))
    .option("--checkpoint-every <steps>", "checkpoint every N steps", integer("checkpoint-every"), 200)
    .option("--max-train-examples <n>", "use only the first N training examples", integer("max-train-examples"))
    .option("--max-dev-examples <n>", "use only the first N dev examples", integer("max-dev-examples"))
    .option("--max-steps <n>", "stop after N optimizer steps", integer("max-steps"))
    .option("--resume", "continue from the last checkpoint in --out", false)
    .option("--lowercase", "lowercase text (a vocab.txt model without tokenizer_config.json)")
    .option("--no-lowercase", "keep case (a cased vocab.txt model)")
    .option("--strict", "refuse checkpoint tensors that are not encoder weights")
    .action(async (flags: TrainFlags) => train(flags));
}
