// Typed reads of JSON fields for the loaders. `where` names the file and key path, e.g.
// `tokenizer.json(/m/tokenizer.json) normalizer.lowercase`, so every FormatError points at the field.
import { FormatError } from "../errors.js";

export type JsonObject = Record<string, unknown>;

/** "file(path) key" at the top level of a file, "file(path) a.b.key" below it. */
export function fieldPath(where: string, key: string): string {
  return where.endsWith(")") ? `${where} ${key}` : `${where}.${key}`;
}

export function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

export function asObject(value: unknown, where: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new FormatError(`${where}: expected an object, got ${describeJson(value)}`);
  return value as JsonObject;
}

export function asArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new FormatError(`${where}: expected an array, got ${describeJson(value)}`);
  return value;
}

export function asString(value: unknown, where: string): string {
  if (typeof value !== "string") throw new FormatError(`${where}: expected a string, got ${describeJson(value)}`);
  return value;
}

export function asInteger(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw new FormatError(`${where}: expected a non-negative integer, got ${describeJson(value)}`);
  return value;
}

/** A token id: a non-negative integer that fits the Int32Array encodings carry. */
export function asTokenId(value: unknown, where: string): number {
  const id = asInteger(value, where);
  if (id > 0x7fffffff) throw new FormatError(`${where}: expected a token id below 2^31, got ${id}`);
  return id;
}

/** obj[key] as a boolean; `fallback` when the key is absent or null. */
export function booleanField(obj: JsonObject, key: string, where: string, fallback: boolean): boolean {
  const value = obj[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "boolean") throw new FormatError(`${fieldPath(where, key)}: expected true or false, got ${describeJson(value)}`);
  return value;
}

/** obj[key] as true, false or null (absent reads as null). */
export function nullableBooleanField(obj: JsonObject, key: string, where: string): boolean | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "boolean") throw new FormatError(`${fieldPath(where, key)}: expected true, false or null, got ${describeJson(value)}`);
  return value;
}

/** obj[key] as a string; `fallback` when the key is absent or null. */
export function stringField(obj: JsonObject, key: string, where: string, fallback: string | null): string | null {
  const value = obj[key];
  if (value === undefined || value === null) return fallback;
  return asString(value, fieldPath(where, key));
}

/** The "type" of a component object, checked against the supported ones. */
export function componentType(value: unknown, where: string, supported: readonly string[]): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new FormatError(`${where}: expected one of ${supported.join(", ")}, got ${describeJson(value)}`);
  }
  const type = (value as JsonObject).type;
  if (typeof type !== "string" || !supported.includes(type)) {
    throw new FormatError(`${fieldPath(where, "type")}: expected one of ${supported.join(", ")}, got ${describeJson(type)}`);
  }
  return type;
}
