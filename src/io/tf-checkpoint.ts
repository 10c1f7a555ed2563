// Google's TensorFlow checkpoints (tensor bundles), as the original BERT releases ship them:
//   <prefix>.index                    a LevelDB table (leveldb-table.ts): key "" -> BundleHeaderProto, then
//                                     each tensor name -> BundleEntryProto, in key order
//   <prefix>.data-%05d-of-%05d        raw little-endian tensor bytes; an entry points at [offset, offset+size)
// Messages (tensorflow/core/protobuf/tensor_bundle.proto, framework/tensor_shape.proto, versions.proto):
//   BundleHeaderProto { int32 num_shards = 1; Endianness endianness = 2 (0 LITTLE, 1 BIG); VersionDef version = 3 }
//   VersionDef        { int32 producer = 1; int32 min_consumer = 2; repeated int32 bad_consumers = 3 }
//   BundleEntryProto  { DataType dtype = 1; TensorShapeProto shape = 2; int32 shard_id = 3; int64 offset = 4;
//                       int64 size = 5; fixed32 crc32c = 6 (masked CRC-32C of the bytes); repeated slices = 7 }
//   TensorShapeProto  { repeated Dim dim = 2 { int64 size = 1; string name = 2 }; bool unknown_rank = 3 }
// Names and layouts stay TensorFlow's (`bert/encoder/layer_0/.../kernel`, kernels [in, out]): mapping them
// to AdapterKit parameters belongs to models/.
import { formatShape, shapeSize, type DType } from "../dtype.js";
import { FormatError } from "../errors.js";
import { crc32c, unmaskCrc32c } from "./crc32c.js";
import { openForRead, readExactly } from "./file-read.js";
import { readTable } from "./leveldb-table.js";
import { decodeMessage, type ProtoField } from "./protobuf.js";
import { DTYPE_BYTES, recordFromBytes, upcastHalf, type TensorRecord } from "./tensor-record.js";

/** TensorFlow DataType enum (types.proto) values, by name, for messages. */
const TF_DTYPE_NAMES: Readonly<Record<number, string>> = {
  1: "DT_FLOAT", 2: "DT_DOUBLE", 3: "DT_INT32", 4: "DT_UINT8", 5: "DT_INT16", 6: "DT_INT8", 7: "DT_STRING",
  8: "DT_COMPLEX64", 9: "DT_INT64", 10: "DT_BOOL", 11: "DT_QINT8", 12: "DT_QUINT8", 13: "DT_QINT32",
  14: "DT_BFLOAT16", 15: "DT_QINT16", 16: "DT_QUINT16", 17: "DT_UINT16", 18: "DT_COMPLEX128", 19: "DT_HALF",
  20: "DT_RESOURCE", 21: "DT_VARIANT", 22: "DT_UINT32", 23: "DT_UINT64",
};

/** The TensorFlow dtypes AdapterKit reads, and what they become. */
const TF_TO_DTYPE: Readonly<Record<number, DType>> = {
  1: "F32", 2: "F64", 3: "I32", 4: "U8", 6: "I8", 9: "I64", 10: "BOOL", 14: "BF16", 19: "F16",
};

const SUPPORTED = Object.keys(TF_TO_DTYPE).map((k) => TF_DTYPE_NAMES[Number(k)]).join(", ");

/** Bundle format version this reader implements (tensor_bundle.cc kTensorBundleVersion). */
const BUNDLE_VERSION = 1;

export interface TfCheckpointEntry {
  name: string;
  /** TensorFlow's DataType enum value and its name ("DT_FLOAT"). */
  tfDType: number;
  tfDTypeName: string;
  /** What the tensor loads as; undefined for dtypes AdapterKit does not read (strings, resources, ...). */
  dtype: DType | undefined;
  shape: number[];
  shardId: number;
  offset: number;
  size: number;
  /** The masked CRC-32C as stored; unmaskCrc32c gives the CRC of the tensor's bytes. */
  crc32c: number;
  /** Number of partition slices; 0 for a whole tensor (the only kind BERT checkpoints hold). */
  slices: number;
}

