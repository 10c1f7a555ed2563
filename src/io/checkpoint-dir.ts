// A model folder as users have it (Hugging Face or Google): finds the weights file, reads it, and returns
// the raw config JSON beside it. Parsing the config is models/' job; this only finds and reads.
// Weights, first found wins (safetensors first: it is the safe, validated format):
//   model.safetensors > model.safetensors.index.json > pytorch_model.bin > bert_model.ckpt.index > model.ckpt.index
// Config: config.json (Hugging Face), else bert_config.json (Google).
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { FormatError } from "../errors.js";
import { readPytorchBin } from "./pytorch-bin.js";
import type { Allocate } from "./file-read.js";
import { readSafetensors } from "./safetensors.js";
import { readSafetensorsIndex } from "./safetensors-index.js";
import type { TensorRecord } from "./tensor-record.js";
import { readTfCheckpoint } from "./tf-checkpoint.js";

export type CheckpointFormat = "safetensors" | "safetensors-sharded" | "pytorch-bin" | "tf-checkpoint";

export interface CheckpointDirOptions {
  /** Keep F16/BF16 tensors as raw F16/BF16 records instead of upcasting them to F32. */
  keepHalf?: boolean;
  /** Memory for a safetensors data section or a whole .bin file (default: a fresh Uint8Array). */
  allocate?: Allocate;
}

export interface CheckpointDir {
  format: CheckpointFormat;
  /** The weights file that was read. */
  weightsFile: string;
  records: TensorRecord[];
  /** The parsed config.json / bert_config.json, unvalidated; undefined when neither exists. */
  configJson: Record<string, unknown> | undefined;
  configFile: string | undefined;
}

const WEIGHT_FILES: readonly { file: string; format: CheckpointFormat }[] = [
  { file: "model.safetensors", format: "safetensors" },
  { file: "model.safetensors.index.json", format: "safetensors-sharded" },
  { file: "pytorch_model.bin", format: "pytorch-bin" },
  { file: "bert_model.ckpt.index", format: "tf-checkpoint" },
  { file: "model.ckpt.index", format: "tf-checkpoint" },
];

const CONFIG_FILES = ["config.json", "bert_config.json"];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

async function readRecords(path: string, format: CheckpointFormat, options: CheckpointDirOptions): Promise<TensorRecord[]> {
  switch (format) {
    case "safetensors": return (await readSafetensors(path, options)).records;
    case "safetensors-sharded": return (await readSafetensorsIndex(path, options)).records;
    case "pytorch-bin": return readPytorchBin(path, options);
    case "tf-checkpoint": return readTfCheckpoint(path, options);
  }
}

async function readConfig(dir: string): Promise<{ configJson: Record<string, unknown>; configFile: string } | undefined> {
  for (const configFile of CONFIG_FILES) {
    const path = join(dir, configFile);
    if (!(await isFile(path))) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path, "utf8"));
    } catch (error) {
      throw new FormatError(`${configFile}(${path}): not valid JSON: ${(error as Error).message}`);
    }
    if (!isObject(parsed)) throw new FormatError(`${configFile}(${path}): expected a JSON object`);
    return { configJson: parsed, configFile };
  }
  return undefined;
}

/** Reads the checkpoint in `dir`: its format, every tensor record, and its raw config JSON. */
export async function readCheckpointDir(dir: string, options: CheckpointDirOptions = {}): Promise<CheckpointDir> {
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const looked = WEIGHT_FILES.map((w) => w.file).join(", ");
  if (!isDir) throw new FormatError(`checkpoint dir(${dir}): not a directory; expected a folder holding one of ${looked}`);
  for (const { file, format } of WEIGHT_FILES) {
    const path = join(dir, file);
    if (!(await isFile(path))) continue;
    const records = await readRecords(path, format, options);
    const config = await readConfig(dir);
    return { format, weightsFile: file, records, configJson: config?.configJson, configFile: config?.configFile };
  }
  throw new FormatError(`checkpoint dir(${dir}): no weights found; looked for ${looked}`);
}
