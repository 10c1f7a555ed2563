// adapterkit train: a base model + a task -> a trained adapter folder, metrics.json and report.html. Parses
// flags, calls the library's kit.train, and prints progress and the summary.
import type { Command } from "commander";
import { ADAPTER_PRESETS, type AdapterActivation, type AdapterPreset } from "../../adapters/index.js";
import type { TrainSummary } from "../../api/index.js";
import { ConfigError } from "../../errors.js";
import { POOLINGS, type Pooling } from "../../heads/index.js";
import { TRAIN_MODES, type AdamVariant, type ScheduleKind, type TrainMode } from "../../train/index.js";
import { trainWithProgress } from "../train-adapter.js";
import type { LinearPrecision } from "../../kernels/index.js";
import { dataDir, integer, number, openKit, precision } from "../setup.js";
import { addKnowledgeOptions, parseKnowledge, runKnowledgeTask } from "../knowledge.js";
import { addTaskOptions, taskSpec, type TaskFlags } from "../task-options.js";

interface TrainFlags extends TaskFlags {
  model: string;
  out: string;
  adapter: AdapterPreset;
  adapterSize?: number;
  reductionFactor?: number;
  adapterActivation?: AdapterActivation;
  initScale?: number;
  leaveOut?: number[];
  mode: TrainMode;
  pooling?: Pooling;
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
  precision: LinearPrecision;
  // K-Adapter tasks (openentity, tacred)
  knowledge?: string;
  fusion?: "concat" | "add";
  freezeEncoder?: boolean;
  trainAdapters?: boolean;
}

export async function train(flags: TrainFlags): Promise<TrainSummary | null> {
  const taskName = flags.task.toLowerCase();
  if (taskName === "openentity" || taskName === "tacred") {
    const kit = await openKit(flags.model, { lowercase: flags.lowercase, strict: flags.strict, precision: flags.precision });
    await runKnowledgeTask(kit, {
      task: taskName,
      out: flags.out,
      dataDir: dataDir(flags.data),
      trainFile: flags.trainFile,
      devFile: flags.devFile,
      lr: flags.lr,
      epochs: flags.epochs,
      batchSize: flags.batchSize,
      maxSeqLength: flags.maxSeqLength,
      warmupProportion: flags.warmupProportion,
      weightDecay: flags.weightDecay,
      seed: flags.seed,
      evalEvery: flags.evalEvery,
      checkpointEvery: flags.checkpointEvery,
      maxTrainExamples: flags.maxTrainExamples,
      maxSteps: flags.maxSteps,
      resume: flags.resume,
      knowledge: parseKnowledge(flags.knowledge ?? ""),
      fusion: flags.fusion,
      freezeEncoder: flags.freezeEncoder,
      trainAdapters: flags.trainAdapters,
    });
    return null;
  }
  if (flags.knowledge) throw new ConfigError(`--knowledge: expected a K-Adapter task (--task openentity or tacred), got "${flags.task}"`);
  if (!TRAIN_MODES.includes(flags.mode)) throw new ConfigError(`--mode: unknown "${flags.mode}"; expected one of ${TRAIN_MODES.join(", ")}`);
  if (!ADAPTER_PRESETS.includes(flags.adapter)) throw new ConfigError(`--adapter: unknown "${flags.adapter}"; expected one of ${ADAPTER_PRESETS.join(", ")}`);
  if (flags.pooling !== undefined && !POOLINGS.includes(flags.pooling)) throw new ConfigError(`--pooling: unknown "${flags.pooling}"; expected one of ${POOLINGS.join(", ")}`);
  const spec = taskSpec(flags);
  const kit = await openKit(flags.model, { lowercase: flags.lowercase, strict: flags.strict, precision: flags.precision });
  const summary = await trainWithProgress(kit, {
    adapter: (flags.name ?? spec.name).replace(/[^A-Za-z0-9_-]/g, "-").toLowerCase(),
    task: spec,
    out: flags.out,
    options: {
      mode: flags.mode,
      adapter: flags.adapter,
      adapterSize: flags.adapterSize,
      reductionFactor: flags.reductionFactor,
      adapterActivation: flags.adapterActivation,
      initScale: flags.initScale,
      leaveOut: flags.leaveOut,
      pooling: flags.pooling,
      topLayers: flags.topLayers,
      lr: flags.lr,
      epochs: flags.epochs,
      batchSize: flags.batchSize,
      gradAccumulation: flags.gradAccumulation,
      maxSeqLength: flags.maxSeqLength,
      warmupProportion: flags.warmupProportion,
      weightDecay: flags.weightDecay,
      layerDecay: flags.layerDecay,
      optimizer: flags.optimizer,
      schedule: flags.schedule,
      seed: flags.seed,
      evalEvery: flags.evalEvery,
      checkpointEvery: flags.checkpointEvery,
      maxTrainExamples: flags.maxTrainExamples,
      maxDevExamples: flags.maxDevExamples,
      maxSteps: flags.maxSteps,
      resume: flags.resume,
    },
  });
  return summary;
}

export function registerTrain(program: Command): void {
  addKnowledgeOptions(
    addTaskOptions(
      program
        .command("train")
        .description("train an adapter (or a head, LayerNorms, or the whole model) on a task; with K-Adapter tasks (openentity, tacred), a model with knowledge adapters"),
    ),
  )
    .requiredOption("--model <dir>", "pretrained model directory (Hugging Face or Google TF checkpoint)")
    .option("--out <dir>", "output folder (adapter/, checkpoints/, metrics.json, report.html)", "runs/latest")
    .option(
      "--adapter <preset>",
      "houlsby (two per layer, as adapter-bert), pfeiffer (one, after the FFN), or AdapterHub's seq_bn (Pfeiffer, re-applying the LayerNorm before it) or double_seq_bn (its Houlsby: swish, reduction 16)",
      "houlsby",
    )
    .option("--adapter-size <m>", "bottleneck size m (default 64; hidden/16 for seq_bn and double_seq_bn)", integer("adapter-size"))
    .option("--reduction-factor <r>", "bottleneck size as hidden/r (AdapterHub's convention)", number("reduction-factor"))
    .option("--adapter-activation <fn>", "gelu_tanh, gelu, relu, swish or tanh (default: the preset's)")
    .option("--init-scale <std>", "std of adapter-bert's truncated-normal init, houlsby and pfeiffer only (default 1e-3)", number("init-scale"))
    .option("--leave-out <layers>", "comma-separated layer indices that get no adapter", (v: string) => v.split(",").map(integer("leave-out")))
    .option(
      "--pooling <how>",
      "what a sequence head reads: pooler (the pooled [CLS] output, as adapter-bert; the default when the base has a pooler), mean (the mean of the last hidden states) or cls (the first token through a dense + tanh layer, AdapterHub's default head; the default for a base without a pooler)",
    )
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
    .option("--precision <p>", "fp32, or bf16: the frozen base's GEMMs (forward and dX) in bf16 on AVX-512 BF16; modes that train the encoder keep fp32", precision, "fp32")
    .action(async (flags: TrainFlags) => {
      await train(flags);
    });
}