export interface TfCheckpointIndex {
  numShards: number;
  producer: number;
  minConsumer: number;
  entries: TfCheckpointEntry[];
}

export interface TfCheckpointReadOptions {
  /** Keep DT_HALF / DT_BFLOAT16 as raw F16/BF16 records instead of upcasting to F32. */
  keepHalf?: boolean;
}

/** `<prefix>` from either the prefix itself or its `.index` file. */
export function tfCheckpointPrefix(path: string): string {
  return path.endsWith(".index") ? path.slice(0, -".index".length) : path;
}

/** The data file of one shard: `%s.data-%05d-of-%05d` (tensor_bundle.cc DataFilename). */
export function tfDataFileName(prefix: string, shardId: number, numShards: number): string {
  const pad = (n: number): string => String(n).padStart(5, "0");
  return `${prefix}.data-${pad(shardId)}-of-${pad(numShards)}`;
}

function expectVarint(field: ProtoField, what: string, label: string): number {
  if (field.wire !== "varint") throw new FormatError(`${label}: ${what} (field ${field.field}) has wire type ${field.wire}; expected varint`);
  return field.value;
}

function expectBytes(field: ProtoField, what: string, label: string): Uint8Array {
  if (field.wire !== "bytes") throw new FormatError(`${label}: ${what} (field ${field.field}) has wire type ${field.wire}; expected bytes`);
  return field.bytes;
}

function parseHeader(value: Uint8Array, label: string): { numShards: number; producer: number; minConsumer: number } {
  const at = `${label}: header entry ""`;
  let numShards = 0;
  let endianness = 0;
  let producer = 0;
  let minConsumer = 0;
  for (const field of decodeMessage(value, at)) {
    if (field.field === 1) numShards = expectVarint(field, "num_shards", at);
    else if (field.field === 2) endianness = expectVarint(field, "endianness", at);
    else if (field.field === 3) {
      for (const v of decodeMessage(expectBytes(field, "version", at), `${at} version`)) {
        if (v.field === 1) producer = expectVarint(v, "producer", at);
        else if (v.field === 2) minConsumer = expectVarint(v, "min_consumer", at);
      }
    }
  }
  if (endianness !== 0) throw new FormatError(`${at}: big-endian bundle (endianness ${endianness}); only little-endian checkpoints are supported`);
  if (numShards < 1) throw new FormatError(`${at}: num_shards ${numShards}; expected at least 1`);
  if (minConsumer > BUNDLE_VERSION) {
    throw new FormatError(`${at}: bundle needs a reader of version >= ${minConsumer}, this one implements ${BUNDLE_VERSION}`);
  }
  return { numShards, producer, minConsumer };
}

function parseShape(bytes: Uint8Array, at: string): number[] {
  const shape: number[] = [];
  for (const field of decodeMessage(bytes, `${at} shape`)) {
    if (field.field === 2) {
      let size = 0;
      for (const d of decodeMessage(expectBytes(field, "dim", at), `${at} shape dim`)) {
        if (d.field === 1) size = expectVarint(d, "dim size", at);
      }
      shape.push(size);
    } else if (field.field === 3 && expectVarint(field, "unknown_rank", at) !== 0) {
      throw new FormatError(`${at}: shape has unknown rank`);
    }
  }
  return shape;
}

