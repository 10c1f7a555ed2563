// A minimal TensorFlow checkpoint writer for tests, written from the format description (not from the
// reader): a LevelDB table (data blocks with shared-prefix keys and restarts, an empty metaindex block, an
// index block, 5-byte block trailers with masked CRC-32C, the 48-byte footer) holding a BundleHeaderProto
// under "" and a BundleEntryProto per tensor, plus the `.data-%05d-of-%05d` shard files.
import { writeFileSync } from "node:fs";
import { crc32c, maskCrc32c } from "../../../src/io/crc32c.js";

export const DT_FLOAT = 1;
export const DT_DOUBLE = 2;
export const DT_INT32 = 3;
export const DT_STRING = 7;
export const DT_INT64 = 9;
export const DT_BFLOAT16 = 14;
export const DT_HALF = 19;

class ByteWriter {
  private chunks: number[] = [];
  get length(): number {
    return this.chunks.length;
  }
  byte(b: number): this {
    this.chunks.push(b & 0xff);
    return this;
  }
  bytes(b: Uint8Array): this {
    for (const x of b) this.chunks.push(x);
    return this;
  }
  varint(n: number): this {
    let v = n;
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    return this.byte(v);
  }
  u32(n: number): this {
    for (let i = 0; i < 4; i++) this.byte(Math.floor(n / 2 ** (8 * i)));
    return this;
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

// ---- protobuf encoding (proto3: zero-valued scalars are omitted) ----

function field(w: ByteWriter, number: number, wire: number): void {
  w.varint(number * 8 + wire);
}

function varintField(w: ByteWriter, number: number, value: number): void {
  if (value === 0) return;
  field(w, number, 0);
  w.varint(value);
}

function bytesField(w: ByteWriter, number: number, value: Uint8Array): void {
  field(w, number, 2);
  w.varint(value.length).bytes(value);
}

export function encodeHeader(numShards: number, endianness = 0, producer = 1, minConsumer = 0): Uint8Array {
  const version = new ByteWriter();
  varintField(version, 1, producer);
  varintField(version, 2, minConsumer);
  const w = new ByteWriter();
  varintField(w, 1, numShards);
  varintField(w, 2, endianness);
  bytesField(w, 3, version.finish());
  return w.finish();
}

export interface EntryFields {
  dtype: number;
  shape: number[];
  shardId: number;
  offset: number;
  size: number;
  maskedCrc: number;
}

export function encodeEntry(e: EntryFields): Uint8Array {
  const shape = new ByteWriter();
  for (const size of e.shape) {
    const dim = new ByteWriter();
    varintField(dim, 1, size);
    bytesField(shape, 2, dim.finish());
  }
  const w = new ByteWriter();
  varintField(w, 1, e.dtype);
  bytesField(w, 2, shape.finish());
  varintField(w, 3, e.shardId);
  varintField(w, 4, e.offset);
  varintField(w, 5, e.size);
  field(w, 6, 5);
  w.u32(e.maskedCrc);
  return w.finish();
}

// ---- LevelDB table ----

export interface KeyValue {
  key: Uint8Array;
  value: Uint8Array;
}

/** Entries with keys sharing prefixes with their predecessor, a restart every `restartInterval` entries. */
export function buildBlock(entries: readonly KeyValue[], restartInterval: number): Uint8Array {
  const w = new ByteWriter();
  const restarts = [0];
  let previous: Uint8Array = new Uint8Array(0);
  let counter = 0;
  for (const { key, value } of entries) {
    let shared = 0;
    if (counter === restartInterval) {
      restarts.push(w.length);
      counter = 0;
    } else {
      while (shared < previous.length && shared < key.length && previous[shared] === key[shared]) shared++;
    }
    w.varint(shared).varint(key.length - shared).varint(value.length).bytes(key.subarray(shared)).bytes(value);
    previous = key;
    counter++;
  }
  for (const r of restarts) w.u32(r);
  return w.u32(restarts.length).finish();
}

/** Naive snappy compression (literals and 2-byte-offset copies of repeated 4-byte runs), for tests. */
export function snappyCompress(input: Uint8Array): Uint8Array {
  const w = new ByteWriter().varint(input.length);
  let literalStart = 0;
  const flushLiteral = (end: number): void => {
    let at = literalStart;
    while (at < end) {
      const n = Math.min(60, end - at);
      w.byte((n - 1) << 2).bytes(input.subarray(at, at + n));
      at += n;
    }
  };
  const seen = new Map<string, number>();
  let pos = 0;
  while (pos + 4 <= input.length) {
    const key = input.subarray(pos, pos + 4).join(",");
    const match = seen.get(key);
    seen.set(key, pos);
    if (match !== undefined && pos - match < 0x10000) {
      let length = 4;
      while (pos + length < input.length && length < 64 && input[match + length] === input[pos + length]) length++;
      flushLiteral(pos);
      w.byte(((length - 1) << 2) | 2).byte((pos - match) & 0xff).byte((pos - match) >> 8);
      pos += length;
      literalStart = pos;
    } else {
      pos++;
    }
  }
  flushLiteral(input.length);
  return w.finish();
}

function appendBlock(file: ByteWriter, contents: Uint8Array, compress: boolean): { offset: number; size: number } {
  const stored = compress ? snappyCompress(contents) : contents;
  const type = compress ? 1 : 0;
  const offset = file.length;
  const withType = new Uint8Array(stored.length + 1);
  withType.set(stored);
  withType[stored.length] = type;
  file.bytes(stored).byte(type).u32(maskCrc32c(crc32c(withType)));
  return { offset, size: stored.length };
}

export interface TableOptions {
  /** Entries per data block (several blocks exercise the index). */
  blockEntries?: number;
  restartInterval?: number;
  /** Snappy-compress the data blocks (type 1). */
  snappy?: boolean;
  /** Edits each finished data block before its trailer crc is computed (to plant structural faults). */
  mutateBlock?: (block: Uint8Array) => void;
}

export function buildTable(entries: readonly KeyValue[], options: TableOptions = {}): Uint8Array {
  const { blockEntries = 1 << 30, restartInterval = 16, snappy = false } = options;
  const file = new ByteWriter();
  const index: KeyValue[] = [];
  for (let i = 0; i < entries.length; i += blockEntries) {
    const group = entries.slice(i, i + blockEntries);
    const block = buildBlock(group, restartInterval);
    options.mutateBlock?.(block);
    const handle = appendBlock(file, block, snappy);
    // The index key only has to be >= every key in the block; the last key is the simplest such key.
    index.push({ key: group[group.length - 1].key, value: new ByteWriter().varint(handle.offset).varint(handle.size).finish() });
  }
  const metaindex = appendBlock(file, buildBlock([], restartInterval), false);
  const indexHandle = appendBlock(file, buildBlock(index, 1), false);
  const footer = new ByteWriter().varint(metaindex.offset).varint(metaindex.size).varint(indexHandle.offset).varint(indexHandle.size);
  while (footer.length < 40) footer.byte(0);
  footer.u32(0x8b80fb57).u32(0xdb477524);
  return file.bytes(footer.finish()).finish();
}

// ---- checkpoint ----

export interface TfTensor {
  name: string;
  dtype: number;
  shape: number[];
  bytes: Uint8Array;
}

export interface CheckpointOptions extends TableOptions {
  numShards?: number;
}

/**
 * Writes `<prefix>.index` and its data shards; tensor i goes to shard i % numShards. Returns the entries'
 * (name -> shard file) for tests that corrupt a shard.
 */
export function writeTfCheckpoint(prefix: string, tensors: readonly TfTensor[], options: CheckpointOptions = {}): Map<string, string> {
  const numShards = options.numShards ?? 1;
  const shards = Array.from({ length: numShards }, () => new ByteWriter());
  const files = new Map<string, string>();
  const entries: KeyValue[] = [];
  const encoder = new TextEncoder();
  const pad = (n: number): string => String(n).padStart(5, "0");
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  sorted.forEach((t, i) => {
    const shardId = i % numShards;
    const shard = shards[shardId];
    const offset = shard.length;
    shard.bytes(t.bytes);
    files.set(t.name, `${prefix}.data-${pad(shardId)}-of-${pad(numShards)}`);
    entries.push({
      key: encoder.encode(t.name),
      value: encodeEntry({ dtype: t.dtype, shape: t.shape, shardId, offset, size: t.bytes.length, maskedCrc: maskCrc32c(crc32c(t.bytes)) }),
    });
  });
  writeFileSync(`${prefix}.index`, buildTable([{ key: new Uint8Array(0), value: encodeHeader(numShards) }, ...entries], options));
  shards.forEach((s, i) => writeFileSync(`${prefix}.data-${pad(i)}-of-${pad(numShards)}`, s.finish()));
  return files;
}
