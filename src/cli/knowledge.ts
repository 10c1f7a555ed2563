// K-Adapter from the command line, as thin callers of the kit:
//   adapterkit kadapter pretrain --task relation|dependency   a knowledge adapter beside the frozen model
//   adapterkit train --knowledge fac=DIR,lin=DIR --task openentity|tacred   downstream, with those adapters
// The options both take, the train options only K-Adapter tasks read, and the runs with progress and summary.
import type { Command } from "commander";
import type { AdapterKit } from "../api/index.js";
import { ConfigError } from "../errors.js";
import { FUSION_MODES, KNOWLEDGE_PRETRAIN_DEFAULTS, type KnowledgeEvents, type KnowledgePretrainArgs, type KnowledgeTaskArgs } from "../kadapter/index.js";
import { printOutcome, progressEvents } from "./run-training.js";
import { DATA_DEFAULT, integer, log, number } from "./setup.js";

/** "fac=runs/fac/adapter,lin=runs/lin/adapter" -> [{name, dir}]. */
export function parseKnowledge(value: string): { name: string; dir: string }[] {
  return value
    .split(",")
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf("=");
      if (eq <= 0 || eq === part.length - 1) throw new ConfigError(`--knowledge: expected name=dir pairs separated by commas, got "${part}"`);
      return { name: part.slice(0, eq), dir: part.slice(eq + 1) };
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

function events(label: string): KnowledgeEvents & { stop(): void } {
  const p = progressEvents(label);
  return {
    onStart: ({ task, description, trainable, total }) => {
      log(
        `task ${task.name}: ${task.train.length} train / ${task.dev.length} dev examples from ${task.files.join(", ")}${task.dropped.length ? `; left out ${task.dropped.length} (malformed, or cut off by --max-seq-length; e.g. ${task.dropped.slice(0, 2).join(", ")})` : ""}`,
      );
      log(`parameters: ${total.toLocaleString("en")} total, ${trainable.toLocaleString("en")} trainable (${((100 * trainable) / total).toFixed(2)}%); ${description}`);
    },
    onProgress: p.onProgress,
    onEval: p.onEval,
    stop: p.stop,
  };
}

export async function runKnowledgeTask(kit: AdapterKit, args: Omit<KnowledgeTaskArgs, keyof KnowledgeEvents>): Promise<void> {
  const e = events(args.task);
  const outcome = await kit.trainKnowledgeTask({ ...args, ...e });
  e.stop();
  printOutcome(outcome);
}

export async function runKnowledgePretraining(kit: AdapterKit, args: Omit<KnowledgePretrainArgs, keyof KnowledgeEvents>): Promise<void> {
  const e = events(args.task);
  const outcome = await kit.pretrainKnowledgeAdapter({ ...args, ...e });
  e.stop();
  printOutcome(outcome, [`knowledge adapter: ${outcome.adapterDir}`]);
}

/** The loop options of `kadapter pretrain` (defaults: the library's). */
export function addKnowledgeLoopOptions(cmd: Command): Command {
  const d = KNOWLEDGE_PRETRAIN_DEFAULTS;
  return cmd
    .requiredOption("--model <dir>", "the pretrained model directory")
    .option("--out <dir>", "output folder", "runs/kadapter")
    .option("--data <dir>", `the data folder the default files come from (${DATA_DEFAULT})`)
    .option("--train-file <path>", "training data instead of the default")
    .option("--dev-file <path>", "dev data instead of the default")
    .option("--lr <lr>", `peak learning rate (default ${d.lr})`, number("lr"))
    .option("--epochs <n>", `epochs (default ${d.epochs})`, integer("epochs"))
    .option("--batch-size <n>", `examples per batch (default ${d.batchSize})`, integer("batch-size"))
    .option("--max-seq-length <n>", `tokens per example (default ${d.maxSeqLength})`, integer("max-seq-length"))
    .option("--warmup-proportion <p>", "share of steps with linear warmup (default 0.1)", number("warmup-proportion"))
    .option("--weight-decay <w>", `AdamW weight decay (default ${d.weightDecay}, the reference's)`, number("weight-decay"))
    .option("--seed <n>", "seed for init, data order and dropout (default 42)", integer("seed"))
    .option("--eval-every <steps>", "evaluate every N steps (default: each epoch)", integer("eval-every"))
    .option("--checkpoint-every <steps>", "checkpoint every N steps (default 200)", integer("checkpoint-every"))
    .option("--max-train-examples <n>", "use only the first N training examples", integer("max-train-examples"))
    .option("--max-steps <n>", "stop after N optimizer steps", integer("max-steps"))
    .option("--resume", "continue from the last checkpoint in --out", false);
}
