// An adapter on disk, in AdapterHub's layout (see adapterhub-format.ts), and back. Written with
// writeFilesAtomic: a new folder appears whole or not at all; in an existing one every file is written to a
// temp file first and renamed only after all are complete. Reading is strict: a tensor missing, extra or
// mis-shaped, a head whose labels disagree with its config, or an adapter for another base is an error naming
// the adapter and the file.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Engine } from "../autograd/index.js";
import { formatShape, shapeSize } from "../dtype.js";
import { ConfigError, FormatError } from "../errors.js";
import { fromHubHeadName, headHubConfig, parseHeadHubConfig, toHubHeadName } from "../heads/index.js";
import { encodeSafetensors, readJson, readPytorchBin, readSafetensors, toFloat32, writeFilesAtomic, type FileContents, type TensorRecord } from "../io/index.js";
import { hfName, type BertModel } from "../models/index.js";
import { Rng } from "../rng.js";
import { Adapter, checkAdapterName, type AdapterInfo } from "./adapter.js";
import {
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_BIN,
  ADAPTER_WEIGHTS_FILE,
  adapterHubConfig,
  fromAdapterHubName,
  HEAD_CONFIG_FILE,
  HEAD_WEIGHTS_BIN,
  HEAD_WEIGHTS_FILE,
  LAYERNORMS_FILE,
  parseAdapterHubConfig,
  toAdapterHubNames,
} from "./adapterhub-format.js";

/** The files an adapter folder may hold (what its size on disk counts). */
export const ADAPTER_FOLDER_FILES = [
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_FILE,
  ADAPTER_WEIGHTS_BIN,
  HEAD_CONFIG_FILE,
  HEAD_WEIGHTS_FILE,
  HEAD_WEIGHTS_BIN,
  LAYERNORMS_FILE,
] as const;

const record = (name: string, shape: readonly number[], data: Float32Array | Float64Array): TensorRecord => ({
  name,
  dtype: "F32",
  shape: [...shape],
  data: Float32Array.from(data),
});

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/** Writes the adapter (bottleneck when it has one, LayerNorms when it has them, head) into dir. */
export async function saveAdapter(dir: string, adapter: Adapter, base: { modelType: string; hiddenSize: number }): Promise<void> {
  const name = adapter.name;
  const meta = { name, modelType: base.modelType, hiddenSize: base.hiddenSize };
  const files: Record<string, FileContents> = {
    [HEAD_CONFIG_FILE]: json(headHubConfig(adapter.head.config, meta)),
    [HEAD_WEIGHTS_FILE]: encodeSafetensors(adapter.head.namedParameters().map(([n, t]) => record(toHubHeadName(name, n, adapter.head.config), t.shape, t.data))),
  };
  if (adapter.bottleneck) {
    const config = adapter.bottleneck.config;
    files[ADAPTER_CONFIG_FILE] = json(adapterHubConfig(config, meta));
    files[ADAPTER_WEIGHTS_FILE] = encodeSafetensors(
      adapter.bottleneck.namedParameters().flatMap(([n, t]) => toAdapterHubNames(base.modelType, name, n, config.lnBefore).map((key) => record(key, t.shape, t.data))),
    );
  }
  if (adapter.layerNorms) {
    files[LAYERNORMS_FILE] = encodeSafetensors(adapter.layerNorms.namedParameters().map(([n, t]) => record(`${base.modelType}.${hfName(n)}`, t.shape, t.data)));
  }
  await writeFilesAtomic(dir, files);
}

/** Reads a weights file (safetensors, or a torch.save .bin as AdapterHub writes by default), renamed. A name may
 *  come from two keys (AdapterHub's state dict holds a shared module twice) only with equal values. */
