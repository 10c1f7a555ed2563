// Fuzzing the checkpoint readers (issue 3, "Bad input"). Valid seeds (the committed tiny-bert/tiny-roberta
// fixtures, and TF checkpoints built by tf-checkpoint-writer.ts) are mutated with a seeded Rng, and every
// mutated input must end in a valid parse or an EngineError (FormatError, DTypeError, ...; InternalError
// counts as a crash: it means a bug), within 2 s, without the process growing past a memory bound.
// Anything else is a crash, reported with its replay info: target, seed and iteration (each case has its own
// Rng, so one case replays alone) and the mutations that made it.
//
// Targets and their inputs:
//   safetensors        parseSafetensors(bytes)       header length, JSON header edits, truncation, bytes
//   safetensors-index  readSafetensorsIndex(dir)     index JSON (weight_map) edits, shard edits
//   pytorch            parsePytorchBin(bytes)        zip EOCD/central/local fields, pickle opcodes, storages
//   tf-index           parseTfCheckpointIndex(bytes) SSTable blocks (re-CRC'd), handles, restarts, varints,
//                                                    BundleEntryProto/BundleHeaderProto fields, keys
//   tf-checkpoint      readTfCheckpoint(dir)         the above plus the data shard files
// Sections: random helpers, generic byte mutations, one section per format, targets, the campaign runner
// (one worker per target, watched for hangs), and the worker entry point.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { shapeSize, type DType } from "../../../src/dtype.js";
import { EngineError, InternalError } from "../../../src/errors.js";
import { crc32c, maskCrc32c } from "../../../src/io/crc32c.js";
import {
  encodeSafetensors, parsePytorchBin, parseSafetensors, parseTfCheckpointIndex, readSafetensorsIndex, readTfCheckpoint,
  type TensorRecord,
} from "../../../src/io/index.js";
import { readVarint } from "../../../src/io/protobuf.js";
import { snappyDecompress } from "../../../src/io/snappy.js";
import { readZipDirectory, readZipEntry } from "../../../src/io/zip.js";
import { Rng } from "../../../src/rng.js";
import { CHECKPOINTS } from "./fixtures.js";
import { stateDictPickle, torchZip } from "./pickle-writer.js";
import {
  buildBlock, buildTable, DT_BFLOAT16, DT_FLOAT, DT_HALF, DT_INT32, DT_INT64, DT_STRING, encodeEntry, encodeHeader,
  snappyCompress, type KeyValue, type TableOptions,
} from "./tf-checkpoint-writer.js";
import { buildZip, type ZipSpec } from "./zip-writer.js";

// ---- random helpers ----

