// Shared by the metric tests: the data folder and close-enough checks on scores.
import assert from "node:assert/strict";
import type { PrecisionRecallF1 } from "../../../src/train/metrics/index.js";

export { DATA } from "../../helpers/data.js";

export function assertClose(got: number, want: number, what: string, tolerance = 1e-12): void {
  assert.ok(Math.abs(got - want) <= tolerance, `${what}: got ${got}, want ${want} (|diff| ${Math.abs(got - want)} > ${tolerance})`);
}

export function assertScores(got: PrecisionRecallF1, want: PrecisionRecallF1, what: string): void {
  assertClose(got.precision, want.precision, `${what} precision`);
  assertClose(got.recall, want.recall, `${what} recall`);
  assertClose(got.f1, want.f1, `${what} f1`);
}
