// Loading a pretrained encoder from a model directory in any format the readers support: a Hugging Face
// directory (config.json + model.safetensors / sharded / pytorch_model.bin) or Google's TF checkpoint
// (bert_config.json + bert_model.ckpt.index/.data).
import { basename } from "node:path";
import type { Engine } from "../../autograd/index.js";
import { ConfigError } from "../../errors.js";
import { readCheckpointDir, toFloat32, type CheckpointFormat } from "../../io/index.js";
import { fromGoogleConfig, fromHfConfig, inferModelType, type BertConfig } from "./config.js";
import { BertModel } from "./model.js";
import { mapCheckpoint } from "./weights.js";

export interface Pretrained {
  config: BertConfig;
  model: BertModel;
  format: CheckpointFormat;
  /** Checkpoint tensors that are not encoder parameters (an MLM head, say), skipped. */
  unexpected: string[];
  /** What the loader decided for the user, one line each (an architecture inferred from an old config). */
  notes: string[];
}

export async function loadPretrained(engine: Engine, dir: string, options: { strict?: boolean } = {}): Promise<Pretrained> {
  const found = await readCheckpointDir(dir, { allocate: engine.backend.allocate }); // huge pages on native
  if (!found.configJson || !found.configFile) throw new ConfigError(`${dir}: expected config.json or bert_config.json beside the weights, got neither`);
  const notes: string[] = [];
  let config: BertConfig;
  if (basename(found.configFile) === "bert_config.json") {
    config = fromGoogleConfig(found.configJson, found.configFile);
  } else {
    const { modelType, how } = inferModelType(found.configJson, found.records.map((r) => r.name), found.configFile);
    if (how !== "model_type") notes.push(`${found.configFile} has no model_type; read it as ${modelType}, from ${how}`);
    config = fromHfConfig({ ...found.configJson, model_type: modelType }, found.configFile);
  }
  const records = found.records
    .filter((r) => r.dtype === "F32" || r.dtype === "F16" || r.dtype === "BF16" || r.dtype === "F64")
    .map((r) => ({ name: r.name, shape: r.shape, data: toFloat32(r) }));
  const mapped = mapCheckpoint(records, config, { allowUnexpected: !options.strict, source: found.weightsFile });
  const model = new BertModel(engine, config, { pooler: mapped.hasPooler, randomInit: false }); // every weight is loaded next
  if (!mapped.hasPooler) notes.push(`${found.weightsFile} has no pooler (a *ForMaskedLM export, or RoBERTa's): built without one; sequence heads read the first token through their own dense + tanh layer (AdapterHub's default head)`);
  model.loadWeights(mapped.params, found.weightsFile);
  return { config, model, format: found.format, unexpected: mapped.unexpected, notes };
}
