// adapterkit eval: score a saved adapter (with its head) on a task's dev split, or on its training split.
import type { Command } from "commander";
import { batchOrder, collate } from "../../data/index.js";
import { ConfigError } from "../../errors.js";
import { evaluate, resolveTask } from "../../train/index.js";
import { integer, log, openModel } from "../setup.js";
import { adapterModel } from "./adapter-model.js";
import { addTaskOptions, taskSpec, type TaskFlags } from "./task-options.js";

interface EvalFlags extends TaskFlags {
  model: string;
  adapterDir: string;
  split: "dev" | "train";
  maxExamples?: number;
  maxSeqLength: number;
  batchSize: number;
  lowercase?: boolean;
}

export async function evalCommand(flags: EvalFlags): Promise<void> {
  const task = resolveTask(taskSpec(flags)); // before the model: a bad flag or row should not wait for it
  const session = await openModel(flags.model, { lowercase: flags.lowercase, addPrefixSpace: flags.task.toLowerCase() === "conll" ? true : undefined });
  const { model } = await adapterModel(session, flags.adapterDir);
  const labels = model.head.config.labels;
  if (labels.join("\u0000") !== task.labels.join("\u0000")) {
    throw new ConfigError(`${flags.adapterDir}: expected a head for labels ${task.labels.join(", ")}, got ${labels.join(", ")}`);
  }
  const encoded = task.encode(session.tokenizer, flags.maxSeqLength);
  const all = flags.split === "train" ? encoded.train : encoded.dev;
  if (!all) throw new ConfigError(`--split ${flags.split}: the task has no such split`);
  const examples = flags.maxExamples ? all.slice(0, flags.maxExamples) : all;
  const batches = batchOrder(examples, flags.batchSize, null).map((idx) => collate(idx.map((i) => examples[i]), task.kind, session.tokenizer.specialTokenIds.pad ?? 0));
  const result = evaluate(session.engine, model, batches, task.kind);
  const score = task.score(result.predictions, examples);
  log(`${examples.length} ${flags.split} examples`);
  console.log(JSON.stringify({ split: flags.split, examples: examples.length, loss: result.loss, ...score.metrics }));
}

export function registerEval(program: Command): void {
  addTaskOptions(program.command("eval").description("score a saved adapter on a task"))
    .requiredOption("--model <dir>", "the base model directory the adapter was trained on")
    .requiredOption("--adapter-dir <dir>", "the adapter folder (adapter_config.json, head_config.json, ...)")
    .option("--split <split>", "dev or train", "dev")
    .option("--max-examples <n>", "only the first N examples", integer("max-examples"))
    .option("--max-seq-length <n>", "tokens per example", integer("max-seq-length"), 128)
    .option("--batch-size <n>", "examples per batch", integer("batch-size"), 32)
    .option("--lowercase", "lowercase text (a vocab.txt model without tokenizer_config.json)")
    .action(async (flags: EvalFlags) => evalCommand(flags));
}
