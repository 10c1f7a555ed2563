// Saving and loading one trained adapter (with its LayerNorms and head) as an AdapterHub-layout folder.
// Written with writeFilesAtomic: a new folder appears whole or not at all; in an existing one every file is
// written to a temp file first and renamed only after all are complete.
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, adapterHubConfig, fromAdapterHubName, HEAD_CONFIG_FILE, HEAD_WEIGHTS_FILE,
  LAYERNORMS_FILE, parseAdapterHubConfig, toAdapterHubName, type AdapterSet, type BottleneckConfig,
} from "../adapters/index.js";
import { formatShape } from "../dtype.js";
import { FormatError } from "../errors.js";
import { fromHubHeadName, headHubConfig, parseHeadHubConfig, toHubHeadName, type HeadConfig, type TaskHead } from "../heads/index.js";
import { encodeSafetensors, readJson, readSafetensors, toFloat32, writeFilesAtomic, type FileContents, type TensorRecord } from "../io/index.js";
import { hfName, type BertConfig } from "../models/index.js";
import type { TaskModel } from "./task-model.js";

export interface LoadedAdapter {
  name: string;
  /** null for a folder from a head-only or LayerNorm-only run. */
  adapter: { config: BottleneckConfig; weights: Map<string, Float32Array> } | null; // weights by AdapterKit name (layers.<i>.<point>.<down|up>.<weight|bias>)
  modelType: string;
  hiddenSize: number;
  layerNorms: Map<string, Float32Array> | null; // AdapterKit base names (encoder.layers.<i>.attn.norm.weight ...)
  head: { name: string; config: HeadConfig; weights: Map<string, Float32Array> } | null;
}

const record = (name: string, shape: readonly number[], data: Float32Array): TensorRecord => ({ name, dtype: "F32", shape: [...shape], data });

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/** Writes adapter `name` of the model (when it has one), its LayerNorms (when kept) and the head into dir. */
export async function saveAdapterFolder(dir: string, model: TaskModel, name: string, base: BertConfig, headName = name): Promise<void> {
  const meta = { name, modelType: base.modelType, hiddenSize: base.hiddenSize };
  const files: Record<string, FileContents> = {
    [HEAD_CONFIG_FILE]: json(headHubConfig(model.head.config, { ...meta, name: headName })),
    [HEAD_WEIGHTS_FILE]: encodeSafetensors(model.head.namedParameters().map(([n, t]) =>
      record(toHubHeadName(headName, n), t.shape, Float32Array.from(t.data)))),
  };
  // head-only and layernorm-only runs have no adapter: their folder holds the head (and LayerNorms)
  if (model.adapters.names().includes(name)) {
    const adapter = model.adapters.get(name);
    files[ADAPTER_CONFIG_FILE] = json(adapterHubConfig(adapter.config, meta));
    files[ADAPTER_WEIGHTS_FILE] = encodeSafetensors(adapter.namedParameters().map(([n, t]) =>
      record(toAdapterHubName(base.modelType, name, n), t.shape, Float32Array.from(t.data))));
  }
  const norms = model.adapterLayerNormsOf(name);
  if (norms) {
    files[LAYERNORMS_FILE] = encodeSafetensors([...norms].map(([n, v]) => record(`${base.modelType}.${hfName(n)}`, [v.length], v)));
  }
  await writeFilesAtomic(dir, files);
}

async function readWeights(path: string, rename: (key: string) => string | null): Promise<Map<string, Float32Array>> {
  const { records } = await readSafetensors(path);
  const out = new Map<string, Float32Array>();
  const unknown: string[] = [];
  for (const r of records) {
    const name = rename(r.name);
    if (name === null) unknown.push(r.name);
    else out.set(name, toFloat32(r));
  }
  if (unknown.length) throw new FormatError(`${path}: unexpected tensors ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ""}`);
  return out;
}

