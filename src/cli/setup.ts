// What every command needs before it can run: the backend, an engine, the base model and its tokenizer.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { AdapterKit } from "../api/index.js";
import { Engine } from "../autograd/index.js";
import { backendChoiceFromEnv, loadBackend, type Backend } from "../kernels/index.js";
import { loadPretrained, type Pretrained } from "../models/index.js";
import { loadTokenizer, type Tokenizer } from "../tokenize/index.js";

export interface Session {
  backend: Backend;
  engine: Engine;
  pretrained: Pretrained;
  tokenizer: Tokenizer;
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

export async function openModel(modelDir: string, options: { lowercase?: boolean; strict?: boolean; addPrefixSpace?: boolean }): Promise<Session> {
  const backend = loadBackend(backendChoiceFromEnv(process.env.ADAPTERKIT_BACKEND), log);
  const engine = new Engine({ backend });
  const pretrained = await loadPretrained(engine, modelDir, { strict: options.strict });
  const tokenizer = loadTokenizer(modelDir, { lowercase: options.lowercase, addPrefixSpace: options.addPrefixSpace });
  const c = pretrained.config;
  log(`model ${modelDir}: ${c.modelType}, ${c.numLayers} layers, hidden ${c.hiddenSize}, ${c.numHeads} heads (${pretrained.format}); kernels: ${backend.name}`);
  if (pretrained.unexpected.length) log(`  skipped ${pretrained.unexpected.length} checkpoint tensors that are not encoder weights (e.g. ${pretrained.unexpected.slice(0, 2).join(", ")})`);
  return { backend, engine, pretrained, tokenizer };
}

export function integer(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new Error(`--${name}: expected an integer, got "${value}"`);
    return n;
  };
}

export function number(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`--${name}: expected a number, got "${value}"`);
    return n;
  };
}

/** ../shared/data beside the package (the layout of this repository's checkout and CI). */
export function defaultDataDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "../../../../shared/data");
}

/** The library's kit over a model directory, with the kernels chosen from ADAPTERKIT_BACKEND and notices on stderr. */
export function openKit(modelDir: string, options: { lowercase?: boolean; strict?: boolean } = {}): Promise<AdapterKit> {
  return AdapterKit.load(modelDir, { ...options, backend: backendChoiceFromEnv(process.env.ADAPTERKIT_BACKEND), log });
}
