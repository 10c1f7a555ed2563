// Raw edits of a LevelDB table file (the TF checkpoint index): block contents (CRC recomputed), restarts,
// varints, handles, compression types, trailers and truncation.
import { crc32c, maskCrc32c } from "../../../../src/io/crc32c.js";
import { readVarint } from "../../../../src/io/protobuf.js";
import { snappyDecompress } from "../../../../src/io/snappy.js";
import { buildBlock, snappyCompress, type KeyValue } from "../tf-checkpoint-writer.js";
import { concat, readUint, varintBytes, writeUint } from "./bytes.js";
import { badVarint, mutateBytes, truncateNear, type Mutation } from "./mutate-bytes.js";
import { interesting, type FuzzRng } from "./random.js";

interface TableBlock { offset: number; size: number; type: number }

interface TableLayout {
  blocks: TableBlock[]; // file order: data blocks, metaindex, index
  meta: number;
  index: number;
  /** Index block entries: the key and which block their handle names. */
  indexEntries: { key: Uint8Array; block: number }[];
}

/** Entries of a valid block (shared-prefix decoding), with where each starts. */
function blockEntries(block: Uint8Array): { at: number; key: Uint8Array; value: Uint8Array }[] {
  const restarts = readUint(block, block.length - 4, 4);
  const end = block.length - 4 - 4 * restarts;
  const out: { at: number; key: Uint8Array; value: Uint8Array }[] = [];
  let key: Uint8Array = new Uint8Array(0);
  let pos = 0;
  while (pos < end) {
    const at = pos;
    const shared = readVarint(block, pos, "seed");
    const nonShared = readVarint(block, shared.next, "seed");
    const valueLength = readVarint(block, nonShared.next, "seed");
    pos = valueLength.next;
    key = concat(key.subarray(0, shared.value), block.subarray(pos, pos + nonShared.value));
    pos += nonShared.value;
    out.push({ at, key, value: block.subarray(pos, pos + valueLength.value) });
    pos += valueLength.value;
  }
  return out;
}

function tableLayout(file: Uint8Array): TableLayout {
  const footer = file.subarray(file.length - 48);
  const metaOffset = readVarint(footer, 0, "seed");
  const metaSize = readVarint(footer, metaOffset.next, "seed");
  const indexOffset = readVarint(footer, metaSize.next, "seed");
  const indexSize = readVarint(footer, indexOffset.next, "seed");
  const index: TableBlock = { offset: indexOffset.value, size: indexSize.value, type: file[indexOffset.value + indexSize.value] };
  const meta: TableBlock = { offset: metaOffset.value, size: metaSize.value, type: file[metaOffset.value + metaSize.value] };
  const blocks: TableBlock[] = [];
  const indexEntries: { key: Uint8Array; block: number }[] = [];
  for (const e of blockEntries(file.subarray(index.offset, index.offset + index.size))) {
    const offset = readVarint(e.value, 0, "seed");
    const size = readVarint(e.value, offset.next, "seed");
    indexEntries.push({ key: e.key, block: blocks.length });
    blocks.push({ offset: offset.value, size: size.value, type: file[offset.value + size.value] });
  }
  blocks.push(meta, index);
  return { blocks, meta: blocks.length - 2, index: blocks.length - 1, indexEntries };
}

interface Reassembly {
  /** Replacement stored contents (as written, compressed or not) per block. */
  contents?: Map<number, Uint8Array>;
  types?: Map<number, number>;
  /** Blocks whose trailer keeps the seed's (now stale) CRC. */
  staleCrc?: Set<number>;
  /** Handle overrides for index entries (by index entry position). */
  handles?: Map<number, { offset: bigint; size: bigint }>;
  footer?: { meta?: { offset: bigint; size: bigint }; index?: { offset: bigint; size: bigint } };
}

/** Writes the table again with edited blocks, fresh trailers (CRCs) and handles that follow the new layout. */
function reassembleTable(file: Uint8Array, layout: TableLayout, edit: Reassembly): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  const placed: { offset: number; size: number }[] = [];
  const write = (i: number, content: Uint8Array): void => {
    const block = layout.blocks[i];
    const type = edit.types?.get(i) ?? block.type;
    const crc = edit.staleCrc?.has(i)
      ? readUint(file, block.offset + block.size + 1, 4)
      : maskCrc32c(crc32c(concat(content, [type])));
    const trailer = new Uint8Array(5);
    trailer[0] = type;
    writeUint(trailer, 1, 4, BigInt(crc));
    placed[i] = { offset: length, size: content.length };
    parts.push(content, trailer);
    length += content.length + 5;
  };
  const original = (i: number): Uint8Array => file.subarray(layout.blocks[i].offset, layout.blocks[i].offset + layout.blocks[i].size);
  for (let i = 0; i < layout.index; i++) write(i, edit.contents?.get(i) ?? original(i));
  let indexContent = edit.contents?.get(layout.index);
  if (indexContent === undefined) {
    const entries: KeyValue[] = layout.indexEntries.map((e, k) => {
      const override = edit.handles?.get(k);
      const handle = override ?? { offset: BigInt(placed[e.block].offset), size: BigInt(placed[e.block].size) };
      return { key: e.key, value: Uint8Array.from([...varintBytes(handle.offset), ...varintBytes(handle.size)]) };
    });
    indexContent = buildBlock(entries, 1);
  }
  write(layout.index, indexContent);
  const meta = edit.footer?.meta ?? { offset: BigInt(placed[layout.meta].offset), size: BigInt(placed[layout.meta].size) };
  const index = edit.footer?.index ?? { offset: BigInt(placed[layout.index].offset), size: BigInt(placed[layout.index].size) };
  const footer = new Uint8Array(48);
  footer.set([...varintBytes(meta.offset), ...varintBytes(meta.size), ...varintBytes(index.offset), ...varintBytes(index.size)].slice(0, 40));
  writeUint(footer, 40, 4, 0x8b80fb57n);
  writeUint(footer, 44, 4, 0xdb477524n);
  return concat(...parts, footer);
}

