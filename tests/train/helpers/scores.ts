// Shared by the metric tests: the shared data folder and close-enough checks on scores.
import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { PrecisionRecallF1 } from "../../../src/train/metrics/index.js";

// Compiled, this file is dist/tests/train/helpers/scores.js: the repo root is four levels up.
export const SHARED_DATA = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..", "../shared/data");

export function assertClose(got: number, want: number, what: string, tolerance = 1e-12): void {
  assert.ok(Math.abs(got - want) <= tolerance, `${what}: got ${got}, want ${want} (|diff| ${Math.abs(got - want)} > ${tolerance})`);
}

export function assertScores(got: PrecisionRecallF1, want: PrecisionRecallF1, what: string): void {
  assertClose(got.precision, want.precision, `${what} precision`);
  assertClose(got.recall, want.recall, `${what} recall`);
  assertClose(got.f1, want.f1, `${what} f1`);
}
