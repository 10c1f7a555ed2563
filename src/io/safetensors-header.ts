// The safetensors header: checked in full before any tensor byte is touched.
// File: [u64 LE header length N][N bytes of UTF-8 JSON][data section]
//   JSON: { "__metadata__"?: {string: string}, <name>: { dtype, shape: [int...], data_offsets: [begin, end] } }
//   offsets are relative to the data section; the reference implementation requires the tensors, sorted by
//   offset, to tile the data section exactly (no overlap, no gap, no trailing bytes), so valid files do.
import { formatShape, shapeSize, type DType } from "../dtype.js";
import { FormatError } from "../errors.js";
import { jsonPreview } from "./json-preview.js";
import { DTYPE_BYTES } from "./tensor-record.js";

/** Upper bound on the JSON header; the reference implementation uses the same 100 MB limit. */
export const MAX_HEADER_BYTES = 100_000_000;

/** safetensors dtype names AdapterKit reads (names as in the format; all map to the same DType). */
export const SAFETENSORS_DTYPES: readonly DType[] = ["F64", "F32", "F16", "BF16", "I64", "I32", "I8", "U8", "BOOL"];

export interface SafetensorsEntry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** Tensors sorted by data offset. */
  entries: SafetensorsEntry[];
  metadata: Record<string, string> | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return `a ${typeof value}`;
}

function isDType(value: unknown): value is DType {
  return typeof value === "string" && (SAFETENSORS_DTYPES as readonly string[]).includes(value);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function parseMetadata(value: unknown, label: string): Record<string, string> {
  if (!isObject(value)) throw new FormatError(`${label}: "__metadata__" must be an object of strings, got ${describe(value)}`);
  const metadata: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new FormatError(`${label}: "__metadata__" key "${key}" must be a string, got ${describe(v)}`);
    metadata[key] = v;
  }
  return metadata;
}

function parseEntry(name: string, value: unknown, dataBytes: number, label: string): SafetensorsEntry {
  const at = `${label}: tensor "${name}"`;
  if (!isObject(value)) throw new FormatError(`${at}: expected an object {dtype, shape, data_offsets}, got ${describe(value)}`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (!isDType(dtype)) {
    throw new FormatError(`${at}: unknown dtype ${jsonPreview(dtype)}; expected one of ${SAFETENSORS_DTYPES.join(", ")}`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new FormatError(`${at}: shape must be an array of non-negative integers, got ${jsonPreview(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw new FormatError(`${at}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${jsonPreview(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  const dims = shape as number[];
  const expected = shapeSize(dims) * DTYPE_BYTES[dtype];
  if (end - begin !== expected) {
    throw new FormatError(`${at}: ${dtype} ${formatShape(dims)} needs ${expected} bytes, data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  if (end > dataBytes) {
    throw new FormatError(`${at}: data_offsets [${begin}, ${end}] lie outside the data section of ${dataBytes} bytes`);
  }
  return { name, dtype, shape: dims, begin, end };
}

/** Parses and validates the JSON header; `dataBytes` is the size of the data section that follows it. */
export function parseSafetensorsHeader(json: Uint8Array, dataBytes: number, label: string): SafetensorsHeader {
  let text: string;
  let parsed: unknown;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(json);
  } catch {
    throw new FormatError(`${label}: header (bytes 8..${8 + json.length}) is not valid UTF-8`);
  }
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new FormatError(`${label}: header (bytes 8..${8 + json.length}) is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw new FormatError(`${label}: header must be a JSON object, got ${describe(parsed)}`);
  let metadata: Record<string, string> | undefined;
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (name === "__metadata__") metadata = parseMetadata(value, label);
    else entries.push(parseEntry(name, value, dataBytes, label));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: SafetensorsEntry | undefined;
  for (const entry of entries) {
    if (previous !== undefined && entry.begin < previous.end) {
      throw new FormatError(`${label}: tensor "${entry.name}" data_offsets [${entry.begin}, ${entry.end}] overlap tensor "${previous.name}" [${previous.begin}, ${previous.end}]`);
    }
    if (entry.begin > covered) {
      throw new FormatError(`${label}: tensor "${entry.name}" starts at data offset ${entry.begin}, leaving a gap of ${entry.begin - covered} bytes after offset ${covered}`);
    }
    covered = entry.end;
    previous = entry;
  }
  if (covered !== dataBytes) {
    throw new FormatError(`${label}: tensors cover ${covered} bytes but the data section has ${dataBytes}; ${dataBytes - covered} trailing bytes belong to no tensor`);
  }
  return { entries, metadata };
}
