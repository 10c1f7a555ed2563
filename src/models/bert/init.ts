// A freshly initialised BERT written as a Hugging Face model directory (from-scratch baselines, pretraining,
// tests). Weights: truncated normal with std initializer_range, as BERT; the WordPiece vocab is copied.
import { chmod, copyFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { Engine } from "../../autograd/index.js";
import { ConfigError } from "../../errors.js";
import { refBackend } from "../../kernels/index.js";
import { fromVocabFile } from "../../tokenize/index.js";
import { fromHfConfig, type BertConfig } from "./config.js";
import { BertModel } from "./model.js";
import { saveHfModel } from "./save.js";

export interface InitOptions {
  vocab: string; // a WordPiece vocab.txt
  layers: number;
  hidden: number;
  heads: number;
  intermediate?: number; // 4 x hidden
  maxPositions: number;
  lowercase: boolean;
  seed: number;
}

export async function writeInitialisedModel(out: string, o: InitOptions): Promise<BertConfig> {
  if (basename(o.vocab) !== "vocab.txt") throw new ConfigError(`init: expected a WordPiece vocab.txt, got ${o.vocab}`);
  const tokenizer = fromVocabFile(o.vocab, { lowercase: o.lowercase });
  const config = fromHfConfig({
    model_type: "bert", vocab_size: tokenizer.vocabSize, hidden_size: o.hidden, num_hidden_layers: o.layers,
    num_attention_heads: o.heads, intermediate_size: o.intermediate ?? 4 * o.hidden, max_position_embeddings: o.maxPositions,
    type_vocab_size: 2, hidden_act: "gelu_new",
  }, "init");
  const model = new BertModel(new Engine({ backend: refBackend }), config, { seed: o.seed });
  await saveHfModel(out, model, config);
  await copyFile(o.vocab, join(out, "vocab.txt"));
  await chmod(join(out, "vocab.txt"), 0o644); // the source may be read-only
  await writeFile(join(out, "tokenizer_config.json"), JSON.stringify({ do_lower_case: o.lowercase, tokenizer_class: "BertTokenizer" }, null, 2) + "\n");
  return config;
}
