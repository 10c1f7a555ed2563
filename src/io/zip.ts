// A minimal zip reader for torch.save archives: the central directory, stored and deflated entries, zip64.
// Layout (APPNOTE.TXT): [local header + data]* [central directory] [zip64 EOCD + locator]? [EOCD]
//   EOCD (0x06054b50, >= 22 bytes, last in the file, then a comment of up to 65535 bytes): entry count at 10,
//     directory size at 12, directory offset at 16; 0xFFFF/0xFFFFFFFF there mean "see the zip64 EOCD".
//   zip64 locator (0x07064b50, the 20 bytes before the EOCD): zip64 EOCD offset at 8.
//   zip64 EOCD (0x06064b50): entry count at 32, directory size at 40, directory offset at 48 (u64 each).
//   central header (0x02014b50, 46 bytes + name + extra + comment): flags 8, method 10, crc32 16,
//     compressed size 20, size 24, name/extra/comment lengths 28/30/32, local header offset 42; fields equal
//     to 0xFFFFFFFF are in the zip64 extra field (id 0x0001) in the order size, compressed size, offset.
//   local header (0x04034b50, 30 bytes + name + extra): data follows; its sizes may be zero (data descriptor),
//     so sizes always come from the central directory.
import * as zlib from "node:zlib";
import { FormatError } from "../errors.js";

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  flags: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

const CRC_TABLE = buildCrcTable();

function buildCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 (IEEE, zip's checksum) of `bytes`: zlib's (Node >= 20.15; 85 ms on BERT-base's 438 MB where the
 *  table loop below took 1.5 s), else the table loop. */
export function crc32(bytes: Uint8Array): number {
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  if (typeof native === "function") return native(bytes) >>> 0;
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function u64(view: DataView, offset: number, what: string, label: string): number {
  const value = view.getBigUint64(offset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError(`${label}: ${what} ${value} at offset ${offset} is too large`);
  return Number(value);
}

function findEocd(view: DataView, label: string): number {
  const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let at = view.byteLength - 22; at >= lowest; at--) {
    if (view.getUint32(at, true) === EOCD_SIG) return at;
  }
  throw new FormatError(`${label}: no end-of-central-directory record; not a zip archive, or truncated`);
}

/** Where the central directory is and how many entries it has (zip64-aware). */
function locateDirectory(view: DataView, label: string): { offset: number; size: number; count: number } {
  const eocd = findEocd(view, label);
  let count = view.getUint16(eocd + 10, true);
  let size = view.getUint32(eocd + 12, true);
  let offset = view.getUint32(eocd + 16, true);
  const locator = eocd - 20;
  if (locator >= 0 && view.getUint32(locator, true) === ZIP64_LOCATOR_SIG) {
    const zip64 = u64(view, locator + 8, "zip64 EOCD offset", label);
    if (zip64 + 56 > view.byteLength || view.getUint32(zip64, true) !== ZIP64_EOCD_SIG) {
      throw new FormatError(`${label}: zip64 locator points at offset ${zip64}, which holds no zip64 end-of-central-directory record`);
    }
    count = u64(view, zip64 + 32, "entry count", label);
    size = u64(view, zip64 + 40, "central directory size", label);
    offset = u64(view, zip64 + 48, "central directory offset", label);
  }
  if (offset + size > view.byteLength) {
    throw new FormatError(`${label}: central directory [${offset}, ${offset + size}) lies outside the ${view.byteLength}-byte file; truncated?`);
  }
  return { offset, size, count };
}

/** Applies the zip64 extra field to the central-directory fields that were saturated at 0xFFFFFFFF. */
function applyZip64Extra(view: DataView, extraAt: number, extraLength: number, entry: ZipEntry, label: string): void {
  let at = extraAt;
  while (at + 4 <= extraAt + extraLength) {
    const id = view.getUint16(at, true);
    const length = view.getUint16(at + 2, true);
    if (id === 0x0001) {
      let field = at + 4;
      const next = (what: string): number => {
        if (field + 8 > at + 4 + length) throw new FormatError(`${label}: entry "${entry.name}": zip64 extra field too short for the ${what}`);
        const value = u64(view, field, what, label);
        field += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = next("size");
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next("compressed size");
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next("local header offset");
      return;
    }
    at += 4 + length;
  }
}

/** The entries of the archive by name. */
export function readZipDirectory(bytes: Uint8Array, label: string): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 22) throw new FormatError(`${label}: file is ${bytes.length} bytes, too short for a zip archive`);
  const directory = locateDirectory(view, label);
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder();
  let at = directory.offset;
  for (let i = 0; i < directory.count; i++) {
    if (at + 46 > directory.offset + directory.size || view.getUint32(at, true) !== CENTRAL_SIG) {
      throw new FormatError(`${label}: central directory entry ${i} at offset ${at} is missing or corrupt`);
    }
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength + extraLength + commentLength > directory.offset + directory.size) {
      throw new FormatError(`${label}: central directory entry ${i} at offset ${at} runs past the directory`);
    }
    const entry: ZipEntry = {
      name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      crc32: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localHeaderOffset: view.getUint32(at + 42, true),
    };
    applyZip64Extra(view, at + 46 + nameLength, extraLength, entry, label);
    entries.set(entry.name, entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The uncompressed bytes of an entry (a view into `bytes` for a stored entry), CRC-checked. */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry, label: string): Uint8Array {
  const at = `${label}: entry "${entry.name}"`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const local = entry.localHeaderOffset;
  if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL_SIG) {
    throw new FormatError(`${at}: no local header at offset ${local}`);
  }
  if ((entry.flags & 1) !== 0) throw new FormatError(`${at}: encrypted entries are not supported`);
  const dataAt = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  if (dataAt + entry.compressedSize > bytes.length) {
    throw new FormatError(`${at}: data [${dataAt}, ${dataAt + entry.compressedSize}) runs past the end of the ${bytes.length}-byte file; it is truncated`);
  }
  const raw = bytes.subarray(dataAt, dataAt + entry.compressedSize);
  let data: Uint8Array;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw new FormatError(`${at}: stored entry has compressed size ${entry.compressedSize} but size ${entry.size}`);
    data = raw;
  } else if (entry.method === 8) {
    try {
      data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(entry.size, 1) });
    } catch (error) {
      throw new FormatError(`${at}: deflate data is corrupt (${(error as Error).message})`);
    }
    if (data.length !== entry.size) throw new FormatError(`${at}: inflated to ${data.length} bytes, expected ${entry.size}`);
  } else {
    throw new FormatError(`${at}: compression method ${entry.method} is not supported; expected 0 (stored) or 8 (deflate)`);
  }
  const actual = crc32(data);
  if (actual !== entry.crc32) {
    throw new FormatError(`${at}: crc32 mismatch (directory says 0x${entry.crc32.toString(16)}, data gives 0x${actual.toString(16)}); the archive is corrupt`);
  }
  return data;
}
