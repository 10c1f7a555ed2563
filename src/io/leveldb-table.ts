// LevelDB SSTable reading (the container of a TF checkpoint `.index`), all entries in key order.
// File: [data block]* [metaindex block] [index block] [footer, 48 bytes]
//   footer: metaindex BlockHandle, index BlockHandle (each varint offset + varint size), zero padding to
//           40 bytes, then the magic 0xdb4775248b80fb57 as two little-endian uint32s (low word first).
//   block at a handle: `size` content bytes, then a 5-byte trailer: compression type (0 none, 1 snappy) and
//           the masked CRC-32C of content + type byte (see crc32c.ts for the source).
//   block content: entries, then restart offsets (uint32 LE each) and their count (uint32 LE). An entry is
//           varint shared, varint nonShared, varint valueLength, key bytes after the shared prefix, value;
//           at a restart point shared is 0, so a reader can start decoding there.
//   index block: one entry per data block; its value is that block's BlockHandle.
import { FormatError } from "../errors.js";
import { crc32c, unmaskCrc32c } from "./crc32c.js";
import { readVarint } from "./protobuf.js";
import { snappyDecompress } from "./snappy.js";

export interface TableEntry {
  key: Uint8Array;
  value: Uint8Array;
}

interface BlockHandle {
  offset: number;
  size: number;
}

const FOOTER_BYTES = 48;
const TRAILER_BYTES = 5;
const MAGIC_LO = 0x8b80fb57;
const MAGIC_HI = 0xdb477524;

/**
 * Bound on the key bytes a table may decode to: max(64 x the file size, 64 MiB). Prefix compression lets a
 * 3-byte entry stand for a key as long as the one before it, so a crafted 1 MB block (one 500 KB key, then
 * 100000 entries sharing it) would otherwise expand to 50 GB. A TF index decodes to about its own size.
 */
const MAX_KEY_EXPANSION = 64;
const MIN_KEY_BUDGET = 64 << 20;

