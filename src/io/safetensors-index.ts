// Sharded safetensors: `model.safetensors.index.json` maps every tensor to the shard file holding it:
//   { "metadata": { "total_size": <bytes> }, "weight_map": { "<tensor name>": "model-00001-of-00002.safetensors" } }
// Each shard is read once, and must hold exactly the tensors the map assigns to it.
import { access, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { FormatError } from "../errors.js";
import { jsonPreview } from "./json-preview.js";
import { readSafetensors, type SafetensorsReadOptions } from "./safetensors.js";
import type { TensorRecord } from "./tensor-record.js";

export interface ShardedSafetensors {
  /** Tensors in weight_map order. */
  records: TensorRecord[];
  /** Shard file names, in order of first appearance in weight_map. */
  shards: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function parseIndex(indexPath: string, label: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(indexPath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new FormatError(`${label}: file not found at ${indexPath}`);
    if (code === "EISDIR") throw new FormatError(`${label}: expected a file at ${indexPath}, got a directory`);
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new FormatError(`${label}: not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed) || !isObject(parsed.weight_map)) {
    throw new FormatError(`${label}: expected a JSON object with a "weight_map" object of tensor name -> shard file`);
  }
  const weightMap = new Map<string, string>();
  for (const [name, shard] of Object.entries(parsed.weight_map)) {
    // Shards live beside the index; a path would let an index point anywhere on disk.
    if (typeof shard !== "string" || shard === "" || /[\\/]/.test(shard) || shard === "." || shard === "..") {
      throw new FormatError(`${label}: weight_map["${name}"] must be a shard file name beside the index, got ${jsonPreview(shard)}`);
    }
    weightMap.set(name, shard);
  }
  if (weightMap.size === 0) throw new FormatError(`${label}: weight_map is empty`);
  return weightMap;
}

/** Reads every shard named by a `model.safetensors.index.json`. */
export async function readSafetensorsIndex(indexPath: string, options: SafetensorsReadOptions = {}): Promise<ShardedSafetensors> {
  const label = `safetensors index(${indexPath})`;
  const weightMap = await parseIndex(indexPath, label);
  const byShard = new Map<string, string[]>();
  for (const [name, shard] of weightMap) {
    const names = byShard.get(shard) ?? [];
    names.push(name);
    byShard.set(shard, names);
  }
  // Check every shard exists before reading any, so a missing one fails fast and by name.
  for (const [shard, names] of byShard) {
    try {
      await access(join(dirname(indexPath), shard));
    } catch {
      const others = names.length > 1 ? ` and ${names.length - 1} more` : "";
      throw new FormatError(`${label}: shard "${shard}" (holding tensor "${names[0]}"${others}) not found in ${dirname(indexPath)}`);
    }
  }
  const byName = new Map<string, TensorRecord>();
  for (const [shard, names] of byShard) {
    const { records } = await readSafetensors(join(dirname(indexPath), shard), options);
    const expected = new Set(names);
    for (const record of records) {
      if (!expected.has(record.name)) {
        throw new FormatError(`${label}: shard "${shard}" holds tensor "${record.name}", which weight_map ${weightMap.has(record.name) ? `assigns to "${weightMap.get(record.name)}"` : "does not list"}`);
      }
      byName.set(record.name, record);
    }
  }
  for (const [name, shard] of weightMap) {
    if (!byName.has(name)) throw new FormatError(`${label}: weight_map puts tensor "${name}" in shard "${shard}", which does not hold it`);
  }
  const records: TensorRecord[] = [];
  for (const name of weightMap.keys()) {
    const record = byName.get(name);
    if (record !== undefined) records.push(record);
  }
  return { records, shards: [...byShard.keys()] };
}