export class FuzzRng {
  constructor(private readonly rng: Rng) {}
  /** Integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : this.rng.int(n);
  }
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.rng.uniform() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(256));
  }
}

/** FNV-1a of "seed:target:iteration": each case's own Rng seed, so a case replays without the ones before. */
export function caseSeed(seed: number, target: string, iteration: number): number {
  let h = 0x811c9dc5;
  for (const c of `${seed}:${target}:${iteration}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

/** Boundary values for length, count, offset and size fields (bigint: some exceed 2^53). */
const INTERESTING: readonly bigint[] = [
  0n, 1n, 2n, 3n, 4n, 7n, 8n, 16n, 31n, 32n, 64n, 127n, 128n, 255n, 256n, 0x7fffn, 0x8000n, 0xffffn, 0x10000n,
  0x7fffffffn, 0x80000000n, 0xfffffffen, 0xffffffffn, 1n << 32n, 10_000_000_000n, (1n << 53n) - 1n, 1n << 53n,
  (1n << 53n) + 1n, 1n << 63n, (1n << 64n) - 1n,
];

/** An interesting value, or (half the time, when given) one within 2 of a value `near` the field. */
function interesting(r: FuzzRng, near: readonly number[] = []): bigint {
  if (near.length > 0 && r.chance(0.5)) return BigInt(r.pick(near)) + BigInt(r.range(-2, 2));
  return r.pick(INTERESTING);
}

function writeUint(bytes: Uint8Array, at: number, width: number, value: bigint): void {
  let v = BigInt.asUintN(width * 8, value);
  for (let i = 0; i < width && at + i < bytes.length; i++) {
    bytes[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

function readUint(bytes: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let i = width - 1; i >= 0; i--) v = v * 256 + bytes[at + i];
  return v;
}

function concat(...parts: (Uint8Array | readonly number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function varintBytes(value: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export interface Mutation {
  bytes: Uint8Array;
  what: string;
}

// ---- generic byte mutations (within [lo, hi) of the input) ----

/** One random byte-level edit: bit flips, byte values, random runs, inserts, deletes, ints, truncation. */
export function mutateBytes(r: FuzzRng, input: Uint8Array, lo = 0, hi = input.length): Mutation {
  const bytes = new Uint8Array(input);
  const span = Math.max(hi - lo, 1);
  const at = lo + r.int(span);
  switch (r.int(8)) {
    case 0: {
      const flips = r.range(1, 4);
      const where: number[] = [];
      for (let i = 0; i < flips && bytes.length > 0; i++) {
        const p = Math.min(lo + r.int(span), bytes.length - 1);
        bytes[p] ^= 1 << r.int(8);
        where.push(p);
      }
      return { bytes, what: `flip bits at ${where.join(",")}` };
    }
    case 1: {
      const value = r.pick([0, 1, 0x7f, 0x80, 0xff, r.int(256)]);
      if (at < bytes.length) bytes[at] = value;
      return { bytes, what: `byte ${at} = 0x${value.toString(16)}` };
    }
    case 2: {
      const run = r.bytes(r.range(1, 16));
      bytes.set(run.subarray(0, Math.max(0, bytes.length - at)), Math.min(at, bytes.length));
      return { bytes, what: `${run.length} random bytes at ${at}` };
    }
    case 3: {
      const from = lo + r.int(span);
      const insert = r.chance(0.5) ? r.bytes(r.range(1, 16)) : input.subarray(from, from + r.range(1, 64));
      return { bytes: concat(input.subarray(0, at), insert, input.subarray(at)), what: `insert ${insert.length} bytes at ${at}` };
    }
    case 4: {
      const n = r.range(1, 64);
      return { bytes: concat(input.subarray(0, at), input.subarray(at + n)), what: `delete ${n} bytes at ${at}` };
    }
    case 5:
    case 6: {
      const width = r.pick([1, 2, 4, 8]);
      const value = interesting(r, [input.length, hi - lo]);
      writeUint(bytes, at, width, value);
      return { bytes, what: `u${width * 8} at ${at} = ${value}` };
    }
    default:
      return { bytes: input.slice(0, at), what: `truncate at ${at}` };
  }
}

/** Truncation at or within 2 bytes of one of `offsets` (structure boundaries). */
function truncateNear(r: FuzzRng, input: Uint8Array, offsets: readonly number[]): Mutation {
  const at = Math.max(0, Math.min(input.length, r.pick(offsets) + r.range(-2, 2)));
  return { bytes: input.slice(0, at), what: `truncate at ${at} of ${input.length}` };
}

/** JSON text that stresses a parser or its error messages: nesting, huge numbers, long arrays, surrogates. */
function weirdJson(r: FuzzRng): { text: string; what: string } {
  const depth = r.pick([100, 1000, 10_000, 100_000]);
  switch (r.int(9)) {
    case 0: return { text: "[".repeat(depth) + "]".repeat(depth), what: `array nested ${depth} deep` };
    case 1: return { text: '{"a":'.repeat(depth) + "1" + "}".repeat(depth), what: `object nested ${depth} deep` };
    case 2: return { text: `[${new Array(100_000).fill("1").join(",")}]`, what: "array of 100000 ones" };
    case 3: return { text: `"${"a".repeat(1_000_000)}"`, what: "1 MB string" };
    case 4: return { text: '"\\ud800"', what: "lone surrogate string" };
    case 5: return { text: '{"__proto__":{"dtype":"F32"},"constructor":1}', what: "prototype-named keys" };
    default: {
      const text = r.pick(["null", "true", "0", "-1", "-0", "1.5", "1e400", "-1e400", "9007199254740993", '""', '"x"', "[]", "{}", "[[[2]]]"]);
      return { text, what: text };
    }
  }
}

// ---- safetensors ----

const INVALID_UTF8: readonly number[][] = [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf]];

const RAW = "@@fuzz-raw@@";

/** JSON.stringify with the string RAW replaced by raw JSON text (which JSON.stringify could not produce). */
function stringifyWithRaw(value: unknown, raw: string | undefined): string {
  const text = JSON.stringify(value);
  return raw === undefined ? text : text.replace(JSON.stringify(RAW), () => raw);
}

interface SafetensorsParts {
  headerLength: number;
  header: Record<string, unknown>;
  data: Uint8Array;
}

function safetensorsParts(bytes: Uint8Array): SafetensorsParts {
  const headerLength = readUint(bytes, 0, 8);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  return { headerLength, header, data: bytes.subarray(8 + headerLength) };
}

function safetensorsFile(headerText: string, data: Uint8Array, length?: bigint): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = concat(new Uint8Array(8), json, data);
  writeUint(out, 0, 8, length ?? BigInt(json.length));
  return out;
}

/** One edit of the JSON header: a tensor's offsets, shape or dtype, whole values, names, or the metadata. */
function editSafetensorsHeader(r: FuzzRng, parts: SafetensorsParts): { text: string; what: string } {
  const header = structuredClone(parts.header);
  const names = Object.keys(header).filter((k) => k !== "__metadata__");
  const name = r.pick(names);
  const tensor = header[name] as { dtype: string; shape: number[]; data_offsets: [number, number] };
  const [b, e] = tensor.data_offsets;
  const n = parts.data.length;
  const setRaw = (obj: Record<string, unknown>, key: string, raw: { text: string; what: string }, what: string): { text: string; what: string } => {
    obj[key] = RAW;
    return { text: stringifyWithRaw(header, raw.text), what: `${what} = ${raw.what.slice(0, 80)}` };
  };
  const raw = (text: string): { text: string; what: string } => ({ text, what: text });
  switch (r.int(8)) {
    case 0: {
      const big = [2 ** 32, 2 ** 53, 2 ** 64, 1e10];
      const offsets = r.pick([
        `[${e},${b}]`, `[${b + 1},${e}]`, `[${b},${e + 1}]`, `[${b - 1},${e - 1}]`, `[${b},${r.pick(big)}]`, `[0,${n + 1}]`,
        `[-1,${e}]`, `[${b + 0.5},${e}]`, `["${b}",${e}]`, `[${b}]`, `[${b},${e},0]`, `[${r.pick(big)},${r.pick(big) + 4}]`,
        `[${b},${b}]`, `[${n},${n + e - b}]`,
      ]);
      return setRaw(tensor as unknown as Record<string, unknown>, "data_offsets", r.chance(0.8) ? raw(offsets) : weirdJson(r), `"${name}".data_offsets`);
    }
    case 1: {
      const s = tensor.shape;
      const shape = r.pick([
        `[${[...s, 0].join(",")}]`, `[${[...s, 1].join(",")}]`, `[${[...s, 2 ** 31].join(",")}]`, `[${s.slice(1).join(",")}]`,
        `[${[-1, ...s.slice(1)].join(",")}]`, `[${[0.5, ...s.slice(1)].join(",")}]`, `[${[2 ** 53, ...s.slice(1)].join(",")}]`,
        `[${[1e300, ...s.slice(1)].join(",")}]`, `["${s[0]}"]`, `[[${s.join(",")}]]`, "[]", `[${[0, 2 ** 53 - 1, 2 ** 53 - 1].join(",")}]`,
        `[${[...s, ...new Array(1000).fill(1)].join(",")}]`, `[${[2 ** 26, 2 ** 26, 2 ** 26].join(",")}]`,
      ]);
      return setRaw(tensor as unknown as Record<string, unknown>, "shape", r.chance(0.8) ? raw(shape) : weirdJson(r), `"${name}".shape`);
    }
    case 2: {
      const dtype = r.pick(['"F64"', '"F32"', '"F16"', '"BF16"', '"I64"', '"I32"', '"I8"', '"U8"', '"BOOL"', '"F8_E4M3"', '"U16"', '"f32"', '""', "1", "null", '"__proto__"', '"constructor"', '"toString"']);
      return setRaw(tensor as unknown as Record<string, unknown>, "dtype", r.chance(0.8) ? raw(dtype) : weirdJson(r), `"${name}".dtype`);
    }
    case 3: return setRaw(header, name, weirdJson(r), `"${name}"`);
    case 4: {
      const newName = r.pick(["__metadata__", "__proto__", "constructor", "", "x".repeat(10_000), `${name}.copy`]);
      if (r.chance(0.5)) delete header[name];
      header[newName] = tensor;
      return { text: JSON.stringify(header), what: `"${name}" renamed/copied to "${newName.slice(0, 20)}"` };
    }
    case 5: {
      delete header[name];
      return { text: JSON.stringify(header), what: `delete "${name}"` };
    }
    case 6: return setRaw(header, "__metadata__", r.chance(0.5) ? raw(r.pick(['{"a":1}', '{"a":null}', '["x"]', "null", '"x"', '{"a":{"b":"c"}}'])) : weirdJson(r), "__metadata__");
    default: {
      const top = weirdJson(r);
      return { text: top.text, what: `header = ${top.what}` };
    }
  }
}

export function mutateSafetensors(r: FuzzRng, input: Uint8Array): Mutation {
  const parts = safetensorsParts(input);
  const dataAt = 8 + parts.headerLength;
  const choice = r.int(100);
  if (choice < 15) {
    const value = interesting(r, [parts.headerLength, input.length - 8, input.length, 100_000_000]);
    const bytes = new Uint8Array(input);
    writeUint(bytes, 0, 8, value);
    return { bytes, what: `header length field = ${value} (was ${parts.headerLength})` };
  }
  if (choice < 55) {
    const edit = editSafetensorsHeader(r, parts);
    const lengthEdit = r.int(10);
    const json = new TextEncoder().encode(edit.text);
    const length = lengthEdit === 0 ? BigInt(json.length + r.pick([-1, 1])) : undefined;
    const what = `header ${edit.what}${length !== undefined ? `, length field ${length} for ${json.length} bytes` : ""}`;
    return { bytes: safetensorsFile(edit.text, parts.data, length), what };
  }
  if (choice < 60) {
    const m = mutateBytes(r, input, 8, dataAt);
    return { bytes: m.bytes, what: `header text: ${m.what}` };
  }
  if (choice < 70) {
    const bytes = new Uint8Array(input);
    const at = 8 + r.int(parts.headerLength);
    const bad = r.pick(INVALID_UTF8);
    bytes.set(bad.slice(0, dataAt - at), at);
    return { bytes, what: `header text: invalid UTF-8 ${bad.map((x) => x.toString(16)).join(" ")} at ${at}` };
  }
  if (choice < 85) {
    const bounds = [0, 1, 7, 8, 9, dataAt - 1, dataAt, dataAt + 1, input.length - 1];
    for (const value of Object.values(parts.header)) {
      const offsets = (value as { data_offsets?: [number, number] }).data_offsets;
      if (offsets !== undefined) bounds.push(dataAt + offsets[0], dataAt + offsets[1]);
    }
    return truncateNear(r, input, bounds);
  }
  if (choice < 90) {
    const extra = r.bytes(r.pick([1, 2, 4, 8, 100]));
    return { bytes: concat(input, extra), what: `append ${extra.length} bytes` };
  }
  return mutateBytes(r, input);
}

// ---- zip (pytorch_model.bin) ----

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

// ---- pickle (data.pkl) ----

/** Argument bytes of the opcodes torch.save writes (and the unpickler reads); other opcodes take none. */
type OpArgs = number | "lines" | "long1" | "u32len" | "u8len";
const OP_ARGS: ReadonlyMap<number, OpArgs> = new Map<number, OpArgs>([
  [0x80, 1], [0x95, 8], [0x4b, 1], [0x4d, 2], [0x4a, 4], [0x47, 8], [0x71, 1], [0x72, 4], [0x68, 1], [0x6a, 4],
  [0x8a, "long1"], [0x58, "u32len"], [0x8c, "u8len"], [0x63, "lines"],
]);

interface PickleOp { op: number; at: number; end: number }

/** The opcodes of a valid seed pickle, with their byte ranges. */
function pickleOps(bytes: Uint8Array): PickleOp[] {
  const ops: PickleOp[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const op = bytes[pos];
    const args = OP_ARGS.get(op) ?? 0;
    let end = pos + 1;
    if (typeof args === "number") end += args;
    else if (args === "long1" || args === "u8len") end += 1 + bytes[pos + 1];
    else if (args === "u32len") end += 4 + readUint(bytes, pos + 1, 4);
    else end = bytes.indexOf(0x0a, bytes.indexOf(0x0a, pos) + 1) + 1;
    ops.push({ op, at: pos, end });
    pos = end;
  }
  return ops;
}

/** The smallest pickle int opcode holding `value` (BININT1, BININT2, BININT, else LONG1). */
function pickleInt(value: bigint): number[] {
  if (value >= 0n && value < 256n) return [0x4b, Number(value)];
  if (value >= 0n && value < 65536n) return [0x4d, Number(value & 0xffn), Number(value >> 8n)];
  if (value >= -(1n << 31n) && value < 1n << 31n) {
    const v = Number(BigInt.asUintN(32, value));
    return [0x4a, v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
  }
  const digits: number[] = [];
  let v = value;
  while (v !== 0n && v !== -1n) {
    digits.push(Number(BigInt.asUintN(8, v)));
    v >>= 8n;
  }
  if ((value >= 0n) !== ((digits[digits.length - 1] ?? 0) < 0x80)) digits.push(value >= 0n ? 0 : 0xff);
  return [0x8a, digits.length, ...digits];
}

function pickleStr(s: string | Uint8Array, short = false): number[] {
  const b = typeof s === "string" ? new TextEncoder().encode(s) : s;
  if (short && b.length < 256) return [0x8c, b.length, ...b];
  return [0x58, b.length & 0xff, (b.length >>> 8) & 0xff, (b.length >>> 16) & 0xff, b.length >>> 24, ...b];
}

const GLOBALS: readonly [string, string][] = [
  ["collections", "OrderedDict"], ["torch._utils", "_rebuild_tensor_v2"], ["torch._utils", "_rebuild_parameter"],
  ["torch", "FloatStorage"], ["torch", "HalfStorage"], ["torch", "BFloat16Storage"], ["torch", "DoubleStorage"],
  ["torch", "LongStorage"], ["torch", "IntStorage"], ["torch", "CharStorage"], ["torch", "ByteStorage"], ["torch", "BoolStorage"],
  ["torch", "constructor"], ["torch", "__proto__"], ["torch", "Tensor"], ["os", "system"], ["builtins", "eval"], ["", ""],
];

/** One random opcode with arguments, some lying about their lengths. */
function randomPickleOp(r: FuzzRng, strings: readonly string[]): { bytes: number[]; what: string } {
  const simple = [0x4e, 0x28, 0x88, 0x89, 0x7d, 0x5d, 0x29, 0x74, 0x85, 0x86, 0x87, 0x73, 0x75, 0x61, 0x65, 0x52, 0x62, 0x51, 0x2e, 0x94, 0x93];
  switch (r.int(10)) {
    case 0:
    case 1:
    case 2: {
      const op = r.pick(simple);
      return { bytes: [op], what: `op 0x${op.toString(16)}` };
    }
    case 3: {
      const value = r.chance(0.5) ? interesting(r) : -interesting(r);
      return { bytes: pickleInt(value), what: `int ${value}` };
    }
    case 4: {
      const s = r.chance(0.7) && strings.length > 0 ? r.pick(strings) : r.pick(["storage", "cpu", "", "\u00e9"]);
      return { bytes: pickleStr(s, r.chance(0.5)), what: `str ${JSON.stringify(s)}` };
    }
    case 5: {
      const [module, name] = r.pick(GLOBALS);
      return { bytes: [0x63, ...new TextEncoder().encode(`${module}\n${name}\n`)], what: `GLOBAL ${module}.${name}` };
    }
    case 6: {
      const op = r.pick([0x71, 0x68, 0x72, 0x6a]);
      const index = r.chance(0.7) ? r.int(8) : Number(interesting(r) & 0xffffffffn);
      const arg = op === 0x71 || op === 0x68 ? [index & 0xff] : [index & 0xff, (index >>> 8) & 0xff, (index >>> 16) & 0xff, index >>> 24];
      return { bytes: [op, ...arg], what: `memo op 0x${op.toString(16)} ${index}` };
    }
    case 7: {
      const n = Number(r.pick([0n, 1n, 255n, 0x7fffffffn, 0xffffffffn]));
      const op = r.pick([0x58, 0x8c, 0x8a]);
      const length = op === 0x58 ? [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24] : [n & 0xff];
      return { bytes: [op, ...length, ...r.bytes(r.int(8))], what: `op 0x${op.toString(16)} claiming ${n} bytes` };
    }
    case 8: {
      const op = r.pick([0x80, 0x95, 0x47, 0x4d, 0x4a]);
      return { bytes: [op, ...r.bytes(r.int(9))], what: `op 0x${op.toString(16)} with random arguments` };
    }
    default: {
      const op = r.int(256);
      return { bytes: [op], what: `byte 0x${op.toString(16)}` };
    }
  }
}

export function mutatePickle(r: FuzzRng, input: Uint8Array): Mutation {
  const ops = pickleOps(input);
  const strings = ops.filter((o) => o.op === 0x58 || o.op === 0x8c).map((o) => new TextDecoder().decode(input.subarray(o.at + (o.op === 0x58 ? 5 : 2), o.end)));
  const i = r.int(ops.length);
  const op = ops[i];
  const splice = (at: number, end: number, insert: readonly number[] | Uint8Array, what: string): Mutation =>
    ({ bytes: concat(input.subarray(0, at), insert, input.subarray(end)), what: `data.pkl: ${what}` });
  switch (r.int(11)) {
    case 0: {
      const code = r.chance(0.8) ? r.pick([...OP_ARGS.keys(), 0x4e, 0x28, 0x74, 0x85, 0x86, 0x87, 0x73, 0x75, 0x61, 0x65, 0x52, 0x62, 0x51, 0x2e, 0x94, 0x93, 0x7d, 0x5d, 0x29]) : r.int(256);
      return splice(op.at, op.at + 1, [code], `opcode at ${op.at} 0x${op.op.toString(16)} -> 0x${code.toString(16)}`);
    }
    case 1: {
      const added = randomPickleOp(r, strings);
      return splice(op.at, op.at, added.bytes, `insert ${added.what} at ${op.at}`);
    }
    case 2: {
      const last = ops[Math.min(ops.length - 1, i + r.int(3))];
      return splice(op.at, last.end, [], `delete ops [${op.at}, ${last.end})`);
    }
    case 3: {
      const last = ops[Math.min(ops.length - 1, i + r.int(10))];
      const to = r.pick(ops).at;
      return splice(to, to, input.subarray(op.at, last.end), `copy ops [${op.at}, ${last.end}) to ${to}`);
    }
    case 4:
    case 5: {
      const ints = ops.filter((o) => o.op === 0x4b || o.op === 0x4d || o.op === 0x4a || o.op === 0x8a);
      if (ints.length === 0) break;
      const target = r.pick(ints);
      const value = r.chance(0.2) ? -interesting(r) : interesting(r, [0]);
      return splice(target.at, target.end, pickleInt(value), `int at ${target.at} -> ${value}`);
    }
    case 6: {
      const lengths = ops.filter((o) => o.op === 0x58 || o.op === 0x8c || o.op === 0x8a);
      if (lengths.length === 0) break;
      const target = r.pick(lengths);
      const bytes = new Uint8Array(input);
      const was = target.op === 0x58 ? readUint(input, target.at + 1, 4) : input[target.at + 1];
      const value = interesting(r, [was]);
      writeUint(bytes, target.at + 1, target.op === 0x58 ? 4 : 1, value);
      return { bytes, what: `data.pkl: length argument of op 0x${target.op.toString(16)} at ${target.at} = ${BigInt.asUintN(target.op === 0x58 ? 32 : 8, value)} (was ${was})` };
    }
    case 7: {
      const strs = ops.filter((o) => o.op === 0x58 || o.op === 0x8c);
      if (strs.length === 0) break;
      const target = r.pick(strs);
      const value = r.chance(0.2) ? Uint8Array.from([0xff, 0xfe]) : r.pick([...strings, "", "storage", "missing"]);
      return splice(target.at, target.end, pickleStr(value, target.op === 0x8c), `string at ${target.at} -> ${typeof value === "string" ? JSON.stringify(value) : "invalid UTF-8"}`);
    }
    case 8: {
      const globals = ops.filter((o) => o.op === 0x63);
      if (globals.length === 0) break;
      const target = r.pick(globals);
      const [module, name] = r.pick(GLOBALS);
      return splice(target.at, target.end, [0x63, ...new TextEncoder().encode(`${module}\n${name}\n`)], `GLOBAL at ${target.at} -> ${module}.${name}`);
    }
    case 9: break;
    default: {
      const out: number[] = [0x80, 2];
      const whats: string[] = [];
      for (let k = r.range(1, 300); k > 0; k--) {
        const added = randomPickleOp(r, strings);
        out.push(...added.bytes);
        if (whats.length < 6) whats.push(added.what);
      }
      return { bytes: Uint8Array.from(out), what: `data.pkl: random ops (${out.length} bytes, starting ${whats.join("; ")})` };
    }
  }
  return { bytes: input.slice(0, op.at), what: `data.pkl: truncate at op ${op.at}` };
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

// ---- LevelDB table / TF checkpoint index ----

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

/** A varint encoding that is overlong, truncated, or too large for the field. */
function badVarint(r: FuzzRng, blockSize: number): { bytes: number[]; what: string } {
  switch (r.int(4)) {
    case 0: return { bytes: [...new Array(r.range(10, 11)).fill(0x80), 0], what: "overlong varint" };
    case 1: return { bytes: [...new Array(9).fill(0xff), 0x01], what: "varint 2^64-1" };
    case 2: return { bytes: [0x80], what: "truncated varint" };
    default: {
      const value = interesting(r, [blockSize]);
      return { bytes: varintBytes(value), what: `varint ${value}` };
    }
  }
}

/** Raw edits of the table file: block contents (CRC recomputed), restarts, varints, handles, trailers. */
function mutateTableFile(r: FuzzRng, file: Uint8Array): Mutation {
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

// Protobuf fields of BundleEntryProto / BundleHeaderProto, edited as (field, wire, payload) triples.
interface PField { field: number; wire: number; value: bigint | Uint8Array }

function protoFields(bytes: Uint8Array): PField[] {
  const fields: PField[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const tag = readVarint(bytes, pos, "seed");
    const wire = tag.value % 8;
    pos = tag.next;
    if (wire === 0) {
      const v = readVarint(bytes, pos, "seed");
      fields.push({ field: Math.floor(tag.value / 8), wire, value: BigInt(v.value) });
      pos = v.next;
    } else if (wire === 2) {
      const len = readVarint(bytes, pos, "seed");
      fields.push({ field: Math.floor(tag.value / 8), wire, value: bytes.subarray(len.next, len.next + len.value) });
      pos = len.next + len.value;
    } else {
      fields.push({ field: Math.floor(tag.value / 8), wire, value: bytes.subarray(pos, pos + 4) }); // fixed32 only in seeds
      pos += 4;
    }
  }
  return fields;
}

function encodeFields(fields: readonly PField[]): Uint8Array {
  const out: number[] = [];
  for (const f of fields) {
    out.push(...varintBytes(BigInt(f.field) * 8n + BigInt(f.wire)));
    if (typeof f.value === "bigint") out.push(...varintBytes(f.value));
    else if (f.wire === 2) out.push(...varintBytes(BigInt(f.value.length)), ...f.value);
    else out.push(...f.value);
  }
  return Uint8Array.from(out);
}

function setScalar(fields: PField[], field: number, value: bigint): void {
  const existing = fields.find((f) => f.field === field);
  if (existing !== undefined) existing.value = value;
  else fields.push({ field, wire: 0, value });
}

/** One edit of a BundleEntryProto: scalars, the shape, wire types, crc, slices, unknown fields, bytes. */
function mutateEntryProto(r: FuzzRng, value: Uint8Array): { bytes: Uint8Array; what: string } {
  const fields = protoFields(value);
  switch (r.int(8)) {
    case 0:
    case 1: {
      const field = r.pick([1, 3, 4, 5]);
      const names = { 1: "dtype", 3: "shard_id", 4: "offset", 5: "size" } as Record<number, string>;
      const v = field === 1 && r.chance(0.5) ? BigInt(r.range(0, 25)) : interesting(r, [0]);
      setScalar(fields, field, v);
      return { bytes: encodeFields(fields), what: `${names[field]} = ${v}` };
    }
    case 2: {
      const shape = fields.find((f) => f.field === 2);
      const dims = shape !== undefined && shape.value instanceof Uint8Array ? protoFields(shape.value) : [];
      const dim = (size: bigint): PField => ({ field: 2, wire: 2, value: encodeFields([{ field: 1, wire: 0, value: size }]) });
      let what: string;
      switch (r.int(5)) {
        case 0: { const v = interesting(r); dims.push(dim(v)); what = `add dim ${v}`; break; }
        case 1: { const v = r.chance(0.5) ? (1n << 64n) - 1n : interesting(r); dims.splice(r.int(dims.length), 1, dim(v)); what = `set a dim to ${v}`; break; }
        case 2: { dims.push(...new Array<PField>(1000).fill(dim(1n))); what = "1000 more dims of 1"; break; }
        case 3: { dims.push({ field: 3, wire: 0, value: 1n }); what = "unknown_rank = true"; break; }
        default: { dims.push({ field: 2, wire: 0, value: 5n }); what = "dim with wire type varint"; break; }
      }
      const encoded = encodeFields(dims);
      if (shape !== undefined) shape.value = encoded;
      else fields.push({ field: 2, wire: 2, value: encoded });
      return { bytes: encodeFields(fields), what: `shape: ${what}` };
    }
    case 3: {
      const f = r.pick(fields);
      const wire = r.pick([0, 1, 2, 3, 4, 5, 6, 7].filter((w) => w !== f.wire));
      const payload = wire === 0 ? 7n : wire === 2 ? Uint8Array.from([1, 2, 3]) : r.bytes(wire === 1 ? 8 : 4);
      fields[fields.indexOf(f)] = { field: f.field, wire, value: payload };
      return { bytes: encodeFields(fields), what: `field ${f.field} wire type ${f.wire} -> ${wire}` };
    }
    case 4: {
      const crc = fields.findIndex((f) => f.field === 6);
      if (crc >= 0 && r.chance(0.5)) {
        fields.splice(crc, 1);
        return { bytes: encodeFields(fields), what: "remove crc32c" };
      }
      const field = r.pick([7, 99, 0]); // 7: a slice (partitioned tensor); 99: unknown; 0: invalid
      fields.push({ field, wire: 2, value: r.bytes(r.int(4)) });
      return { bytes: encodeFields(fields), what: `add field ${field}` };
    }
    case 5: {
      const encoded = encodeFields(fields);
      const bad = badVarint(r, encoded.length);
      const at = r.int(encoded.length + 1);
      return { bytes: concat(encoded.subarray(0, at), bad.bytes, encoded.subarray(at)), what: `${bad.what} inserted at ${at}` };
    }
    default: {
      const m = mutateBytes(r, value);
      return { bytes: m.bytes, what: m.what };
    }
  }
}

/** One edit of the BundleHeaderProto: num_shards, endianness, the version message, or bytes. */
function mutateHeaderProto(r: FuzzRng, value: Uint8Array): { bytes: Uint8Array; what: string } {
  const fields = protoFields(value);
  switch (r.int(4)) {
    case 0: {
      const v = interesting(r, [1, 2]);
      setScalar(fields, 1, v);
      return { bytes: encodeFields(fields), what: `num_shards = ${v}` };
    }
    case 1: {
      const v = BigInt(r.pick([1, 2, 0x7fffffff]));
      setScalar(fields, 2, v);
      return { bytes: encodeFields(fields), what: `endianness = ${v}` };
    }
    case 2: {
      const v = interesting(r, [1, 2]);
      const version = encodeFields([{ field: 1, wire: 0, value: 1n }, { field: 2, wire: r.chance(0.8) ? 0 : 2, value: r.chance(0.8) ? v : Uint8Array.from([1]) }]);
      const at = fields.findIndex((f) => f.field === 3);
      fields.splice(at < 0 ? fields.length : at, 1, { field: 3, wire: r.chance(0.9) ? 2 : 0, value: r.chance(0.9) ? version : 1n });
      return { bytes: encodeFields(fields), what: `version min_consumer = ${v}` };
    }
    default: {
      const m = mutateBytes(r, value);
      return { bytes: m.bytes, what: m.what };
    }
  }
}

/** Edits of the table's key/value entries, then a fresh table (valid CRCs and handles) around them. */
function mutateTableEntries(r: FuzzRng, seed: TfIndexSeed): Mutation {
  const entries = seed.entries.map((e) => ({ ...e }));
  let what: string;
  const k = r.range(1, entries.length - 1);
  switch (r.int(10)) {
    case 0:
    case 1:
    case 2:
    case 3: {
      const m = mutateEntryProto(r, entries[k].value);
      entries[k].value = m.bytes;
      what = `entry "${new TextDecoder().decode(entries[k].key)}": ${m.what}`;
      break;
    }
    case 4:
    case 5: {
      const m = mutateHeaderProto(r, entries[0].value);
      entries[0].value = m.bytes;
      what = `header: ${m.what}`;
      break;
    }
    case 6: {
      const bad = r.pick(INVALID_UTF8);
      entries[k].key = concat(entries[k].key, bad);
      what = `key ${k} + invalid UTF-8 ${bad.map((x) => x.toString(16)).join(" ")}`;
      break;
    }
    case 7: {
      switch (r.int(5)) {
        case 0: entries.splice(k, 0, { ...entries[k] }); what = `duplicate key ${k}`; break;
        case 3: {
          const j = r.range(1, entries.length - 1);
          entries[k].value = entries[j].value;
          what = `entry ${k} points at entry ${j}'s bytes (same dtype, shape, offset, size, crc)`;
          break;
        }
        case 1: [entries[k], entries[k - 1]] = [entries[k - 1], entries[k]]; what = `swap keys ${k - 1} and ${k}`; break;
        case 2: entries.shift(); what = "drop the header entry"; break;
        default: entries[k].key = new TextEncoder().encode("x".repeat(r.pick([1000, 70_000]))); what = `key ${k} -> long key`; break;
      }
      break;
    }
    default: {
      const m = mutateBytes(r, entries[k].value);
      entries[k].value = m.bytes;
      what = `entry ${k} bytes: ${m.what}`;
    }
  }
  const options: TableOptions = r.chance(0.5) ? seed.options : { blockEntries: r.range(1, 6), restartInterval: r.range(1, 4), snappy: r.chance(0.3) };
  return { bytes: buildTable(entries, options), what };
}

