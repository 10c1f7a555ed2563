// Mutator for the pytorch target (pytorch_model.bin): the pickle, entry contents and the entry list, the zip
// EOCD / zip64 / central / local header fields, and truncation at structure boundaries.
import { readZipDirectory, readZipEntry } from "../../../../src/io/zip.js";
import { buildZip, type ZipSpec } from "../zip-writer.js";
import { readUint, writeUint } from "./bytes.js";
import { mutateBytes, truncateNear, type Mutation } from "./mutate-bytes.js";
import { mutatePickle } from "./pickle.js";
import { interesting, type FuzzRng } from "./random.js";

interface ZipLayoutEntry {
  name: string;
  data: Uint8Array;
  method: 0 | 8;
  centralAt: number;
  localAt: number;
  dataAt: number;
  compressedSize: number;
}

interface ZipLayout {
  entries: ZipLayoutEntry[];
  eocdAt: number;
  directoryAt: number;
  zip64EocdAt: number | undefined;
  zip64: boolean;
}

const zipLayouts = new WeakMap<Uint8Array, ZipLayout>();

/** The layout of a valid seed archive (the readers under test parse it; this only locates fields). */
function zipLayout(bytes: Uint8Array): ZipLayout {
  const cached = zipLayouts.get(bytes);
  if (cached !== undefined) return cached;
  const directory = readZipDirectory(bytes, "seed");
  let eocdAt = bytes.length - 22;
  while (readUint(bytes, eocdAt, 4) !== 0x06054b50) eocdAt--;
  const zip64 = eocdAt >= 20 && readUint(bytes, eocdAt - 20, 4) === 0x07064b50;
  const zip64EocdAt = zip64 ? readUint(bytes, eocdAt - 20 + 8, 8) : undefined;
  const directoryAt = zip64EocdAt !== undefined ? readUint(bytes, zip64EocdAt + 48, 8) : readUint(bytes, eocdAt + 16, 4);
  const entries: ZipLayoutEntry[] = [];
  let at = directoryAt;
  for (let i = 0; i < directory.size; i++) {
    const nameLength = readUint(bytes, at + 28, 2);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const entry = directory.get(name);
    if (entry === undefined) throw new Error(`seed zip: no entry ${name}`);
    const localAt = entry.localHeaderOffset;
    entries.push({
      name, data: readZipEntry(bytes, entry, "seed"), method: entry.method === 8 ? 8 : 0, centralAt: at, localAt,
      dataAt: localAt + 30 + readUint(bytes, localAt + 26, 2) + readUint(bytes, localAt + 28, 2), compressedSize: entry.compressedSize,
    });
    at += 46 + nameLength + readUint(bytes, at + 30, 2) + readUint(bytes, at + 32, 2);
  }
  const layout = { entries, eocdAt, directoryAt, zip64EocdAt, zip64 };
  zipLayouts.set(bytes, layout);
  return layout;
}

const EOCD_FIELDS: readonly [number, number, string][] = [
  [4, 2, "disk number"], [8, 2, "entries on this disk"], [10, 2, "entry count"], [12, 4, "directory size"],
  [16, 4, "directory offset"], [20, 2, "comment length"],
];
const ZIP64_EOCD_FIELDS: readonly [number, number, string][] = [[32, 8, "entry count"], [40, 8, "directory size"], [48, 8, "directory offset"]];
const CENTRAL_FIELDS: readonly [number, number, string][] = [
  [0, 4, "signature"], [8, 2, "flags"], [10, 2, "method"], [16, 4, "crc32"], [20, 4, "compressed size"], [24, 4, "size"],
  [28, 2, "name length"], [30, 2, "extra length"], [32, 2, "comment length"], [42, 4, "local header offset"],
];
const LOCAL_FIELDS: readonly [number, number, string][] = [
  [0, 4, "signature"], [6, 2, "flags"], [8, 2, "method"], [14, 4, "crc32"], [18, 4, "compressed size"], [22, 4, "size"],
  [26, 2, "name length"], [28, 2, "extra length"],
];

function editField(r: FuzzRng, input: Uint8Array, base: number, fields: readonly [number, number, string][], where: string, near: number[]): Mutation {
  const [offset, width, name] = r.pick(fields);
  const bytes = new Uint8Array(input);
  const was = readUint(input, base + offset, width);
  const value = interesting(r, [was, ...near]);
  writeUint(bytes, base + offset, width, value);
  return { bytes, what: `${where} ${name} (offset ${base + offset}) = ${value} (was ${was})` };
}

