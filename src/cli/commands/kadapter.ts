// adapterkit kadapter pretrain: a knowledge adapter beside the frozen model, on relation classification
// (factual) or dependency heads (linguistic). Downstream K-Adapter tasks run through `train --task openentity|tacred`.
import type { Command } from "commander";
import { ConfigError } from "../../errors.js";
import { addKnowledgeLoopOptions, runKnowledgePretraining } from "../knowledge.js";
import { integer, openKit } from "../setup.js";

interface KnowledgePretrainFlags {
  task: string;
  model: string;
  out: string;
  data: string;
  trainFile?: string;
  devFile?: string;
  lr?: number;
  epochs?: number;
  batchSize?: number;
  maxSeqLength?: number;
  warmupProportion?: number;
  weightDecay?: number;
  seed?: number;
  evalEvery?: number;
  checkpointEvery?: number;
  maxTrainExamples?: number;
  maxSteps?: number;
  resume: boolean;
  adapterHidden?: number;
  adapterHeads?: number;
  adapterIntermediate?: number;
  adapterLayers?: number;
  pluginLayers?: number[];
  skipLayers?: number;
  maskPadding: boolean;
}

export function registerKAdapter(program: Command): void {
  const kadapter = program.command("kadapter").description("K-Adapter: knowledge adapters beside a frozen model");
  addKnowledgeLoopOptions(
    kadapter.command("pretrain").description("pretrain a knowledge adapter (model frozen) on relation classification (factual) or dependency heads (linguistic)"),
  )
    .requiredOption("--task <task>", "relation (TACRED-format JSON; default LitWD1Krel with a held-out fifth) or dependency (a UD treebank folder; default en-ewt)")
    .option("--adapter-hidden <n>", "adapter width d_a (default half the model's hidden size; the reference: 768 for RoBERTa-large)", integer("adapter-hidden"))
    .option("--adapter-heads <n>", "attention heads inside the adapter (default half the model's)", integer("adapter-heads"))
    .option("--adapter-intermediate <n>", "FFN size inside the adapter (default 4·width)", integer("adapter-intermediate"))
    .option("--adapter-layers <n>", "transformer layers per adapter layer (N, default 2)", integer("adapter-layers"))
    .option("--plugin-layers <list>", "hidden-state indices read (0 = embeddings); default {0, middle, last}", (v: string) => v.split(",").map(integer("plugin-layers")))
    .option("--skip-layers <k>", "the reference's skip every k adapter layers (0 = off, as its scripts)", integer("skip-layers"))
    .option("--no-mask-padding", "attend to padding inside the adapter, as the reference does")
    .action(async (flags: KnowledgePretrainFlags) => {
      if (flags.task !== "relation" && flags.task !== "dependency") throw new ConfigError(`--task: expected relation or dependency, got "${flags.task}"`);
      const kit = await openKit(flags.model);
      const { task, data, model: _model, ...rest } = flags;
      await runKnowledgePretraining(kit, { ...rest, task, dataDir: data });
    });
}