function parseEntry(name: string, value: Uint8Array, numShards: number, label: string): TfCheckpointEntry {
  const at = `${label}: tensor "${name}"`;
  const entry: TfCheckpointEntry = {
    name, tfDType: 0, tfDTypeName: "DT_INVALID", dtype: undefined, shape: [], shardId: 0, offset: 0, size: 0, crc32c: 0, slices: 0,
  };
  let hasCrc = false;
  for (const field of decodeMessage(value, at)) {
    switch (field.field) {
      case 1: entry.tfDType = expectVarint(field, "dtype", at); break;
      case 2: entry.shape = parseShape(expectBytes(field, "shape", at), at); break;
      case 3: entry.shardId = expectVarint(field, "shard_id", at); break;
      case 4: entry.offset = expectVarint(field, "offset", at); break;
      case 5: entry.size = expectVarint(field, "size", at); break;
      case 6:
        if (field.wire !== "fixed32") throw new FormatError(`${at}: crc32c (field 6) has wire type ${field.wire}; expected fixed32`);
        entry.crc32c = field.value;
        hasCrc = true;
        break;
      case 7: entry.slices += 1; break;
      default: break; // unknown fields are skipped, as protobuf readers do
    }
  }
  entry.tfDTypeName = TF_DTYPE_NAMES[entry.tfDType] ?? `DataType ${entry.tfDType}`;
  entry.dtype = TF_TO_DTYPE[entry.tfDType];
  if (entry.slices > 0) return entry; // a partitioned tensor's own offsets are ignored (tensor_bundle.proto)
  if (entry.shardId >= numShards) throw new FormatError(`${at}: shard_id ${entry.shardId}, but the bundle has ${numShards} shard(s)`);
  if (entry.dtype !== undefined) {
    const expected = shapeSize(entry.shape) * DTYPE_BYTES[entry.dtype];
    if (entry.size !== expected) {
      throw new FormatError(`${at}: size ${entry.size} bytes does not match ${entry.tfDTypeName} ${formatShape(entry.shape)} (${expected} bytes)`);
    }
    if (!hasCrc && entry.size > 0) throw new FormatError(`${at}: entry has no crc32c`);
  }
  return entry;
}

/** Parses the bytes of a `.index` file; `fileLabel` names it in errors. */
export function parseTfCheckpointIndex(bytes: Uint8Array, fileLabel: string): TfCheckpointIndex {
  const label = `tf-checkpoint(${fileLabel})`;
  const table = readTable(bytes, label);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const first = table[0];
  if (first === undefined || first.key.length !== 0) {
    throw new FormatError(`${label}: the first entry must be the header (key ""); ${first === undefined ? "the table is empty" : "it is missing"}`);
  }
  const header = parseHeader(first.value, label);
  const entries = table.slice(1).map((e, i) => parseEntry(decodeKey(decoder, e.key, i + 1, label), e.value, header.numShards, label));
  return { ...header, entries };
}