export async function loadAdapterFolder(dir: string): Promise<LoadedAdapter> {
  const configPath = join(dir, ADAPTER_CONFIG_FILE);
  const headConfigPath = join(dir, HEAD_CONFIG_FILE);
  const hasAdapter = existsSync(configPath) || !existsSync(headConfigPath); // a missing folder reports adapter_config.json
  const hub = hasAdapter ? parseAdapterHubConfig(await readJson(configPath), configPath) : null;
  let head: LoadedAdapter["head"] = null;
  let meta = hub ? { name: hub.name, hiddenSize: hub.hiddenSize, modelType: hub.modelType } : null;
  if (existsSync(headConfigPath)) {
    const raw = await readJson(headConfigPath);
    const parsed = parseHeadHubConfig(raw, headConfigPath);
    head = { ...parsed, weights: await readWeights(join(dir, HEAD_WEIGHTS_FILE), (key) => fromHubHeadName(parsed.name, key)) };
    const top = raw as { hidden_size?: unknown; model_type?: unknown };
    meta ??= { name: parsed.name, hiddenSize: Number(top.hidden_size), modelType: String(top.model_type ?? "bert") };
  }
  if (!meta) throw new FormatError(`${dir}: expected ${ADAPTER_CONFIG_FILE} or ${HEAD_CONFIG_FILE}, got neither`);
  const adapter = hub ? { config: hub.config, weights: await readWeights(join(dir, ADAPTER_WEIGHTS_FILE), (key) => fromAdapterHubName(hub.name, key)) } : null;
  const normsPath = join(dir, LAYERNORMS_FILE);
  const layerNorms = existsSync(normsPath) ? await readWeights(normsPath, layerNormName) : null;
  return { ...meta, adapter, layerNorms, head };
}

// bert.encoder.layer.3.attention.output.LayerNorm.weight -> encoder.layers.3.attn.norm.weight
function layerNormName(key: string): string | null {
  const k = key.replace(/^(bert|roberta)\./, "");
  if (/^embeddings\.LayerNorm\.(weight|bias)$/.test(k)) return k.replace("LayerNorm", "norm");
  const m = /^encoder\.layer\.(\d+)\.(attention\.output|output)\.LayerNorm\.(weight|bias)$/.exec(k);
  return m ? `encoder.layers.${m[1]}.${m[2] === "output" ? "ffn" : "attn"}.norm.${m[3]}` : null;
}

/** Copies loaded weights into tensors by name, strictly (every tensor present, shapes equal). */
export function copyWeights(target: readonly (readonly [string, { shape: readonly number[]; size: number; data: Float32Array | Float64Array }])[], weights: ReadonlyMap<string, Float32Array>, source: string): void {
  const missing = target.filter(([n]) => !weights.has(n)).map(([n]) => n);
  const extra = [...weights.keys()].filter((n) => !target.some(([t]) => t === n));
  const misShaped = target.filter(([n, t]) => weights.has(n) && weights.get(n)?.length !== t.size).map(([n, t]) => `${n} expected ${formatShape(t.shape)}`);
  if (missing.length || extra.length || misShaped.length) {
    throw new FormatError(`${source}: expected matching tensors, got missing [${missing.join(", ")}], unexpected [${extra.join(", ")}], mis-shaped [${misShaped.join("; ")}]`);
  }
  for (const [n, t] of target) t.data.set(weights.get(n) ?? new Float32Array(0));
}

/** Adds a loaded adapter to a set (and its LayerNorms to the task model), ready to activate by name. */
export function attachAdapter(model: TaskModel, adapters: AdapterSet, loaded: LoadedAdapter, source: string): void {
  if (loaded.adapter) {
    const adapter = adapters.add(loaded.name, loaded.adapter.config);
    copyWeights(adapter.namedParameters(), loaded.adapter.weights, source);
  }
  if (loaded.layerNorms) model.keepLayerNorms(loaded.name, loaded.layerNorms);
}

/** Loads head weights into a head built from the loaded head config. */
export function loadHeadWeights(head: TaskHead, weights: ReadonlyMap<string, Float32Array>, source: string): void {
  copyWeights(head.namedParameters(), weights, source);
}