export function mutateTfIndex(r: FuzzRng, seed: TfIndexSeed): Mutation {
  const choice = r.int(100);
  if (choice < 50) return mutateTableEntries(r, seed);
  if (choice < 92) return mutateTableFile(r, seed.index);
  return mutateBytes(r, seed.index);
}

// ---- seeds ----

export interface TfIndexSeed {
  entries: KeyValue[];
  options: TableOptions;
  index: Uint8Array;
  /** Data shard file contents, in shard order. */
  shards: Uint8Array[];
}

interface TfSeedTensor { name: string; dtype: number; shape: number[]; bytes: Uint8Array }

/** A TF checkpoint in memory (index bytes, shard bytes), tensors spread over `numShards` as the writer does. */
export function buildTfSeed(tensors: readonly TfSeedTensor[], numShards: number, options: TableOptions): TfIndexSeed {
  const shards = Array.from({ length: numShards }, () => [] as Uint8Array[]);
  const sizes = new Array<number>(numShards).fill(0);
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const entries: KeyValue[] = [{ key: new Uint8Array(0), value: encodeHeader(numShards) }];
  sorted.forEach((t, i) => {
    const shardId = i % numShards;
    entries.push({
      key: new TextEncoder().encode(t.name),
      value: encodeEntry({ dtype: t.dtype, shape: t.shape, shardId, offset: sizes[shardId], size: t.bytes.length, maskedCrc: maskCrc32c(crc32c(t.bytes)) }),
    });
    shards[shardId].push(t.bytes);
    sizes[shardId] += t.bytes.length;
  });
  return { entries, options, index: buildTable(entries, options), shards: shards.map((parts) => concat(...parts)) };
}

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