/** A tensor name: the table key as UTF-8 (TextDecoder's own TypeError would not name the file or key). */
function decodeKey(decoder: TextDecoder, key: Uint8Array, index: number, label: string): string {
  try {
    return decoder.decode(key);
  } catch {
    const hex = Array.from(key.subarray(0, 32), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new FormatError(`${label}: key of table entry ${index} is not valid UTF-8 (bytes ${hex}${key.length > 32 ? " ..." : ""}); expected a tensor name`);
  }
}

/** Lists the tensors of a checkpoint (name, dtype, shape, location, crc) without reading any data file. */
export async function readTfCheckpointIndex(path: string): Promise<TfCheckpointIndex> {
  const indexPath = `${tfCheckpointPrefix(path)}.index`;
  return parseTfCheckpointIndex(await readIndexFile(indexPath), indexPath);
}

async function readIndexFile(indexPath: string): Promise<Uint8Array> {
  const handle = await openForRead(indexPath, `tf-checkpoint(${indexPath})`);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * Reads every tensor of a checkpoint given its prefix (`.../bert_model.ckpt`) or its `.index` file. Each
 * data file is opened once; every tensor's CRC-32C is checked. Records come in the index's key order.
 */
export async function readTfCheckpoint(path: string, options: TfCheckpointReadOptions = {}): Promise<TensorRecord[]> {
  const prefix = tfCheckpointPrefix(path);
  const index = await readTfCheckpointIndex(prefix);
  const indexLabel = `tf-checkpoint(${prefix}.index)`;
  for (const entry of index.entries) {
    if (entry.slices > 0) throw new FormatError(`${indexLabel}: tensor "${entry.name}" is partitioned into ${entry.slices} slices; partitioned variables are not supported`);
    if (entry.dtype === undefined) throw new FormatError(`${indexLabel}: tensor "${entry.name}" has dtype ${entry.tfDTypeName}; expected one of ${SUPPORTED}`);
  }
  // Only shards that hold tensors are opened: num_shards comes from the file, and may be 2^40.
  const byShard = new Map<number, TfCheckpointEntry[]>();
  for (const entry of index.entries) {
    const entries = byShard.get(entry.shardId) ?? [];
    entries.push(entry);
    byShard.set(entry.shardId, entries);
  }
  const byName = new Map<string, TensorRecord>();
  for (const shard of [...byShard.keys()].sort((a, b) => a - b)) {
    const entries = byShard.get(shard) ?? [];
    for (const record of await readShard(tfDataFileName(prefix, shard, index.numShards), entries)) byName.set(record.name, record);
  }
  return index.entries.map((e) => {
    const record = byName.get(e.name);
    if (record === undefined) throw new FormatError(`${indexLabel}: tensor "${e.name}" was not read`);
    return options.keepHalf ? record : upcastHalf(record);
  });
}

async function readShard(dataPath: string, entries: TfCheckpointEntry[]): Promise<TensorRecord[]> {
  const label = `tf-checkpoint(${dataPath})`;
  const handle = await openForRead(dataPath, label).catch((error: unknown) => {
    if (!(error instanceof FormatError)) throw error;
    throw new FormatError(`${label}: data file not found at ${dataPath}; it holds tensor "${entries[0].name}" and ${entries.length - 1} more`);
  });
  try {
    const fileSize = (await handle.stat()).size;
    // BundleWriter writes each tensor once, one after another. Entries sharing bytes would let a small index
    // read the same megabytes again for every name (and each read allocates).
    let furthest: TfCheckpointEntry | undefined; // of the entries before, the one whose bytes end last
    for (const entry of [...entries].sort((a, b) => a.offset - b.offset)) {
      if (entry.size === 0) continue;
      if (furthest !== undefined && entry.offset < furthest.offset + furthest.size) {
        throw new FormatError(`${label}: tensor "${entry.name}" bytes [${entry.offset}, ${entry.offset + entry.size}) overlap tensor "${furthest.name}" [${furthest.offset}, ${furthest.offset + furthest.size})`);
      }
      furthest = entry;
    }
    const records: TensorRecord[] = [];
    for (const entry of entries) {
      const dtype = entry.dtype;
      if (dtype === undefined) throw new FormatError(`${label}: tensor "${entry.name}" has dtype ${entry.tfDTypeName}`);
      if (entry.offset + entry.size > fileSize) {
        throw new FormatError(`${label}: tensor "${entry.name}" needs bytes [${entry.offset}, ${entry.offset + entry.size}) but the file has ${fileSize}; it is truncated`);
      }
      const bytes = new Uint8Array(entry.size);
      await readExactly(handle, bytes, entry.offset, `${label}: tensor "${entry.name}"`);
      const stored = unmaskCrc32c(entry.crc32c);
      const actual = crc32c(bytes);
      if (stored !== actual) {
        throw new FormatError(`${label}: tensor "${entry.name}" (${entry.size} bytes at offset ${entry.offset}): crc32c mismatch (index says 0x${stored.toString(16)}, data gives 0x${actual.toString(16)}); the data file is corrupt`);
      }
      records.push(recordFromBytes(entry.name, dtype, entry.shape, bytes));
    }
    return records;
  } finally {
    await handle.close();
  }
}
