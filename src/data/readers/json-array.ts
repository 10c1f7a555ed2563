// Files that hold one JSON array of example objects (the K-Adapter / TACRED / OpenEntity layout), and the
// malformed-example policy for them. Such a file is usually a single line, so a line number says nothing:
// errors and skipped entries name the example's 0-based index in the array instead.
import { FormatError } from "../../errors.js";
import { readSourceText } from "./source-text.js";

/** An example a reader dropped because of `skipMalformed: true`, and why. */
export interface SkippedExample {
  /** 0-based position of the example in the file's array. */
  index: number;
  reason: string;
}

/** ReadResult's twin for JSON-array files: `skipped` names array indices instead of lines. */
export interface JsonArrayReadResult<T> {
  /** The path the examples were read from, as the caller gave it (error messages name it the same way). */
  file: string;
  examples: T[];
  skipped: SkippedExample[];
}

/** The elements of the file's top-level JSON array; a parse error or another top-level value is a FormatError. */
export function readJsonArray(path: string, component: string): unknown[] {
  const text = readSourceText(path, component);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FormatError(`${path}: expected a JSON array of examples, got a parse error (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(value)) throw new FormatError(`${path}: expected a JSON array of examples, got ${describeJson(value)}`);
  return value;
}

/** Throw a FormatError "<file>: example <i>: <reason>", or, with `skipMalformed`, record it and carry on. */
export class MalformedExamples {
  readonly skipped: SkippedExample[] = [];

  constructor(
    private readonly file: string,
    private readonly skip: boolean,
  ) {}

  report(index: number, reason: string): void {
    if (!this.skip) throw new FormatError(`${this.file}: example ${index}: ${reason}`);
    this.skipped.push({ index, reason });
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value === undefined) return "no such field";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

/** The field's value, or undefined when the object does not own it (never an inherited property). */
export function fieldValue(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

export type FieldResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export function stringField(object: Record<string, unknown>, key: string): FieldResult<string> {
  const value = fieldValue(object, key);
  if (typeof value === "string") return { ok: true, value };
  return { ok: false, reason: `expected field ${JSON.stringify(key)} to be a string, got ${describeJson(value)}` };
}

/** A non-negative integer (a token index or a character offset). */
export function indexField(object: Record<string, unknown>, key: string): FieldResult<number> {
  const value = fieldValue(object, key);
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return { ok: true, value };
  return { ok: false, reason: `expected field ${JSON.stringify(key)} to be a non-negative integer, got ${describeJson(value)}` };
}

/** An array of strings, possibly empty. */
export function stringArrayField(object: Record<string, unknown>, key: string): FieldResult<string[]> {
  const value = fieldValue(object, key);
  if (!Array.isArray(value)) return { ok: false, reason: `expected field ${JSON.stringify(key)} to be an array of strings, got ${describeJson(value)}` };
  const at = value.findIndex((item) => typeof item !== "string");
  if (at !== -1) return { ok: false, reason: `expected field ${JSON.stringify(key)} to be an array of strings, got ${describeJson(value[at])} at [${at}]` };
  return { ok: true, value: value.filter((item): item is string => typeof item === "string") };
}