/** Key bytes the table may still decode to (see MAX_KEY_EXPANSION). */
interface KeyBudget {
  limit: number;
  left: number;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function decodeHandle(bytes: Uint8Array, offset: number, label: string): { handle: BlockHandle; next: number } {
  const blockOffset = readVarint(bytes, offset, label);
  const size = readVarint(bytes, blockOffset.next, label);
  return { handle: { offset: blockOffset.value, size: size.value }, next: size.next };
}

/** Block contents at `handle` after checking its trailer CRC and undoing its compression. */
function readBlock(file: Uint8Array, handle: BlockHandle, what: string, label: string): Uint8Array {
  const where = `${what} block at offset ${handle.offset} (${handle.size} bytes)`;
  const end = handle.offset + handle.size + TRAILER_BYTES;
  if (end > file.length - FOOTER_BYTES) {
    throw new FormatError(`${label}: ${where} with its trailer ends at ${end}, past the data before the footer at ${file.length - FOOTER_BYTES}; the file is truncated or corrupt`);
  }
  const contentAndType = file.subarray(handle.offset, handle.offset + handle.size + 1);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const stored = unmaskCrc32c(view.getUint32(handle.offset + handle.size + 1, true));
  const actual = crc32c(contentAndType);
  if (stored !== actual) {
    throw new FormatError(`${label}: ${where}: crc32c mismatch (stored ${hex(stored)}, computed ${hex(actual)})`);
  }
  const type = file[handle.offset + handle.size];
  const content = file.subarray(handle.offset, handle.offset + handle.size);
  if (type === 0) return content;
  if (type === 1) return snappyDecompress(content, `${label}: ${where}`);
  throw new FormatError(`${label}: ${where}: unknown compression type ${type}; expected 0 (none) or 1 (snappy)`);
}

/** The entries of one block, checking the restart array against the entries it points at. */
function decodeBlock(block: Uint8Array, where: string, label: string, keyBudget: KeyBudget): TableEntry[] {
  const at = `${label}: ${where}`;
  if (block.length < 4) throw new FormatError(`${at}: ${block.length} bytes, too short for the restart count`);
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const numRestarts = view.getUint32(block.length - 4, true);
  const restartsAt = block.length - 4 - 4 * numRestarts;
  if (numRestarts === 0 || restartsAt < 0) {
    throw new FormatError(`${at}: restart count ${numRestarts} does not fit a ${block.length}-byte block`);
  }
  const entries: TableEntry[] = [];
  const sharedAt = new Map<number, number>(); // entry start -> its shared-prefix length
  let key = new Uint8Array(0);
  let pos = 0;
  while (pos < restartsAt) {
    const entryAt = pos;
    const shared = readVarint(block, pos, at);
    const nonShared = readVarint(block, shared.next, at);
    const valueLength = readVarint(block, nonShared.next, at);
    pos = valueLength.next;
    if (shared.value > key.length) throw new FormatError(`${at}: entry at ${entryAt} shares ${shared.value} bytes of a ${key.length}-byte previous key`);
    if (pos + nonShared.value + valueLength.value > restartsAt) throw new FormatError(`${at}: entry at ${entryAt} runs past the entries (${restartsAt} bytes)`);
    keyBudget.left -= shared.value + nonShared.value;
    if (keyBudget.left < 0) {
      throw new FormatError(`${at}: entry at ${entryAt} (a ${shared.value + nonShared.value}-byte key) takes the table's decoded keys past ${keyBudget.limit} bytes (${MAX_KEY_EXPANSION}x the file size, at least 64 MiB); the shared-prefix lengths are corrupt`);
    }
    const next = new Uint8Array(shared.value + nonShared.value);
    next.set(key.subarray(0, shared.value));
    next.set(block.subarray(pos, pos + nonShared.value), shared.value);
    pos += nonShared.value;
    entries.push({ key: next, value: block.subarray(pos, pos + valueLength.value) });
    sharedAt.set(entryAt, shared.value);
    pos += valueLength.value;
    key = next;
  }
  for (let i = 0; i < numRestarts; i++) {
    const restart = view.getUint32(restartsAt + 4 * i, true);
    const shared = sharedAt.get(restart);
    // An empty block has the single restart 0 and no entries.
    if (entries.length === 0 && restart === 0) continue;
    if (shared === undefined) throw new FormatError(`${at}: restart ${i} points at ${restart}, which is not the start of an entry`);
    if (shared !== 0) throw new FormatError(`${at}: entry at restart point ${restart} shares ${shared} bytes; expected 0`);
  }
  return entries;
}

/** Every key/value of the table, in key order; keys are checked to be strictly increasing. */
export function readTable(file: Uint8Array, label: string): TableEntry[] {
  if (file.length < FOOTER_BYTES) {
    throw new FormatError(`${label}: file is ${file.length} bytes, shorter than the ${FOOTER_BYTES}-byte table footer; it is truncated`);
  }
  const footerAt = file.length - FOOTER_BYTES;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magicLo = view.getUint32(footerAt + 40, true);
  const magicHi = view.getUint32(footerAt + 44, true);
  if (magicLo !== MAGIC_LO || magicHi !== MAGIC_HI) {
    throw new FormatError(`${label}: bad table magic ${hex(magicHi)}${hex(magicLo).slice(2)} at offset ${footerAt + 40}; expected 0xdb4775248b80fb57 (not a checkpoint index, or truncated)`);
  }
  const footer = file.subarray(footerAt, footerAt + 40);
  const metaindex = decodeHandle(footer, 0, `${label}: footer`);
  const index = decodeHandle(footer, metaindex.next, `${label}: footer`);
  const limit = Math.max(MAX_KEY_EXPANSION * file.length, MIN_KEY_BUDGET);
  const keyBudget: KeyBudget = { limit, left: limit };
  const indexEntries = decodeBlock(readBlock(file, index.handle, "index", label), "index block", label, keyBudget);
  const entries: TableEntry[] = [];
  let dataEnd = 0; // where the previous data block's trailer ends
  for (const [i, indexEntry] of indexEntries.entries()) {
    const { handle } = decodeHandle(indexEntry.value, 0, `${label}: index block`);
    // Data blocks are written one after another and each is indexed once; handles that go back (to the same
    // block, say) would make a small file decode one large block again per index entry.
    if (handle.offset < dataEnd) {
      throw new FormatError(`${label}: index entry ${i} points at a data block at offset ${handle.offset}, before the end (${dataEnd}) of the block before it; expected blocks in file order, each indexed once`);
    }
    dataEnd = handle.offset + handle.size + TRAILER_BYTES;
    const where = `data block at offset ${handle.offset}`;
    for (const entry of decodeBlock(readBlock(file, handle, "data", label), where, label, keyBudget)) {
      const previous = entries[entries.length - 1];
      if (previous !== undefined && compareBytes(previous.key, entry.key) >= 0) {
        throw new FormatError(`${label}: ${where}: key "${new TextDecoder().decode(entry.key)}" is not after "${new TextDecoder().decode(previous.key)}"`);
      }
      entries.push(entry);
    }
  }
  return entries;
}