async function readWeights(path: string, rename: (key: string) => string | null): Promise<Map<string, Float32Array>> {
  const records = path.endsWith(".bin") ? await readPytorchBin(path) : (await readSafetensors(path)).records;
  const out = new Map<string, Float32Array>();
  const unknown: string[] = [];
  for (const r of records) {
    const name = rename(r.name);
    if (name === null) {
      unknown.push(r.name);
      continue;
    }
    const data = toFloat32(r);
    const seen = out.get(name);
    if (seen && !(seen.length === data.length && seen.every((v, i) => Object.is(v, data[i]))))
      throw new FormatError(`${path}: tensor "${r.name}" disagrees with the copy of ${name} under another key`);
    out.set(name, data);
  }
  if (unknown.length) throw new FormatError(`${path}: unexpected tensors ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ""}`);
  return out;
}

/** The weights file of a folder: the safetensors file, else AdapterHub's .bin; an error naming both when neither is there. */
function weightsPath(dir: string, safetensors: string, bin: string): string {
  const path = join(dir, safetensors);
  if (existsSync(path) || !existsSync(join(dir, bin))) return path;
  return join(dir, bin);
}

/** A folder's two configs: head_config.json (required) and adapter_config.json (a bottleneck; optional). */
async function readConfigs(dir: string) {
  const headConfigPath = join(dir, HEAD_CONFIG_FILE);
  if (!existsSync(dir)) throw new ConfigError(`${dir}: no such adapter folder`);
  if (!existsSync(headConfigPath)) throw new FormatError(`${headConfigPath}: expected the adapter's head config, got no such file`);
  const rawHead = await readJson(headConfigPath);
  const head = parseHeadHubConfig(rawHead, headConfigPath);
  const configPath = join(dir, ADAPTER_CONFIG_FILE);
  const hub = existsSync(configPath) ? parseAdapterHubConfig(await readJson(configPath), configPath) : null;
  return { headConfigPath, rawHead, head, configPath, hub };
}

/**
 * Reads the adapter folder `dir` as an adapter over `base`, under `name` (default: the name in its config).
 * The folder needs head_config.json; adapter_config.json (a bottleneck) and the LayerNorms file are optional,
 * as a LayerNorm-only or head-only run writes neither.
 */
export async function loadAdapter(e: Engine, dir: string, base: BertModel, name?: string): Promise<Adapter> {
  const { headConfigPath, rawHead, head, configPath, hub } = await readConfigs(dir);
  const adapterName = checkAdapterName(name ?? hub?.name ?? head.name);
  const c = base.config;
  const top = rawHead as { hidden_size?: unknown };
  const hiddenSize = hub?.hiddenSize ?? (typeof top.hidden_size === "number" ? top.hidden_size : c.hiddenSize);
  if (hiddenSize !== c.hiddenSize) {
    throw new ConfigError(`adapter "${adapterName}" (${hub ? configPath : headConfigPath}): expected hidden_size ${c.hiddenSize} (the base model's), got ${hiddenSize}`);
  }
  if (hub) {
    for (const layer of hub.config.leaveOut) {
      if (!Number.isInteger(layer) || layer < 0 || layer >= c.numLayers) {
        throw new ConfigError(`adapter "${adapterName}" (${configPath}): expected leave_out entries to be layer numbers in [0,${c.numLayers}), got ${JSON.stringify(layer)}`);
      }
    }
  }
  const normsPath = join(dir, LAYERNORMS_FILE);
  const hasNorms = existsSync(normsPath);
  const adapter = new Adapter(e, adapterName, base, { bottleneck: hub?.config ?? null, layerNorms: hasNorms, head: head.config }, { bottleneck: new Rng(0), head: new Rng(0) });
  const where = (path: string): string => `adapter "${adapterName}" (${path})`;
  const headPath = weightsPath(dir, HEAD_WEIGHTS_FILE, HEAD_WEIGHTS_BIN);
  copyWeights(adapter.head.namedParameters(), await readWeights(headPath, (key) => fromHubHeadName(head.name, key, head.config)), where(headPath));
  if (adapter.bottleneck && hub) {
    const path = weightsPath(dir, ADAPTER_WEIGHTS_FILE, ADAPTER_WEIGHTS_BIN);
    const weights = await readWeights(path, (key) => fromAdapterHubName(hub.name, key, hub.config.lnBefore));
    copyWeights(adapter.bottleneck.namedParameters(), weights, where(path));
  }
  if (adapter.layerNorms) {
    // the file's names are the base's Hugging Face names (saveAdapter writes <model_type>.<hfName>); any prefix is accepted
    const byHfName = new Map(adapter.layerNorms.namedParameters().map(([n]) => [hfName(n), n]));
    const weights = await readWeights(normsPath, (key) => byHfName.get(key.replace(/^(bert|roberta)\./, "")) ?? null);
    copyWeights(adapter.layerNorms.namedParameters(), weights, where(normsPath));
  }
  return adapter;
}