function rebuildZip(layout: ZipLayout, entries: ZipSpec[]): Uint8Array {
  return buildZip(entries, { zip64: layout.zip64 });
}

export function mutatePytorch(r: FuzzRng, input: Uint8Array): Mutation {
  const layout = zipLayout(input);
  const specs = (): ZipSpec[] => layout.entries.map((e) => ({ name: e.name, data: e.data, method: e.method }));
  const pkl = layout.entries.findIndex((e) => e.name.endsWith("/data.pkl"));
  const choice = r.int(100);
  if (choice < 35) {
    const entries = specs();
    const m = mutatePickle(r, entries[pkl].data);
    entries[pkl] = { ...entries[pkl], data: m.bytes };
    return { bytes: rebuildZip(layout, entries), what: m.what };
  }
  if (choice < 45) {
    const entries = specs();
    const k = r.int(entries.length);
    const m = mutateBytes(r, entries[k].data);
    entries[k] = { ...entries[k], data: m.bytes };
    return { bytes: rebuildZip(layout, entries), what: `entry "${entries[k].name}": ${m.what}` };
  }
  if (choice < 52) {
    const entries = specs();
    const archive = entries[pkl].name.slice(0, -"/data.pkl".length);
    const k = r.int(entries.length);
    switch (r.int(6)) {
      case 0: {
        const [dropped] = entries.splice(k, 1);
        return { bytes: rebuildZip(layout, entries), what: `drop entry "${dropped.name}"` };
      }
      case 1: entries.push({ ...entries[pkl], name: `other/data.pkl` }); return { bytes: rebuildZip(layout, entries), what: "second data.pkl" };
      case 2: {
        const order = r.pick(["big", "little\n", "", "\xff"]);
        entries.push({ name: `${archive}/byteorder`, data: new TextEncoder().encode(order) });
        return { bytes: rebuildZip(layout, entries), what: `byteorder ${JSON.stringify(order)}` };
      }
      case 3: entries[pkl] = { ...entries[pkl], name: r.pick(["data.pkl", "a/b/data.pkl", `${archive}/data.pk`]) }; return { bytes: rebuildZip(layout, entries), what: `rename data.pkl to "${entries[pkl].name}"` };
      case 4: entries.push({ ...entries[k] }); return { bytes: rebuildZip(layout, entries), what: `duplicate entry "${entries[k].name}"` };
      default: {
        // A 1000:1 deflate stream: inflated in full (its size is declared), then rejected as the wrong content.
        const bytes = rebuildZip(layout, entries.map((e, j) => (j === k ? { ...e, data: new Uint8Array(1 << 20), method: 8 } : e)));
        return { bytes, what: `entry "${entries[k].name}" replaced by 1 MiB of deflated zeros` };
      }
    }
  }
  const entry = r.pick(layout.entries);
  if (choice < 60) {
    if (layout.zip64EocdAt !== undefined && r.chance(0.5)) {
      return r.chance(0.7)
        ? editField(r, input, layout.zip64EocdAt, ZIP64_EOCD_FIELDS, "zip64 EOCD", [input.length, layout.entries.length])
        : editField(r, input, layout.eocdAt - 20, [[8, 8, "zip64 EOCD offset"]], "zip64 locator", [input.length]);
    }
    return editField(r, input, layout.eocdAt, EOCD_FIELDS, "EOCD", [input.length, layout.entries.length, layout.directoryAt]);
  }
  if (choice < 72) return editField(r, input, entry.centralAt, CENTRAL_FIELDS, `central entry "${entry.name}"`, [input.length, entry.data.length, entry.compressedSize]);
  if (choice < 78) {
    if (layout.zip64 && r.chance(0.5)) {
      // The zip64 extra field in the central entry: [id, length, size, compressed size, offset].
      const extraAt = entry.centralAt + 46 + readUint(input, entry.centralAt + 28, 2);
      return editField(r, input, extraAt, [[0, 2, "id"], [2, 2, "length"], [4, 8, "size"], [12, 8, "compressed size"], [20, 8, "offset"]], `zip64 extra of "${entry.name}"`, [input.length]);
    }
    return editField(r, input, entry.localAt, LOCAL_FIELDS, `local header "${entry.name}"`, [input.length, entry.data.length]);
  }
  if (choice < 88) {
    const bounds = [0, 4, 22, layout.directoryAt, layout.eocdAt, layout.eocdAt + 10, input.length - 1];
    for (const e of layout.entries) bounds.push(e.localAt, e.dataAt, e.dataAt + e.compressedSize, e.centralAt);
    return truncateNear(r, input, bounds);
  }
  return mutateBytes(r, input);
}
