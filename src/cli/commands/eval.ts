// adapterkit eval: score a saved adapter (with its head) on a task's dev split, or on its training split.
import type { Command } from "commander";
import type { LinearPrecision } from "../../kernels/index.js";
import { integer, log, openKit, precision, PRECISION_HELP } from "../setup.js";
import { addTaskOptions, taskSpec, type TaskFlags } from "../task-options.js";

interface EvalFlags extends TaskFlags {
  model: string;
  adapterDir: string;
  split: "dev" | "train";
  maxExamples?: number;
  maxSeqLength: number;
  batchSize: number;
  lowercase?: boolean;
  precision: LinearPrecision;
}

export async function evalCommand(flags: EvalFlags): Promise<void> {
  const spec = taskSpec(flags, { forEval: true }); // before the model: a bad flag should not wait for it
  const kit = await openKit(flags.model, { lowercase: flags.lowercase, precision: flags.precision });
  const adapter = await kit.loadAdapter("eval", flags.adapterDir);
  const result = kit.evaluate(adapter.name, spec, { split: flags.split, maxExamples: flags.maxExamples, maxSeqLength: flags.maxSeqLength, batchSize: flags.batchSize });
  log(`${result.examples} ${flags.split} examples`);
  console.log(JSON.stringify({ split: result.split, examples: result.examples, loss: result.loss, ...result.metrics }));
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
    .option("--precision <p>", PRECISION_HELP, precision, "fp32")
    .action(async (flags: EvalFlags) => evalCommand(flags));
}
