// Turning the text of a label field (TSV/CSV) into a label of the requested kind. A bad field is returned as
// a reason, not thrown, so that the reader decides between an error and skipping the row.
import type { LabelKind } from "./examples.js";

export type LabelFieldResult = { ok: true; label: string | number | string[] } | { ok: false; reason: string };

// Plain decimal or scientific notation only: Number() would also take "", "0x1f" and "Infinity".
const FLOAT_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number a float label field holds (surrounding spaces allowed, as Python's float() does), or null. */
export function parseFloatField(raw: string): number | null {
  const trimmed = raw.trim();
  if (!FLOAT_PATTERN.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

/**
 * class: the field as is (not trimmed: it is compared with the label list as written), never empty;
 * float: a finite decimal number; multilabel: the field split on `separator`, each name trimmed, empty names
 * dropped, so an empty field is an example with no labels.
 */
export function parseLabelField(raw: string, kind: LabelKind, separator: string): LabelFieldResult {
  switch (kind) {
    case "class":
      return raw === "" ? { ok: false, reason: "expected a class label, got an empty field" } : { ok: true, label: raw };
    case "float": {
      const value = parseFloatField(raw);
      return value === null ? { ok: false, reason: `expected a number label, got "${raw}"` } : { ok: true, label: value };
    }
    case "multilabel":
      return { ok: true, label: raw.split(separator).map((name) => name.trim()).filter((name) => name !== "") };
  }
}
