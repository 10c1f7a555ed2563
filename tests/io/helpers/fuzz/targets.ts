// The fuzz targets (one reader each): their seeds, how a case mutates a seed, and how the reader runs; and
// makeCase, which builds one case's input from (target, seed, iteration) alone.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  parsePytorchBin, parseSafetensors, parseTfCheckpointIndex, readSafetensorsIndex, readTfCheckpoint, type TensorRecord,
} from "../../../../src/io/index.js";
import { Rng } from "../../../../src/rng.js";
import { mutateBytes, type Mutation } from "./mutate-bytes.js";
import { mutatePytorch } from "./pytorch.js";
import { caseSeed, FuzzRng } from "./random.js";
import { mutateSafetensors, mutateShardIndex } from "./safetensors.js";
import { pytorchLegacySeeds, pytorchSeeds, safetensorsSeeds, shardedSeeds, tfSeeds, type Seed } from "./seeds.js";
import { mutateTableEntries, mutateTfIndex } from "./tf-checkpoint.js";

export type TargetName = "safetensors" | "safetensors-index" | "pytorch" | "pytorch-legacy" | "tf-index" | "tf-checkpoint";
export const TARGETS: readonly TargetName[] = ["safetensors", "safetensors-index", "pytorch", "pytorch-legacy", "tf-index", "tf-checkpoint"];

export interface FuzzCase {
  target: TargetName;
  seedName: string;
  files: Record<string, Uint8Array>;
  mutations: string[];
}

interface Target {
  seeds: () => Seed[];
  /** The case's primary mutation (on the pristine seed). */
  mutate: (r: FuzzRng, seed: Seed) => { file: string; mutation: Mutation };
  /** Runs the reader; `dir` is an empty folder for readers of files. Returns the records it produced. */
  run: (files: Record<string, Uint8Array>, dir: string) => Promise<TensorRecord[]>;
}

function only(files: Record<string, Uint8Array>, name: string): Uint8Array {
  const bytes = files[name];
  if (bytes === undefined) throw new Error(`fuzz case has no file ${name}`);
  return bytes;
}

function writeCase(files: Record<string, Uint8Array>, dir: string): void {
  mkdirSync(join(dir, "subdir"), { recursive: true }); // a directory beside the files, for names that point at it
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
}

export const TARGET_DEFS: Readonly<Record<TargetName, Target>> = {
  "safetensors": {
    seeds: safetensorsSeeds,
    mutate: (r, seed) => ({ file: "model.safetensors", mutation: mutateSafetensors(r, only(seed.files, "model.safetensors")) }),
    run: async (files) => parseSafetensors(only(files, "model.safetensors"), "model.safetensors", { keepHalf: true }).records,
  },
  "safetensors-index": {
    seeds: shardedSeeds,
    mutate: (r, seed) => {
      if (r.chance(0.6)) return { file: "model.safetensors.index.json", mutation: mutateShardIndex(r, only(seed.files, "model.safetensors.index.json")) };
      const file = r.pick(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]);
      return { file, mutation: mutateSafetensors(r, only(seed.files, file)) };
    },
    run: async (files, dir) => {
      writeCase(files, dir);
      return (await readSafetensorsIndex(join(dir, "model.safetensors.index.json"))).records;
    },
  },
  "pytorch": {
    seeds: pytorchSeeds,
    mutate: (r, seed) => ({ file: "pytorch_model.bin", mutation: mutatePytorch(r, only(seed.files, "pytorch_model.bin")) }),
    run: async (files) => parsePytorchBin(only(files, "pytorch_model.bin"), "pytorch_model.bin", { keepHalf: true }),
  },
  // the legacy layout is five pickles and raw storages back to back: blind byte edits and cuts reach all of it
  "pytorch-legacy": {
    seeds: pytorchLegacySeeds,
    mutate: (r, seed) => ({ file: "pytorch_model.bin", mutation: mutateBytes(r, only(seed.files, "pytorch_model.bin")) }),
    run: async (files) => parsePytorchBin(only(files, "pytorch_model.bin"), "pytorch_model.bin", { keepHalf: true }),
  },
  "tf-index": {
    seeds: tfSeeds,
    mutate: (r, seed) => {
      if (seed.tf === undefined) throw new Error("tf seed without its table");
      return { file: "ckpt.index", mutation: mutateTfIndex(r, seed.tf) };
    },
    run: async (files) => {
      parseTfCheckpointIndex(only(files, "ckpt.index"), "ckpt.index");
      return [];
    },
  },
  "tf-checkpoint": {
    seeds: () => tfSeeds().slice(0, 3),
    mutate: (r, seed) => {
      if (seed.tf === undefined) throw new Error("tf seed without its table");
      const shards = Object.keys(seed.files).filter((name) => name !== "ckpt.index");
      if (r.chance(0.6)) return { file: "ckpt.index", mutation: r.chance(0.7) ? mutateTableEntries(r, seed.tf) : mutateTfIndex(r, seed.tf) };
      const file = r.pick(shards);
      return { file, mutation: r.chance(0.1) ? { bytes: new Uint8Array(0), what: "empty file" } : mutateBytes(r, only(seed.files, file)) };
    },
    run: async (files, dir) => {
      writeCase(files, dir);
      return readTfCheckpoint(join(dir, "ckpt"), { keepHalf: true });
    },
  },
};

/** The mutated input of one case: replayable from (target, seed, iteration) alone. */
export function makeCase(target: TargetName, seed: number, iteration: number, seeds: readonly Seed[]): FuzzCase {
  const r = new FuzzRng(new Rng(caseSeed(seed, target, iteration)));
  const base = r.pick(seeds);
  const files = { ...base.files };
  const mutations: string[] = [];
  const { file, mutation } = TARGET_DEFS[target].mutate(r, base);
  files[file] = mutation.bytes;
  mutations.push(`${file}: ${mutation.what}`);
  // Sometimes a second, blind edit on top of the structured one.
  if (r.chance(0.15)) {
    const more = mutateBytes(r, files[file]);
    files[file] = more.bytes;
    mutations.push(`${file}: ${more.what}`);
  }
  return { target, seedName: base.name, files, mutations };
}
