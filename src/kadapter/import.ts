// microsoft/K-Adapter's released adapters (fac-adapter, lin-adapter: pytorch_model.bin, the legacy torch.save
// format) as knowledge-adapter folders. The file is the pretraining model's whole state dict: the adapter
// under `adapter.<i>...` (the names kadapter.safetensors uses) and its pretraining head (com_dense, dense,
// out_proj, ...), which is reported and left out. The sizes come from the tensors; what the tensors do not
// say (the PLM's layer count, the plug-in points, heads, skips) comes from the reference's RoBERTa-large
// scripts unless given: 24 layers, plug-in points {0, 11, 22}, 12 heads, no skip connections.
import type { Engine } from "../autograd/index.js";
import { ConfigError, FormatError } from "../errors.js";
import { readPytorchBin, type TensorRecord } from "../io/index.js";
import { knowledgeAdapterConfig, type KnowledgeAdapterConfig } from "./config.js";
import { loadKnowledgeAdapterWeights, saveKnowledgeAdapter } from "./folder.js";
import { KnowledgeAdapter } from "./knowledge-adapter.js";
import { Rng } from "../rng.js";

export interface ImportOptions {
  plmLayers?: number; // 24 (RoBERTa-large)
  pluginLayers?: readonly number[]; // [0, 11, 22]
  numHeads?: number; // 12
  skipLayers?: number; // 0
}

export interface ImportResult {
  config: KnowledgeAdapterConfig;
  /** Tensors of the file that are not the adapter's (its pretraining head), left out. */
  leftOut: string[];
}

/** Reads a released K-Adapter checkpoint and writes its adapter as a folder in `out`. */
export async function importReleasedAdapter(e: Engine, path: string, out: string, options: ImportOptions = {}): Promise<ImportResult> {
  const records = await readPytorchBin(path);
  const adapter = records.filter((r) => r.name.startsWith("adapter."));
  const leftOut = records.filter((r) => !r.name.startsWith("adapter.")).map((r) => r.name);
  if (adapter.length === 0) throw new FormatError(`${path}: expected K-Adapter's adapter tensors (adapter.<i>.down_project.weight, ...), got none among ${records.length} tensors`);
  const shape = (name: string): number[] => {
    const r = adapter.find((x) => x.name === name);
    if (!r) throw new FormatError(`${path}: expected tensor "${name}", got none`);
    return r.shape;
  };
  const layerCount = countIndices(adapter, /^adapter\.(\d+)\./);
  const innerCount = countIndices(adapter.filter((r) => r.name.startsWith("adapter.0.")), /^adapter\.0\.encoder\.layer\.(\d+)\./);
  const [adapterHidden, plmHidden] = shape("adapter.0.down_project.weight");
  const [intermediateSize] = shape("adapter.0.encoder.layer.0.intermediate.dense.weight");
  const plmLayers = options.plmLayers ?? 24;
  const pluginLayers = options.pluginLayers ?? [0, 11, 22];
  if (pluginLayers.length !== layerCount) {
    throw new ConfigError(`${path}: the file holds ${layerCount} adapter layers, but ${pluginLayers.length} plug-in points were given (${pluginLayers.join(", ")}); hint: --plugin-layers with one index per adapter layer`);
  }
  const config = knowledgeAdapterConfig({
    plmHidden, plmLayers, adapterHidden, intermediateSize, transformerLayers: innerCount, pluginLayers,
    numHeads: options.numHeads ?? 12, skipLayers: options.skipLayers ?? 0,
  }, `kadapter import ${path}`);
  const knowledge = new KnowledgeAdapter(e, config, new Rng(0));
  loadKnowledgeAdapterWeights(knowledge, adapter, path);
  await saveKnowledgeAdapter(out, knowledge);
  return { config, leftOut };
}

/** 1 + the largest index a pattern captures among the names. */
function countIndices(records: readonly TensorRecord[], pattern: RegExp): number {
  return 1 + Math.max(-1, ...records.map((r) => Number(pattern.exec(r.name)?.[1] ?? -1)));
}
