// adapterkit demo: the main job on shipped real data, on 2 cores in a few minutes: a Houlsby adapter trained
// on SST-2 over AdapterKit's own pretrained mini BERT (models/mini-bert-uncased), then dev accuracy, the
// adapter's size next to the model's, and where the report and adapter went.
// Without the shipped model (a checkout from before it was pretrained) there is no base an adapter can
// learn on (on a random base the [CLS] features barely differ between sentences), so the demo then
// fine-tunes a freshly initialised 4-layer BERT instead and says so.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { ConfigError } from "../../errors.js";
import { defaultDataDir, integer, log } from "../setup.js";
import { init } from "./init.js";
import { train } from "./train.js";

interface DemoFlags {
  out: string;
  data: string;
  model: string;
  examples: number;
}

/** The mini BERT shipped in this repository. */
function shippedModelDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "../../../../models/mini-bert-uncased");
}

export async function demo(flags: DemoFlags): Promise<void> {
  const glue = join(flags.data, "glue");
  const vocab = join(flags.data, "vocab/bert-base-uncased/vocab.txt");
  if (!existsSync(join(glue, "SST-2/train.tsv")) || !existsSync(vocab)) {
    throw new ConfigError(`demo: expected SST-2 and the BERT vocab under ${flags.data}, got neither; hint: pass --data <shared/data folder>`);
  }
  const common = {
    out: join(flags.out, "run"), task: "SST-2", data: glue, adapter: "houlsby" as const, epochs: 1, batchSize: 32, gradAccumulation: 1,
    maxSeqLength: 64, warmupProportion: 0.1, weightDecay: 0.01, optimizer: "bert" as const, schedule: "bert" as const, seed: 42,
    checkpointEvery: 100, maxTrainExamples: flags.examples, resume: false, evalEvery: 100,
  };
  if (existsSync(join(flags.model, "config.json"))) {
    // mean pooling: the mini BERT's [CLS] state barely differs between sentences (measured; see the README)
    log(`demo: a Houlsby adapter (m = 64) on ${flags.examples} SST-2 sentences, over the mini BERT in ${flags.model}, classifier on mean-pooled tokens`);
    await train({ ...common, model: flags.model, mode: "adapters", lr: 1e-3, pooling: "mean" });
    return;
  }
  const model = join(flags.out, "model");
  log(`demo: no pretrained model at ${flags.model}; fine-tuning a freshly initialised 4-layer BERT instead (an adapter needs a pretrained base)`);
  await init({ out: model, vocab, layers: 4, hidden: 256, heads: 4, maxPositions: 128, lowercase: true, seed: 0 });
  await train({ ...common, model, mode: "full", lr: 2e-4, pooling: "pooler" });
}

export function registerDemo(program: Command): void {
  program.command("demo").description("train an adapter on shipped real data (SST-2) in a few minutes and report dev accuracy")
    .option("--out <dir>", "where the checkpoints, adapter, metrics and report go", "runs/demo")
    .option("--data <dir>", "the shared data folder", defaultDataDir())
    .option("--model <dir>", "the base model", shippedModelDir())
    .option("--examples <n>", "SST-2 training sentences", integer("examples"), 8000)
    .action(async (flags: DemoFlags) => demo(flags));
}