/** Raw edits of the table file: block contents (CRC recomputed), restarts, varints, handles, trailers. */
export function mutateTableFile(r: FuzzRng, file: Uint8Array): Mutation {
  const layout = tableLayout(file);
  const b = r.int(layout.blocks.length);
  const block = layout.blocks[b];
  const kind = b === layout.index ? "index" : b === layout.meta ? "metaindex" : `data#${b}`;
  const stored = file.subarray(block.offset, block.offset + block.size);
  // Structural edits work on the uncompressed content and compress it again.
  const plain = block.type === 1 ? snappyDecompress(stored, "seed") : stored;
  const store = (content: Uint8Array): Uint8Array => (block.type === 1 ? snappyCompress(content) : content);
  const replaced = (content: Uint8Array, what: string, extra: Reassembly = {}): Mutation => ({
    bytes: reassembleTable(file, layout, { ...extra, contents: new Map([[b, content]]) }),
    what: `${kind} block: ${what}`,
  });
  switch (r.int(10)) {
    case 0:
    case 1: {
      const m = mutateBytes(r, stored);
      return replaced(m.bytes, `stored bytes: ${m.what}`, { staleCrc: r.chance(0.1) ? new Set([b]) : undefined });
    }
    case 2: {
      const m = mutateBytes(r, plain);
      return replaced(store(m.bytes), `content: ${m.what}`);
    }
    case 3: {
      const content = new Uint8Array(plain);
      const restarts = readUint(plain, plain.length - 4, 4);
      if (r.chance(0.5)) {
        const value = interesting(r, [restarts, Math.floor(plain.length / 4)]);
        writeUint(content, plain.length - 4, 4, value);
        return replaced(store(content), `restart count = ${BigInt.asUintN(32, value)} (was ${restarts})`);
      }
      const k = r.int(restarts);
      const at = plain.length - 4 - 4 * (restarts - k);
      const starts = blockEntries(plain).map((e) => e.at);
      const value = interesting(r, [...starts, plain.length]);
      writeUint(content, at, 4, value);
      return replaced(store(content), `restart ${k} = ${BigInt.asUintN(32, value)}`);
    }
    case 4: {
      const entries = blockEntries(plain);
      if (entries.length === 0) return replaced(store(concat(r.bytes(r.range(1, 8)), plain)), "random bytes before the restarts");
      const entry = r.pick(entries);
      let pos = entry.at;
      const fieldIndex = r.int(3);
      for (let f = 0; f < fieldIndex; f++) pos = readVarint(plain, pos, "seed").next;
      const end = readVarint(plain, pos, "seed").next;
      const bad = badVarint(r, plain.length);
      const content = concat(plain.subarray(0, pos), bad.bytes, plain.subarray(end));
      const names = ["shared", "non-shared", "value length"];
      return replaced(store(content), `entry at ${entry.at}: ${names[fieldIndex]} -> ${bad.what}`);
    }
    case 5: {
      if (layout.indexEntries.length === 0) break;
      const k = r.int(layout.indexEntries.length);
      const target = layout.blocks[layout.indexEntries[k].block];
      const others = layout.blocks.map((x) => x.offset);
      const handle = r.chance(0.5)
        ? { offset: interesting(r, [...others, file.length]), size: BigInt(target.size) }
        : { offset: BigInt(target.offset), size: interesting(r, [target.size, file.length]) };
      return { bytes: reassembleTable(file, layout, { handles: new Map([[k, handle]]) }), what: `index entry ${k} handle = (${handle.offset}, ${handle.size})` };
    }
    case 6: {
      const which = r.chance(0.5) ? "meta" : "index";
      const own = layout.blocks[which === "meta" ? layout.meta : layout.index];
      const handle = r.chance(0.5)
        ? { offset: interesting(r, [own.offset, file.length]), size: BigInt(own.size) }
        : { offset: BigInt(own.offset), size: interesting(r, [own.size, file.length]) };
      return { bytes: reassembleTable(file, layout, { footer: { [which]: handle } }), what: `footer ${which} handle = (${handle.offset}, ${handle.size})` };
    }
    case 7: {
      const type = r.pick(block.type === 1 ? [0, 2, 0xff] : [1, 2, 0xff]);
      return { bytes: reassembleTable(file, layout, { types: new Map([[b, type]]) }), what: `${kind} block: compression type ${block.type} -> ${type}` };
    }
    case 8: {
      const bytes = new Uint8Array(file);
      const at = block.offset + block.size + 1 + r.int(4);
      bytes[at] ^= 1 << r.int(8);
      return { bytes, what: `${kind} block: flip a bit of the trailer crc at ${at}` };
    }
    default: {
      const bounds = [0, file.length - 48, file.length - 8, file.length - 1];
      for (const x of layout.blocks) bounds.push(x.offset, x.offset + x.size, x.offset + x.size + 5);
      return truncateNear(r, file, bounds);
    }
  }
  return mutateBytes(r, file);
}
