// Training checkpoints for exact resume: the trainable weights, Adam's moments, the dropout RNG and where
// the run is in its data. Each checkpoint is a new folder ckpt-<step> written whole (writeFilesAtomic); then
// `latest.json` is atomically pointed at it and older folders are removed. A crash at any moment leaves
// the previous checkpoint readable.
import { existsSync } from "node:fs";
import { readFile, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Tensor } from "../autograd/index.js";
import { FormatError } from "../errors.js";
import { encodeSafetensors, readSafetensors, toFloat32, writeFileAtomic, writeFilesAtomic, type TensorRecord } from "../io/index.js";
import type { RngState } from "../rng.js";
import type { AdamState } from "./optim/adam.js";

export interface TrainerPosition {
  step: number; // optimizer steps done
  epoch: number; // current epoch (0-based)
  batch: number; // next batch index within the epoch
}

export interface TrainerState<H> {
  position: TrainerPosition;
  dropoutRng: RngState;
  history: H;
}

const STATE_FILE = "state.json";
const WEIGHTS_FILE = "weights.safetensors";
const LATEST_FILE = "latest.json";

export async function saveCheckpoint<H>(dir: string, state: TrainerState<H>, params: readonly (readonly [string, Tensor])[], adam: AdamState): Promise<void> {
  const name = `ckpt-${state.position.step}`;
  const records: TensorRecord[] = [];
  for (const [n, t] of params) {
    records.push({ name: `param.${n}`, dtype: "F32", shape: [t.size], data: Float32Array.from(t.data) });
    records.push({ name: `adam.m.${n}`, dtype: "F32", shape: [t.size], data: adam.m[n] });
    records.push({ name: `adam.v.${n}`, dtype: "F32", shape: [t.size], data: adam.v[n] });
  }
  const target = join(dir, name);
  if (existsSync(target)) await rm(target, { recursive: true, force: true });
  await writeFilesAtomic(target, {
    [STATE_FILE]: JSON.stringify({ ...state, adamStep: adam.step }, null, 1),
    [WEIGHTS_FILE]: encodeSafetensors(records),
  });
  await writeFileAtomic(join(dir, LATEST_FILE), JSON.stringify({ checkpoint: name }) + "\n");
  for (const entry of await readdir(dir)) {
    if (entry.startsWith("ckpt-") && entry !== name) await rm(join(dir, entry), { recursive: true, force: true });
  }
}

export interface LoadedCheckpoint<H> {
  state: TrainerState<H>;
  params: Map<string, Float32Array>;
  adam: AdamState;
}

/** The latest checkpoint under dir, or null when there is none. */
export async function loadCheckpoint<H>(dir: string): Promise<LoadedCheckpoint<H> | null> {
  const latestPath = join(dir, LATEST_FILE);
  if (!existsSync(latestPath)) return null;
  const latest = JSON.parse(await readFile(latestPath, "utf8")) as { checkpoint?: unknown };
  if (typeof latest.checkpoint !== "string") throw new FormatError(`${latestPath}: expected {"checkpoint": "<folder>"}`);
  const folder = join(dir, latest.checkpoint);
  const raw = JSON.parse(await readFile(join(folder, STATE_FILE), "utf8")) as TrainerState<H> & { adamStep: number };
  const params = new Map<string, Float32Array>();
  const adam: AdamState = { step: raw.adamStep, m: {}, v: {} };
  for (const r of (await readSafetensors(join(folder, WEIGHTS_FILE))).records) {
    const data = Float32Array.from(toFloat32(r));
    if (r.name.startsWith("param.")) params.set(r.name.slice(6), data);
    else if (r.name.startsWith("adam.m.")) adam.m[r.name.slice(7)] = data;
    else if (r.name.startsWith("adam.v.")) adam.v[r.name.slice(7)] = data;
    else throw new FormatError(`${join(folder, WEIGHTS_FILE)}: unexpected tensor "${r.name}"`);
  }
  return { state: { position: raw.position, dropoutRng: raw.dropoutRng, history: raw.history }, params, adam };
}
