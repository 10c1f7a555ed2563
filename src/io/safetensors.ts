// safetensors files: reading (validated, see safetensors-header.ts) and atomic writing.
// Layout: [u64 LE header length N][N bytes JSON header][data section]. A read is three positioned reads of
// one file descriptor (length, header, data section); records view the one data buffer.
import { formatShape, shapeSize } from "../dtype.js";
import { DTypeError, FormatError, ShapeError } from "../errors.js";
import { writeFileAtomic } from "./atomic-write.js";
import { freshBytes, openForRead, readExactly, type Allocate } from "./file-read.js";
import { float32ToBF16, float32ToF16 } from "./half-float.js";
import { MAX_HEADER_BYTES, parseSafetensorsHeader } from "./safetensors-header.js";
import { DTYPE_BYTES, recordBytes, recordFromBytes, toFloat32, upcastHalf, type TensorRecord } from "./tensor-record.js";

export interface SafetensorsReadOptions {
  /** Keep F16/BF16 tensors as raw F16/BF16 records instead of upcasting them to F32. */
  keepHalf?: boolean;
  /** Memory for the data section (default: a fresh Uint8Array). */
  allocate?: Allocate;
}

export interface SafetensorsContents {
  /** Tensors in data-offset order. */
  records: TensorRecord[];
  /** The optional `__metadata__` string map. */
  metadata: Record<string, string> | undefined;
}

/** The float types a tensor can be stored as. */
export type FloatStorage = "F32" | "F16" | "BF16";

export interface SafetensorsWriteOptions {
  metadata?: Readonly<Record<string, string>>;
  /**
   * Storage type of each float tensor (F32, F16, BF16 records), one for all or chosen per tensor; default:
   * the record's own dtype. Other dtypes (F64, integers, bool) are always stored as they are.
   */
  storeAs?: FloatStorage | ((record: TensorRecord) => FloatStorage);
}

/** Checks the 8-byte header length against the file size and the 100 MB bound; returns N. */
function checkHeaderLength(lengthBytes: Uint8Array, fileSize: number, label: string): number {
  const length = new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(fileSize - 8)) throw new FormatError(`${label}: header length ${length} exceeds file size ${fileSize}`);
  if (length > BigInt(MAX_HEADER_BYTES)) throw new FormatError(`${label}: header length ${length} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (length < 2n) throw new FormatError(`${label}: header length ${length} is too small for a JSON object`);
  return Number(length);
}

function toRecords(bytesLabel: string, json: Uint8Array, data: Uint8Array, options: SafetensorsReadOptions): SafetensorsContents {
  const header = parseSafetensorsHeader(json, data.length, bytesLabel);
  const records = header.entries.map((e) => {
    const record = recordFromBytes(e.name, e.dtype, e.shape, data.subarray(e.begin, e.end));
    return options.keepHalf ? record : upcastHalf(record);
  });
  return { records, metadata: header.metadata };
}

/** Reads and validates a safetensors file. */
export async function readSafetensors(path: string, options: SafetensorsReadOptions = {}): Promise<SafetensorsContents> {
  const label = `safetensors(${path})`;
  const handle = await openForRead(path, label);
  try {
    const fileSize = (await handle.stat()).size;
    if (fileSize < 8) throw new FormatError(`${label}: file is ${fileSize} bytes, shorter than the 8-byte header length; it is truncated`);
    const lengthBytes = new Uint8Array(8);
    await readExactly(handle, lengthBytes, 0, label);
    const headerLength = checkHeaderLength(lengthBytes, fileSize, label);
    const json = new Uint8Array(headerLength);
    await readExactly(handle, json, 8, label);
    // A fresh buffer at offset 0 keeps every tensor whose data offset is aligned viewable without a copy.
    const data = freshBytes(fileSize - 8 - headerLength, options.allocate);
    await readExactly(handle, data, 8 + headerLength, label);
    return toRecords(label, json, data, options);
  } finally {
    await handle.close();
  }
}

/** Parses safetensors bytes already in memory; `fileLabel` names them in errors. */
export function parseSafetensors(bytes: Uint8Array, fileLabel: string, options: SafetensorsReadOptions = {}): SafetensorsContents {
  const label = `safetensors(${fileLabel})`;
  if (bytes.length < 8) throw new FormatError(`${label}: file is ${bytes.length} bytes, shorter than the 8-byte header length; it is truncated`);
  const headerLength = checkHeaderLength(bytes.subarray(0, 8), bytes.length, label);
  return toRecords(label, bytes.subarray(8, 8 + headerLength), bytes.subarray(8 + headerLength), options);
}

/** The record converted to the storage type asked for (float records only). */
function storedRecord(record: TensorRecord, storeAs: SafetensorsWriteOptions["storeAs"]): TensorRecord {
  if (storeAs === undefined || (record.dtype !== "F32" && record.dtype !== "F16" && record.dtype !== "BF16")) return record;
  const target = typeof storeAs === "function" ? storeAs(record) : storeAs;
  if (target === record.dtype) return record;
  const values = toFloat32(record);
  const { name, shape } = record;
  switch (target) {
    case "F32": return { name, shape, dtype: "F32", data: values };
    case "F16": return { name, shape, dtype: "F16", data: float32ToF16(values) };
    case "BF16": return { name, shape, dtype: "BF16", data: float32ToBF16(values) };
    default: throw new DTypeError(`safetensors: tensor "${name}": storeAs gave ${JSON.stringify(target)}; expected F32, F16 or BF16`);
  }
}

function checkRecords(records: readonly TensorRecord[], label: string): void {
  const seen = new Set<string>();
  for (const r of records) {
    if (r.name === "__metadata__") throw new FormatError(`${label}: "__metadata__" is reserved and cannot name a tensor`);
    if (seen.has(r.name)) throw new FormatError(`${label}: tensor "${r.name}" appears twice`);
    seen.add(r.name);
    if (!r.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new ShapeError(`${label}: tensor "${r.name}": invalid shape ${formatShape(r.shape)}`);
    if (shapeSize(r.shape) !== r.data.length) {
      throw new ShapeError(`${label}: tensor "${r.name}": expected ${shapeSize(r.shape)} elements for shape ${formatShape(r.shape)}, got ${r.data.length}`);
    }
  }
}

/**
 * The file as chunks: the length, the header padded with spaces to a multiple of 8 bytes, then each tensor.
 * Tensors are laid out by element size, largest first, so every tensor starts aligned to its element size.
 */
export function encodeSafetensors(records: readonly TensorRecord[], options: SafetensorsWriteOptions = {}): Uint8Array[] {
  checkRecords(records, "safetensors");
  const stored = records.map((r) => storedRecord(r, options.storeAs));
  const layout = stored.map((record, index) => ({ record, index }))
    .sort((a, b) => DTYPE_BYTES[b.record.dtype] - DTYPE_BYTES[a.record.dtype] || a.index - b.index)
    .map((x) => x.record);
  const header: Record<string, unknown> = {};
  if (options.metadata !== undefined) header.__metadata__ = { ...options.metadata };
  let offset = 0;
  for (const r of layout) {
    const size = r.data.byteLength;
    header[r.name] = { dtype: r.dtype, shape: r.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (Buffer.byteLength(json, "utf8") % 8)) % 8);
  const jsonBytes = Buffer.from(json, "utf8");
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(jsonBytes.length), true);
  return [length, jsonBytes, ...layout.map(recordBytes)];
}

/** Writes a safetensors file atomically (temp file beside it, fsync, rename; nothing left on error). */
export async function writeSafetensors(path: string, records: readonly TensorRecord[], options: SafetensorsWriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(records, options));
}
