// Where the io tests find their data, the reference values the fixture generator wrote, and an exact
// record comparison whose failure message names the tensor, its shape, the max abs diff and the first diffs.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatShape } from "../../../src/dtype.js";
import { toFloat32, type TensorRecord } from "../../../src/io/index.js";

// Compiled, this file is dist/tests/io/helpers/fixtures.js: the repo root is four levels up.
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const CHECKPOINTS = join(REPO_ROOT, "tests/fixtures/checkpoints");
import { DATA } from "../../helpers/data.js";

export { DATA };

export interface ReferenceTensor {
  name: string;
  dtype: "F32" | "I64";
  shape: number[];
  values: number[];
  /** torch's t.half().float() and t.bfloat16().float(), for float tensors. */
  f16?: number[];
  bf16?: number[];
}

export interface Reference {
  seed: number;
  torch: string;
  tied: [string, string][];
  safetensorsOmits: string[];
  tensors: ReferenceTensor[];
}

export function loadReference(model: "tiny-bert" | "tiny-roberta"): Reference {
  return JSON.parse(readFileSync(join(CHECKPOINTS, "reference", `${model}.json`), "utf8")) as Reference;
}

/** A fresh temp directory and its cleanup. */
export function makeTempDir(tag: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `adapterkit-io-${tag}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Asserts a float record equals `want` bit for bit (values are float32 already), with a useful message. */
export function assertFloatsExact(name: string, shape: readonly number[], got: Float32Array, want: readonly number[]): void {
  assert.equal(got.length, want.length, `${name} ${formatShape(shape)}: ${got.length} values, expected ${want.length}`);
  const expected = Float32Array.from(want);
  const gotBits = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const wantBits = new Uint32Array(expected.buffer);
  const diffs: string[] = [];
  let maxAbs = 0;
  for (let i = 0; i < got.length; i++) {
    if (gotBits[i] !== wantBits[i]) {
      maxAbs = Math.max(maxAbs, Math.abs(got[i] - expected[i]));
      if (diffs.length < 4) diffs.push(`[${i}] got ${got[i]} want ${expected[i]}`);
    }
  }
  assert.ok(diffs.length === 0, `${name} ${formatShape(shape)}: max abs diff ${maxAbs}; ${diffs.join(", ")}`);
}

/** Compares a record with its reference: name, shape, dtype family and every value exactly. */
export function assertMatchesReference(record: TensorRecord, want: ReferenceTensor, values: "values" | "f16" | "bf16" = "values"): void {
  assert.equal(record.name, want.name);
  assert.deepEqual(record.shape, want.shape, `${want.name}: shape`);
  if (want.dtype === "I64") {
    assert.equal(record.dtype, "I64", `${want.name}: dtype`);
    if (record.dtype === "I64") assert.deepEqual(Array.from(record.data, Number), want.values, `${want.name}: values`);
    return;
  }
  const expected = want[values];
  assert.ok(expected !== undefined, `${want.name}: reference has no ${values} values`);
  assertFloatsExact(want.name, want.shape, toFloat32(record), expected);
}

/** Records by name, asserting names are unique. */
export function byName(records: readonly TensorRecord[]): Map<string, TensorRecord> {
  const map = new Map<string, TensorRecord>();
  for (const r of records) {
    assert.ok(!map.has(r.name), `duplicate record ${r.name}`);
    map.set(r.name, r);
  }
  return map;
}
