// The valid inputs the mutators start from: the committed tiny-bert/tiny-roberta fixtures, and synthetic
// files (every dtype, deflated and zip64 archives, TF checkpoints built by tf-checkpoint-writer.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DType } from "../../../../src/dtype.js";
import { encodeSafetensors, parseSafetensors, type TensorRecord } from "../../../../src/io/index.js";
import { CHECKPOINTS } from "../fixtures.js";
import { stateDictPickle, torchZip } from "../pickle-writer.js";
import { DT_BFLOAT16, DT_FLOAT, DT_HALF, DT_INT32, DT_INT64, DT_STRING, type TableOptions } from "../tf-checkpoint-writer.js";
import { concat } from "./bytes.js";
import { buildTfSeed, type TfIndexSeed, type TfSeedTensor } from "./tf-checkpoint.js";

function fixture(...path: string[]): Uint8Array {
  return new Uint8Array(readFileSync(join(CHECKPOINTS, ...path)));
}

function recordBytesOf(r: TensorRecord): Uint8Array {
  return new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength).slice();
}

/** Small records of every dtype (zero-size and scalar tensors included), for synthetic seeds. */
function mixedRecords(): TensorRecord[] {
  return [
    { name: "f64", dtype: "F64", shape: [2, 2], data: Float64Array.from([1, -2, 3.5, 1e300]) },
    { name: "i64", dtype: "I64", shape: [3], data: BigInt64Array.from([0n, -1n, 1n << 40n]) },
    { name: "i32", dtype: "I32", shape: [2], data: Int32Array.from([7, -7]) },
    { name: "f16", dtype: "F16", shape: [2], data: Uint16Array.from([0x3c00, 0x7c00]) },
    { name: "bf16", dtype: "BF16", shape: [1, 2], data: Uint16Array.from([0x3f80, 0xffc0]) },
    { name: "i8", dtype: "I8", shape: [3], data: Int8Array.from([-128, 0, 127]) },
    { name: "u8", dtype: "U8", shape: [], data: Uint8Array.from([255]) },
    { name: "bool", dtype: "BOOL", shape: [2], data: Uint8Array.from([0, 1]) },
    { name: "empty", dtype: "F32", shape: [0, 4], data: new Float32Array(0) },
  ];
}

export interface Seed {
  name: string;
  /** File name -> contents; in-memory targets use the one file. */
  files: Record<string, Uint8Array>;
  tf?: TfIndexSeed;
}

export function safetensorsSeeds(): Seed[] {
  const seeds: Seed[] = [];
  for (const model of ["tiny-bert", "tiny-roberta"]) {
    for (const path of [["model.safetensors"], ["f16", "model.safetensors"], ["bf16", "model.safetensors"], ["sharded", "model-00002-of-00002.safetensors"]]) {
      seeds.push({ name: `${model}/${path.join("/")}`, files: { "model.safetensors": fixture(model, ...path) } });
    }
  }
  seeds.push({ name: "synthetic mixed dtypes", files: { "model.safetensors": concat(...encodeSafetensors(mixedRecords(), { metadata: { format: "pt" } })) } });
  return seeds;
}

/** The legacy (pre-1.6, non-zip) torch.save files: the tiny models' state dicts and a one-tensor file. */
export function pytorchLegacySeeds(): Seed[] {
  return [
    ...["tiny-bert", "tiny-roberta"].map((model) => ({ name: `${model}/legacy/pytorch_model.bin`, files: { "pytorch_model.bin": fixture(model, "legacy", "pytorch_model.bin") } })),
    { name: "errors/legacy-format.bin", files: { "pytorch_model.bin": fixture("errors", "legacy-format.bin") } },
  ];
}

export function pytorchSeeds(): Seed[] {
  const seeds: Seed[] = [];
  for (const model of ["tiny-bert", "tiny-roberta"]) {
    for (const path of [["pytorch_model.bin"], ["f16", "pytorch_model.bin"], ["bf16", "pytorch_model.bin"], ["strided", "pytorch_model.bin"]]) {
      seeds.push({ name: `${model}/${path.join("/")}`, files: { "pytorch_model.bin": fixture(model, ...path) } });
    }
  }
  const pickle = stateDictPickle([
    { name: "w", storageType: "FloatStorage", key: "0", numel: 6, offset: 0, shape: [2, 3], stride: [3, 1] },
    { name: "wT", storageType: "FloatStorage", key: "0", numel: 6, offset: 0, shape: [3, 2], stride: [1, 3] },
    { name: "ids", storageType: "LongStorage", key: "1", numel: 4, offset: 1, shape: [1, 3], stride: [4, 1] },
  ]);
  const storages = { 0: new Uint8Array(Float32Array.from([1, 2, 3, 4, 5, 6]).buffer), 1: new Uint8Array(BigInt64Array.from([0n, 1n, 2n, 3n]).buffer) };
  seeds.push({ name: "synthetic deflated", files: { "pytorch_model.bin": torchZip(pickle, storages, { method: 8 }) } });
  seeds.push({ name: "synthetic zip64", files: { "pytorch_model.bin": torchZip(pickle, storages, { zip64: true }) } });
  return seeds;
}

export function tfSeeds(): Seed[] {
  const tfTypes: Record<DType, number> = { F32: DT_FLOAT, F64: 2, I64: DT_INT64, I32: DT_INT32, F16: DT_HALF, BF16: DT_BFLOAT16, I8: 6, U8: 4, BOOL: 10 };
  const records = [...parseSafetensors(fixture("tiny-bert", "model.safetensors"), "seed").records.slice(0, 6), ...mixedRecords()];
  const tensors: TfSeedTensor[] = records.map((r) => ({ name: `bert/${r.name.replace(/\./g, "/")}`, dtype: tfTypes[r.dtype], shape: r.shape, bytes: recordBytesOf(r) }));
  const variants: [string, number, TableOptions][] = [
    ["1 shard, one block", 1, {}],
    ["2 shards, 3-entry blocks", 2, { blockEntries: 3, restartInterval: 2 }],
    ["1 shard, snappy blocks", 1, { blockEntries: 4, restartInterval: 1, snappy: true }],
  ];
  const seeds: Seed[] = variants.map(([name, numShards, options]) => {
    const tf = buildTfSeed(tensors, numShards, options);
    const files: Record<string, Uint8Array> = { "ckpt.index": tf.index };
    tf.shards.forEach((s, i) => { files[`ckpt.data-${String(i).padStart(5, "0")}-of-${String(numShards).padStart(5, "0")}`] = s; });
    return { name, files, tf };
  });
  // An index-only seed with a tensor type AdapterKit lists but does not load.
  const strings = buildTfSeed([...tensors.slice(0, 2), { name: "global_step_name", dtype: DT_STRING, shape: [], bytes: Uint8Array.from([3, 0x61, 0x62, 0x63]) }], 1, {});
  seeds.push({ name: "with a DT_STRING entry", files: { "ckpt.index": strings.index, "ckpt.data-00000-of-00001": strings.shards[0] }, tf: strings });
  return seeds;
}

export function shardedSeeds(): Seed[] {
  return ["tiny-bert", "tiny-roberta"].map((model) => ({
    name: `${model}/sharded`,
    files: {
      "model.safetensors.index.json": fixture(model, "sharded", "model.safetensors.index.json"),
      "model-00001-of-00002.safetensors": fixture(model, "sharded", "model-00001-of-00002.safetensors"),
      "model-00002-of-00002.safetensors": fixture(model, "sharded", "model-00002-of-00002.safetensors"),
    },
  }));
}
