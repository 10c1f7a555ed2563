// Sentence and sentence-pair examples from a JSONL file: one JSON object per line, columns chosen by key.
// A line that is not valid JSON, not an object, or lacks a field of the right type is a FormatError naming
// the file and line, or is skipped with `skipMalformed`. Blank lines are skipped.
import { ConfigError } from "../../errors.js";
import type { LabelKind, ReadResult, TextExample } from "./examples.js";
import { MalformedRows } from "./malformed-rows.js";
import { isBlankLine, readSourceText, splitLines } from "./source-text.js";
import { describeColumn, resolveColumnOptions, type JsonlReadOptions } from "./text-read-options.js";

type FieldResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export function readJsonl(path: string, options: JsonlReadOptions): ReadResult<TextExample> {
  const component = `jsonl(${path})`;
  const columns = resolveColumnOptions(options, component);
  if ("header" in options && options.header !== undefined) {
    throw new ConfigError(`${component}: header applies to tsv and csv only; JSONL fields are chosen by key`);
  }
  const keyOf = (column: string | number | undefined, name: string): string | undefined => {
    if (column === undefined || typeof column === "string") return column;
    throw new ConfigError(`${component}: expected ${name} to be a field name, got the index ${describeColumn(column)}`);
  };
  const textKey = keyOf(columns.textColumn, "textColumn") ?? "";
  const pairKey = keyOf(columns.textPairColumn, "textPairColumn");
  const labelKey = keyOf(columns.labelColumn, "labelColumn");

  const malformed = new MalformedRows(path, columns.skipMalformed);
  const examples: TextExample[] = [];
  splitLines(readSourceText(path, component)).forEach((text, index) => {
    const line = index + 1;
    if (isBlankLine(text)) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      malformed.report(line, `expected a JSON object, got a parse error (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    if (!isJsonObject(value)) {
      malformed.report(line, `expected a JSON object, got ${describeJson(value)}`);
      return;
    }
    const textA = stringField(value, textKey);
    if (!textA.ok) return malformed.report(line, textA.reason);
    let textB: string | undefined;
    if (pairKey !== undefined) {
      const pair = stringField(value, pairKey);
      if (!pair.ok) return malformed.report(line, pair.reason);
      textB = pair.value;
    }
    let label: TextExample["label"] = null;
    if (labelKey !== undefined) {
      const parsed = labelField(value, labelKey, columns.labelKind);
      if (!parsed.ok) return malformed.report(line, parsed.reason);
      label = parsed.value;
    }
    const example: TextExample = { textA: textA.value, label, line };
    if (textB !== undefined) example.textB = textB;
    examples.push(example);
  });
  return { file: path, examples, skipped: malformed.skipped };
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value === undefined) return "no such field";
  return `a ${typeof value}`;
}

function fieldValue(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function stringField(object: Record<string, unknown>, key: string): FieldResult<string> {
  const value = fieldValue(object, key);
  if (typeof value === "string") return { ok: true, value };
  return { ok: false, reason: `expected field ${JSON.stringify(key)} to be a string, got ${describeJson(value)}` };
}

/**
 * class: a non-empty string, or an integer (JSON writers often store class ids as numbers), kept as its
 * decimal string so that labels compare the same whichever way the file spells them;
 * float: a finite number; multilabel: an array of strings (possibly empty).
 */
function labelField(object: Record<string, unknown>, key: string, kind: LabelKind): FieldResult<string | number | string[]> {
  const value = fieldValue(object, key);
  const where = `field ${JSON.stringify(key)}`;
  switch (kind) {
    case "class":
      if (typeof value === "string" && value !== "") return { ok: true, value };
      if (typeof value === "number" && Number.isSafeInteger(value)) return { ok: true, value: String(value) };
      return { ok: false, reason: `expected ${where} to be a class name or an integer class id, got ${value === "" ? "an empty string" : describeJson(value)}` };
    case "float":
      if (typeof value === "number" && Number.isFinite(value)) return { ok: true, value };
      return { ok: false, reason: `expected ${where} to be a number, got ${describeJson(value)}` };
    case "multilabel":
      if (Array.isArray(value) && value.every((item): item is string => typeof item === "string")) return { ok: true, value: [...value] };
      return { ok: false, reason: `expected ${where} to be an array of strings, got ${Array.isArray(value) ? "an array holding a non-string" : describeJson(value)}` };
  }
}
