// adapterkit kadapter pretrain: a knowledge adapter beside the frozen model, on relation classification
// (factual) or dependency heads (linguistic); kadapter import: microsoft/K-Adapter's released adapters as
// knowledge-adapter folders. Downstream K-Adapter tasks run through `train --task openentity|tacred`.
import type { Command } from "commander";
import { ConfigError } from "../../errors.js";
import { addKnowledgeLoopOptions, runKnowledgePretraining } from "../knowledge.js";
import { Engine } from "../../autograd/index.js";
import { importReleasedAdapter, type KnowledgeEvents, type KnowledgePretrainArgs } from "../../kadapter/index.js";
import { refBackend } from "../../kernels/index.js";
import { dataDir, integer, log, openKit } from "../setup.js";

interface ImportFlags {
  from: string;
  out: string;
  plmLayers: number;
  pluginLayers: number[];
  heads: number;
  skipLayers: number;
}

/** The library's arguments as commander parses them: the shared data folder as --data, the task still unchecked. */
interface KnowledgePretrainFlags extends Omit<KnowledgePretrainArgs, "task" | "dataDir" | keyof KnowledgeEvents> {
  task: string;
  model: string;
  data?: string;
}

export function registerKAdapter(program: Command): void {
  const kadapter = program.command("kadapter").description("K-Adapter: knowledge adapters beside a frozen model");
  registerKAdapterImport(kadapter);
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
      await runKnowledgePretraining(kit, { ...rest, task, dataDir: dataDir(data) });
    });
}

export function registerKAdapterImport(kadapter: Command): void {
  kadapter
    .command("import")
    .description("turn microsoft/K-Adapter's released adapter checkpoint (pytorch_model.bin) into a knowledge-adapter folder")
    .requiredOption("--from <file>", "the released pytorch_model.bin (the legacy torch.save format is read)")
    .requiredOption("--out <dir>", "the knowledge-adapter folder to write")
    .option("--plm-layers <n>", "layers of the model the adapter was trained beside (RoBERTa-large: 24)", integer("plm-layers"), 24)
    .option(
      "--plugin-layers <list>",
      "its plug-in points, one per adapter layer (the reference scripts: 0,11,22)",
      (v: string) => v.split(",").map(integer("plugin-layers")),
      [0, 11, 22],
    )
    .option("--heads <n>", "attention heads inside the adapter (the reference: 12)", integer("heads"), 12)
    .option("--skip-layers <k>", "the reference's skip every k adapter layers (0 = off, as its scripts)", integer("skip-layers"), 0)
    .action(async (flags: ImportFlags) => {
      const engine = new Engine({ backend: refBackend }); // only holds the weights on their way to the folder
      const { config, leftOut } = await importReleasedAdapter(engine, flags.from, flags.out, {
        plmLayers: flags.plmLayers,
        pluginLayers: flags.pluginLayers,
        numHeads: flags.heads,
        skipLayers: flags.skipLayers,
      });
      log(`left out ${leftOut.length} tensors that are not the adapter's (its pretraining head): ${leftOut.slice(0, 6).join(", ")}${leftOut.length > 6 ? ", ..." : ""}`);
      console.log(
        `knowledge adapter: ${config.pluginLayers.length} adapter layers of ${config.transformerLayers} transformer layers, width ${config.adapterHidden}, beside a ${config.plmLayers}-layer model of hidden size ${config.plmHidden}, plug-in points ${config.pluginLayers.join(", ")}; written to ${flags.out}`,
      );
    });
}
