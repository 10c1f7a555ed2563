// adapterkit init: a freshly initialised BERT as a Hugging Face model directory (for from-scratch baselines,
// pretraining, and tests).
import type { Command } from "commander";
import { writeInitialisedModel, type InitOptions } from "../../models/index.js";
import { integer, log } from "../setup.js";

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("write a freshly initialised BERT as a Hugging Face model directory")
    .requiredOption("--out <dir>", "model directory to create")
    .requiredOption("--vocab <vocab.txt>", "WordPiece vocabulary (e.g. data/vocab/bert-base-uncased/vocab.txt)")
    .option("--layers <n>", "transformer layers", integer("layers"), 4)
    .option("--hidden <n>", "hidden size", integer("hidden"), 256)
    .option("--heads <n>", "attention heads", integer("heads"), 4)
    .option("--intermediate <n>", "FFN inner size (default 4·hidden)", integer("intermediate"))
    .option("--max-positions <n>", "position embeddings", integer("max-positions"), 512)
    .option("--no-lowercase", "a cased vocabulary")
    .option("--seed <n>", "initialisation seed", integer("seed"), 0)
    .action(async (flags: InitOptions & { out: string }) => {
      const config = await writeInitialisedModel(flags.out, flags);
      log(`wrote a freshly initialised ${config.numLayers}-layer, ${config.hiddenSize}-wide BERT to ${flags.out}`);
    });
}