function safetensorsSeeds(): Seed[] {
  const seeds: Seed[] = [];
  for (const model of ["tiny-bert", "tiny-roberta"]) {
    for (const path of [["model.safetensors"], ["f16", "model.safetensors"], ["bf16", "model.safetensors"], ["sharded", "model-00002-of-00002.safetensors"]]) {
      seeds.push({ name: `${model}/${path.join("/")}`, files: { "model.safetensors": fixture(model, ...path) } });
    }
  }
  seeds.push({ name: "synthetic mixed dtypes", files: { "model.safetensors": concat(...encodeSafetensors(mixedRecords(), { metadata: { format: "pt" } })) } });
  return seeds;
}

function pytorchSeeds(): Seed[] {
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

function tfSeeds(): Seed[] {
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

function shardedSeeds(): Seed[] {
  return ["tiny-bert", "tiny-roberta"].map((model) => ({
    name: `${model}/sharded`,
    files: {
      "model.safetensors.index.json": fixture(model, "sharded", "model.safetensors.index.json"),
      "model-00001-of-00002.safetensors": fixture(model, "sharded", "model-00001-of-00002.safetensors"),
      "model-00002-of-00002.safetensors": fixture(model, "sharded", "model-00002-of-00002.safetensors"),
    },
  }));
}

function mutateShardIndex(r: FuzzRng, input: Uint8Array): Mutation {
  const index = JSON.parse(new TextDecoder().decode(input)) as { weight_map: Record<string, unknown> };
  const names = Object.keys(index.weight_map);
  const name = r.pick(names);
  let raw: string | undefined;
  let what: string;
  switch (r.int(6)) {
    case 0:
    case 1: {
      const shard = r.pick(["", ".", "..", "../model-00001-of-00002.safetensors", "/etc/passwd", "subdir", "missing.safetensors",
        "model.safetensors.index.json", "a\\b", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", 7, null, ["x"]]);
      index.weight_map[name] = shard;
      what = `weight_map["${name}"] = ${JSON.stringify(shard)}`;
      break;
    }
    case 2: delete index.weight_map[name]; what = `delete weight_map["${name}"]`; break;
    case 3: index.weight_map[`${name}.extra`] = index.weight_map[name]; what = `add weight_map["${name}.extra"]`; break;
    case 4: {
      const weird = weirdJson(r);
      (index as Record<string, unknown>)[r.pick(["weight_map", "metadata"])] = RAW;
      raw = weird.text;
      what = `weight_map or metadata = ${weird.what}`;
      break;
    }
    default: {
      const m = mutateBytes(r, input);
      return { bytes: m.bytes, what: `index bytes: ${m.what}` };
    }
  }
  return { bytes: new TextEncoder().encode(stringifyWithRaw(index, raw)), what };
}

// ---- targets ----

export type TargetName = "safetensors" | "safetensors-index" | "pytorch" | "tf-index" | "tf-checkpoint";
export const TARGETS: readonly TargetName[] = ["safetensors", "safetensors-index", "pytorch", "tf-index", "tf-checkpoint"];

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

const TARGET_DEFS: Readonly<Record<TargetName, Target>> = {
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

// ---- running cases ----

export const PER_CASE_LIMIT_MS = 2000;
/** How far one case may raise the process's peak RSS: a reader that allocates before it validates shows here. */
const PEAK_RSS_GROWTH_LIMIT_BYTES = 512 * 1024 ** 2;

/** An outcome is "valid", the class name of an EngineError, or (a crash) "crash:<kind>". */
export interface CaseResult {
  outcome: string;
  ms: number;
  message?: string;
  stack?: string;
}

export function isCrash(outcome: string): boolean {
  return outcome.startsWith("crash:");
}

/** A valid parse must give records whose data matches their dtype and shape, without amplifying the input. */
function checkRecords(records: readonly TensorRecord[], inputBytes: number): string | undefined {
  const arrays: Record<string, string> = {
    F32: "Float32Array", F16: "Uint16Array", BF16: "Uint16Array", F64: "Float64Array", I32: "Int32Array",
    I64: "BigInt64Array", I8: "Int8Array", U8: "Uint8Array", BOOL: "Uint8Array",
  };
  const buffers = new Set<ArrayBufferLike>();
  for (const r of records) {
    if (r.data.constructor.name !== arrays[r.dtype]) return `record "${r.name}" is ${r.dtype} but holds a ${r.data.constructor.name}`;
    if (r.data.length !== shapeSize(r.shape)) return `record "${r.name}" has ${r.data.length} elements for shape [${r.shape.join(",")}]`;
    buffers.add(r.data.buffer);
  }
  // The memory the records hold (views share their buffer): copies of strided views and upcasts may add to
  // the input, but never by this much.
  const total = [...buffers].reduce((n, b) => n + b.byteLength, 0);
  if (total > 64 * inputBytes + (1 << 20)) return `records hold ${total} bytes from ${inputBytes} input bytes`;
  return undefined;
}

export async function runCase(c: FuzzCase, dir: string): Promise<CaseResult> {
  const inputBytes = Object.values(c.files).reduce((n, b) => n + b.length, 0);
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const start = performance.now();
  let result: CaseResult;
  try {
    const records = await TARGET_DEFS[c.target].run(c.files, dir);
    const problem = checkRecords(records, inputBytes);
    result = problem === undefined ? { outcome: "valid", ms: 0 } : { outcome: "crash:bad-records", ms: 0, message: problem };
  } catch (error) {
    if (error instanceof EngineError && !(error instanceof InternalError)) {
      result = { outcome: error.constructor.name, ms: 0, message: error.message };
    } else {
      const e = error instanceof Error ? error : new Error(String(error));
      result = { outcome: `crash:${e.constructor.name}`, ms: 0, message: e.message, stack: e.stack };
    }
  }
  result.ms = performance.now() - start;
  if (!isCrash(result.outcome) && result.ms > PER_CASE_LIMIT_MS) {
    result = { ...result, outcome: "crash:slow", message: `took ${result.ms.toFixed(0)} ms (limit ${PER_CASE_LIMIT_MS}); ended with: ${result.outcome} ${result.message ?? ""}` };
  }
  const peakGrowth = process.resourceUsage().maxRSS * 1024 - peakBefore;
  if (peakGrowth > PEAK_RSS_GROWTH_LIMIT_BYTES) {
    result = { ...result, outcome: "crash:memory", message: `peak RSS grew by ${(peakGrowth / 1024 ** 2).toFixed(0)} MiB during the case (${result.ms.toFixed(0)} ms); ended with: ${result.outcome} ${result.message ?? ""}` };
  }
  return result;
}

export interface Crash {
  target: TargetName;
  seed: number;
  iteration: number;
  seedName: string;
  mutations: string[];
  outcome: string;
  message: string;
  stack: string | undefined;
}

export function replayCommand(c: { target: TargetName; seed: number; iteration: number }): string {
  return `npm run fuzz -- --target ${c.target} --seed ${c.seed} --replay ${c.iteration}`;
}

export function formatCrash(c: Crash): string {
  const stackTop = c.stack?.split("\n").slice(1, 4).map((l) => l.trim()).join(" | ") ?? "";
  return [
    `${c.target} ${c.outcome}: ${c.message.slice(0, 300)}`,
    `  seed file: ${c.seedName}; mutations: ${c.mutations.join(" + ").slice(0, 400)}`,
    `  replay: ${replayCommand(c)}`,
    ...(stackTop ? [`  at ${stackTop}`] : []),
  ].join("\n");
}

export interface CampaignOptions {
  target: TargetName;
  seed: number;
  /** First iteration and how many to run (each iteration is one case). */
  start: number;
  iterations: number;
  /** Stop early once this many ms have passed (the counts say how many ran). */
  timeLimitMs?: number;
}

export interface CampaignResult {
  counts: Record<string, number>;
  crashes: Crash[];
  iterationsRun: number;
  ms: number;
}

/** Runs cases in this thread, reporting each; `progress` (if given) holds [current iteration, 1 while a case runs]. */
async function runCampaignHere(options: CampaignOptions, dir: string, progress: Int32Array | undefined, report: (outcome: string, crash: Crash | undefined) => void): Promise<void> {
  const seeds = TARGET_DEFS[options.target].seeds();
  const startMs = performance.now();
  for (let i = options.start; i < options.start + options.iterations; i++) {
    if (options.timeLimitMs !== undefined && performance.now() - startMs > options.timeLimitMs) break;
    const c = makeCase(options.target, options.seed, i, seeds);
    const caseDir = join(dir, `case-${i}`);
    if (progress !== undefined) {
      Atomics.store(progress, 0, i);
      Atomics.store(progress, 1, 1);
    }
    const result = await runCase(c, caseDir);
    if (progress !== undefined) Atomics.store(progress, 1, 0);
    rmSync(caseDir, { recursive: true, force: true });
    const crash: Crash | undefined = isCrash(result.outcome)
      ? { target: options.target, seed: options.seed, iteration: i, seedName: c.seedName, mutations: c.mutations, outcome: result.outcome, message: result.message ?? "", stack: result.stack }
      : undefined;
    report(result.outcome, crash); // every case (a few microseconds), so a worker terminated for a hang loses no counts
    if (result.outcome === "crash:memory") return; // a fresh worker starts from the next case
  }
}

interface WorkerRequest { adapterkitFuzz: true; options: CampaignOptions; dir: string; progress: SharedArrayBuffer }
interface WorkerMessage { outcome: string; crash: Crash | undefined }

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/**
 * Runs a campaign in worker threads watched from this one: a case still running after `watchdogMs` is a
 * hang (the worker is terminated and a new one resumes at the next case), and so is a worker that dies.
 */
export async function runCampaign(options: CampaignOptions, watchdogMs = 10_000): Promise<CampaignResult> {
  const dir = mkdtempSync(join(tmpdir(), `adapterkit-fuzz-${options.target}-`));
  const total: CampaignResult = { counts: {}, crashes: [], iterationsRun: 0, ms: 0 };
  const startMs = performance.now();
  let next = options.start;
  const end = options.start + options.iterations;
  try {
    while (next < end) {
      const remainingMs = options.timeLimitMs === undefined ? undefined : options.timeLimitMs - (performance.now() - startMs);
      if (remainingMs !== undefined && remainingMs <= 0) break;
      const progress = new SharedArrayBuffer(8);
      const slots = new Int32Array(progress);
      Atomics.store(slots, 0, next);
      const request: WorkerRequest = { adapterkitFuzz: true, options: { ...options, start: next, iterations: end - next, timeLimitMs: remainingMs }, dir, progress };
      const worker = new Worker(new URL(import.meta.url), { workerData: request, resourceLimits: { maxOldGenerationSizeMb: 2048 } });
      let doneInWorker = 0;
      const outcome = await new Promise<{ kind: "exit" } | { kind: "hang" | "died"; iteration: number; message: string; started: boolean }>((resolve) => {
        let lastIteration = -1;
        let lastChange = performance.now();
        const timer = setInterval(() => {
          const iteration = Atomics.load(slots, 0);
          const running = Atomics.load(slots, 1) === 1;
          if (iteration !== lastIteration || !running) {
            lastIteration = iteration;
            lastChange = performance.now();
          } else if (performance.now() - lastChange > watchdogMs) {
            clearInterval(timer);
            void worker.terminate();
            resolve({ kind: "hang", iteration, message: `case still running after ${watchdogMs} ms; worker terminated`, started: true });
          }
        }, 50);
        worker.on("message", (m: WorkerMessage) => {
          addCounts(total.counts, { [m.outcome]: 1 });
          if (m.crash !== undefined) total.crashes.push(m.crash);
          doneInWorker += 1;
        });
        worker.on("error", (error) => {
          clearInterval(timer);
          resolve({ kind: "died", iteration: Atomics.load(slots, 0), message: `worker died: ${error.message}`, started: doneInWorker > 0 || Atomics.load(slots, 1) === 1 });
        });
        worker.on("exit", () => {
          clearInterval(timer);
          resolve({ kind: "exit" });
        });
      });
      if (outcome.kind === "exit") {
        total.iterationsRun += doneInWorker;
        const reached = Atomics.load(slots, 0) + 1;
        if (doneInWorker === 0 || reached >= end || (options.timeLimitMs !== undefined && performance.now() - startMs >= options.timeLimitMs)) break;
        next = reached; // the worker stopped early after a memory crash
        continue;
      }
      // A worker that dies before its first case could not load (dist/ rebuilt under it, say): no case to blame.
      if (!outcome.started) throw new Error(`fuzz: the ${options.target} worker failed before its first case: ${outcome.message}`);
      // Hang or death: the case at `iteration` is the crash; rebuild its description here (cases are deterministic).
      const c = makeCase(options.target, options.seed, outcome.iteration, TARGET_DEFS[options.target].seeds());
      total.crashes.push({ target: options.target, seed: options.seed, iteration: outcome.iteration, seedName: c.seedName, mutations: c.mutations, outcome: `crash:${outcome.kind}`, message: outcome.message, stack: undefined });
      addCounts(total.counts, { [`crash:${outcome.kind}`]: 1 });
      total.iterationsRun = outcome.iteration + 1 - options.start;
      // Cases the worker finished after its last report have no recorded outcome.
      const recorded = Object.values(total.counts).reduce((a, b) => a + b, 0);
      if (recorded < total.iterationsRun) addCounts(total.counts, { unrecorded: total.iterationsRun - recorded });
      next = outcome.iteration + 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  total.ms = performance.now() - startMs;
  return total;
}

/** Runs one case in this thread with its full error (for replaying a crash). */
export async function replayCase(target: TargetName, seed: number, iteration: number): Promise<{ fuzzCase: FuzzCase; result: CaseResult }> {
  const fuzzCase = makeCase(target, seed, iteration, TARGET_DEFS[target].seeds());
  const dir = mkdtempSync(join(tmpdir(), `adapterkit-fuzz-replay-`));
  try {
    const result = await runCase(fuzzCase, join(dir, "case"));
    return { fuzzCase, result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- worker entry point ----

function isWorkerRequest(data: unknown): data is WorkerRequest {
  return typeof data === "object" && data !== null && (data as { adapterkitFuzz?: unknown }).adapterkitFuzz === true;
}

if (!isMainThread && isWorkerRequest(workerData) && parentPort !== null) {
  const port = parentPort;
  const request = workerData;
  await runCampaignHere(request.options, request.dir, new Int32Array(request.progress), (outcome, crash) => {
    const message: WorkerMessage = { outcome, crash };
    port.postMessage(message);
  });
}
