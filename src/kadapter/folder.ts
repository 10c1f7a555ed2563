// One knowledge adapter on its own as a folder, so adapters trained separately (factual, linguistic) can be
// combined later:
//   kadapter_config.json    every KnowledgeAdapterConfig field in snake_case, plus format and format_version
//   kadapter.safetensors    the parameters under the reference's names (weights.ts), float32
// Written with writeFilesAtomic: a new folder appears whole or not at all. Loading is strict: missing,
// unexpected and mis-shaped tensors are reported together, naming the file and each tensor.
import { join } from "node:path";
import type { Engine } from "../autograd/index.js";
import { formatShape } from "../dtype.js";
import { FormatError } from "../errors.js";
import { encodeSafetensors, readJson, readSafetensors, writeFilesAtomic, type FileContents, type TensorRecord } from "../io/index.js";
import { Rng } from "../rng.js";
import { fromKAdapterJson, toKAdapterJson } from "./config.js";
import { KnowledgeAdapter } from "./knowledge-adapter.js";
import { kadapterReferenceName } from "./weights.js";

export const KADAPTER_CONFIG_FILE = "kadapter_config.json";
export const KADAPTER_WEIGHTS_FILE = "kadapter.safetensors";

/** The folder's two files, to write together with others. */
export function knowledgeAdapterFiles(adapter: KnowledgeAdapter): Record<string, FileContents> {
  const records: TensorRecord[] = adapter.namedParameters().map(([name, t]) => ({
    name: kadapterReferenceName(name), dtype: "F32", shape: [...t.shape], data: Float32Array.from(t.data),
  }));
  return {
    [KADAPTER_CONFIG_FILE]: JSON.stringify(toKAdapterJson(adapter.config), null, 2) + "\n",
    [KADAPTER_WEIGHTS_FILE]: encodeSafetensors(records, { metadata: { format: "pt" } }),
  };
}

export async function saveKnowledgeAdapter(dir: string, adapter: KnowledgeAdapter): Promise<void> {
  await writeFilesAtomic(dir, knowledgeAdapterFiles(adapter));
}

/** Reads a folder written by saveKnowledgeAdapter (or by hand with the reference's tensor names). */
export async function loadKnowledgeAdapter(dir: string, engine: Engine): Promise<KnowledgeAdapter> {
  const configPath = join(dir, KADAPTER_CONFIG_FILE);
  const config = fromKAdapterJson(await readJson(configPath), configPath);
  const adapter = new KnowledgeAdapter(engine, config, new Rng(0)); // its initial values are overwritten below

  const weightsPath = join(dir, KADAPTER_WEIGHTS_FILE);
  const { records } = await readSafetensors(weightsPath); // F16/BF16 come back as F32
  loadKnowledgeAdapterWeights(adapter, records, weightsPath);
  return adapter;
}

/** Copies tensors under the reference's names into an adapter, strictly: missing, mis-shaped and unexpected
 *  ones are reported together, naming `source`. */
export function loadKnowledgeAdapterWeights(adapter: KnowledgeAdapter, records: readonly TensorRecord[], source: string): void {
  const config = adapter.config;
  const byName = new Map(records.map((r) => [r.name, r]));
  const missing: string[] = [];
  const mismatched: string[] = [];
  const expected = new Set<string>();
  for (const [name, t] of adapter.namedParameters()) {
    const key = kadapterReferenceName(name);
    expected.add(key);
    const record = byName.get(key);
    if (!record) missing.push(key);
    else if (record.dtype !== "F32") mismatched.push(`"${key}": expected a float tensor, got ${record.dtype}`);
    else if (formatShape(record.shape) !== formatShape(t.shape)) mismatched.push(`"${key}": expected ${formatShape(t.shape)}, got ${formatShape(record.shape)}`);
    else t.data.set(record.data);
  }
  const unexpected = records.map((r) => r.name).filter((n) => !expected.has(n));
  const problems: string[] = [];
  if (missing.length) problems.push(`missing ${missing.length}: ${missing.map((n) => `"${n}"`).join(", ")}`);
  if (mismatched.length) problems.push(`mismatched ${mismatched.length}: ${mismatched.join("; ")}`);
  if (unexpected.length) problems.push(`unexpected ${unexpected.length}: ${unexpected.map((n) => `"${n}"`).join(", ")}`);
  if (problems.length) {
    const { pluginLayers, transformerLayers } = config;
    throw new FormatError(`${source}: expected the tensors of a knowledge adapter with ${pluginLayers.length} adapter layers of ${transformerLayers} transformer layers, got ${problems.join("; ")}`);
  }
}
