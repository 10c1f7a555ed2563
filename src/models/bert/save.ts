// Writes an encoder as a Hugging Face model directory (config.json + model.safetensors with "bert."/"roberta."
// names), loadable by AdapterKit and by transformers. Float storage F32, F16 or BF16.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeSafetensors, writeFilesAtomic, type FileContents, type FloatStorage, type TensorRecord } from "../../io/index.js";
import { toHfConfig, type BertConfig } from "./config.js";
import type { BertModel } from "./model.js";
import { hfName } from "./weights.js";

export interface SaveHfOptions {
  storeAs?: FloatStorage;
  /** More tensors under their checkpoint names (an MLM head, say). */
  extra?: readonly TensorRecord[];
  metadata?: Record<string, string>;
  /** A model directory whose tokenizer files (vocab.txt, tokenizer.json, ...) go beside the weights, so the
   *  directory loads on its own. */
  tokenizerFrom?: string;
}

const TOKENIZER_FILES = ["vocab.txt", "tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json"];

/** The two files of a Hugging Face model directory, to write together with others. */
export function hfModelFiles(model: BertModel, config: BertConfig, options: SaveHfOptions = {}): Record<string, FileContents> {
  const records: TensorRecord[] = model.namedParameters().map(([n, t]) => ({
    name: `${config.modelType}.${hfName(n)}`, dtype: "F32", shape: [...t.shape], data: Float32Array.from(t.data),
  }));
  const tokenizer = options.tokenizerFrom;
  const tokenizerFiles = tokenizer ? TOKENIZER_FILES.filter((f) => existsSync(join(tokenizer, f))).map((f) => [f, readFileSync(join(tokenizer, f))]) : [];
  return {
    ...Object.fromEntries(tokenizerFiles),
    "config.json": JSON.stringify(toHfConfig(config), null, 2) + "\n",
    "model.safetensors": encodeSafetensors([...records, ...(options.extra ?? [])], { storeAs: options.storeAs ?? "F32", metadata: { format: "pt", ...options.metadata } }),
  };
}

export async function saveHfModel(dir: string, model: BertModel, config: BertConfig, options: SaveHfOptions = {}): Promise<void> {
  await writeFilesAtomic(dir, hfModelFiles(model, config, options));
}
