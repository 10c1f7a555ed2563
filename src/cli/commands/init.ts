// adapterkit init: a freshly initialised BERT/RoBERTa as a Hugging Face model directory (for from-scratch
// baselines, pretraining, and tests). Weights: truncated normal with std initializer_range, as BERT.
import { chmod, copyFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Command } from "commander";
import { Engine } from "../../autograd/index.js";
import { ConfigError } from "../../errors.js";
import { refBackend } from "../../kernels/index.js";
import { BertModel, fromHfConfig, saveHfModel } from "../../models/index.js";
import { fromVocabFile } from "../../tokenize/index.js";
import { integer, log } from "../setup.js";

interface InitFlags {
  out: string;
  vocab: string;
  layers: number;
  hidden: number;
  heads: number;
  intermediate?: number;
  maxPositions: number;
  lowercase: boolean;
  seed: number;
}

export async function init(flags: InitFlags): Promise<void> {
  if (basename(flags.vocab) !== "vocab.txt") throw new ConfigError(`--vocab: expected a WordPiece vocab.txt, got ${flags.vocab}`);
  const tokenizer = fromVocabFile(flags.vocab, { lowercase: flags.lowercase });
  const config = fromHfConfig({
    model_type: "bert", vocab_size: tokenizer.vocabSize, hidden_size: flags.hidden, num_hidden_layers: flags.layers,
    num_attention_heads: flags.heads, intermediate_size: flags.intermediate ?? 4 * flags.hidden, max_position_embeddings: flags.maxPositions,
    type_vocab_size: 2, hidden_act: "gelu_new",
  }, "init");
  const model = new BertModel(new Engine({ backend: refBackend }), config, { seed: flags.seed });
  await saveHfModel(flags.out, model, config);
  await copyFile(flags.vocab, join(flags.out, "vocab.txt"));
  await chmod(join(flags.out, "vocab.txt"), 0o644); // the source may be read-only
  await writeFile(join(flags.out, "tokenizer_config.json"), JSON.stringify({ do_lower_case: flags.lowercase, tokenizer_class: "BertTokenizer" }, null, 2) + "\n");
  log(`wrote a freshly initialised ${config.numLayers}-layer, ${config.hiddenSize}-wide BERT to ${flags.out}`);
}

export function registerInit(program: Command): void {
  program.command("init").description("write a freshly initialised BERT as a Hugging Face model directory")
    .requiredOption("--out <dir>", "model directory to create")
    .requiredOption("--vocab <vocab.txt>", "WordPiece vocabulary (e.g. ../shared/data/vocab/bert-base-uncased/vocab.txt)")
    .option("--layers <n>", "transformer layers", integer("layers"), 4)
    .option("--hidden <n>", "hidden size", integer("hidden"), 256)
    .option("--heads <n>", "attention heads", integer("heads"), 4)
    .option("--intermediate <n>", "FFN inner size (default 4·hidden)", integer("intermediate"))
    .option("--max-positions <n>", "position embeddings", integer("max-positions"), 512)
    .option("--no-lowercase", "a cased vocabulary")
    .option("--seed <n>", "initialisation seed", integer("seed"), 0)
    .action(async (flags: InitFlags) => init(flags));
}