/** Copies loaded weights into tensors by name, strictly (every tensor present, none extra, shapes equal). */
export function copyWeights(
  target: readonly (readonly [string, { shape: readonly number[]; size: number; data: Float32Array | Float64Array }])[],
  weights: ReadonlyMap<string, Float32Array>,
  source: string,
): void {
  const missing = target.filter(([n]) => !weights.has(n)).map(([n]) => n);
  const extra = [...weights.keys()].filter((n) => !target.some(([t]) => t === n));
  const misShaped = target.filter(([n, t]) => weights.has(n) && weights.get(n)?.length !== t.size).map(([n, t]) => `${n} expected ${formatShape(t.shape)}`);
  if (missing.length || extra.length || misShaped.length) {
    const list = (xs: string[]): string => `${xs.slice(0, 6).join(", ")}${xs.length > 6 ? ` and ${xs.length - 6} more` : ""}`;
    throw new FormatError(`${source}: expected matching tensors, got missing [${list(missing)}], unexpected [${list(extra)}], mis-shaped [${list(misShaped)}]`);
  }
  for (const [n, t] of target) t.data.set(weights.get(n) ?? new Float32Array(0));
}

/** What a saved adapter folder holds, read without a base model: its kind, head, labels and parameter count. */
export async function readAdapterFolderInfo(dir: string): Promise<AdapterInfo & { bottleneckSize: number | null; hiddenSize: number | null; modelType: string | null }> {
  const { rawHead, head, hub } = await readConfigs(dir);
  let parameters = 0;
  for (const path of [weightsPath(dir, HEAD_WEIGHTS_FILE, HEAD_WEIGHTS_BIN), weightsPath(dir, ADAPTER_WEIGHTS_FILE, ADAPTER_WEIGHTS_BIN), join(dir, LAYERNORMS_FILE)]) {
    if (!existsSync(path)) continue;
    const records = path.endsWith(".bin") ? await readPytorchBin(path) : (await readSafetensors(path)).records;
    // with ln_before, adapter_down.0 is the adapter_norm_before LayerNorm again (see adapterhub-format.ts)
    const counted = hub?.config.lnBefore ? records.filter((r) => !r.name.includes(".adapter_down.0.")) : records;
    parameters += counted.reduce((n, r) => n + shapeSize(r.shape), 0);
  }
  const top = rawHead as { hidden_size?: unknown; model_type?: unknown };
  const kind = hub ? hub.config.preset : existsSync(join(dir, LAYERNORMS_FILE)) ? "layernorm-only" : "head-only";
  return {
    name: hub?.name ?? head.name,
    kind,
    head: head.config.kind,
    labels: head.config.labels,
    parameters,
    bytes: 4 * parameters,
    bottleneckSize: hub?.config.bottleneckSize ?? null,
    hiddenSize: hub?.hiddenSize ?? (typeof top.hidden_size === "number" ? top.hidden_size : null),
    modelType: hub?.modelType ?? (typeof top.model_type === "string" ? top.model_type : null),
  };
}
