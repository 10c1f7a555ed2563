import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { bf16ToFloat32, f16ToFloat32, float32ToBF16, float32ToF16 } from "../../src/io/index.js";
import { CHECKPOINTS } from "./helpers/fixtures.js";

interface RoundingTable {
  torch: string;
  f32Bits: number[];
  f16Bits: number[];
  bf16Bits: number[];
}

const table = JSON.parse(readFileSync(join(CHECKPOINTS, "reference", "half-rounding.json"), "utf8")) as RoundingTable;
const inputs = new Float32Array(Uint32Array.from(table.f32Bits).buffer);

function isNaNBits(bits: number, kind: "f16" | "bf16"): boolean {
  return kind === "f16" ? (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0 : (bits & 0x7f80) === 0x7f80 && (bits & 0x7f) !== 0;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** Compares our rounding with torch's for every input; NaN only needs to stay NaN (torch's NaN bits differ by code path). */
function compareWithTorch(got: Uint16Array, want: number[], kind: "f16" | "bf16"): void {
  const mismatches: string[] = [];
  for (let i = 0; i < want.length; i++) {
    const same = got[i] === want[i] || (isNaNBits(got[i], kind) && isNaNBits(want[i], kind));
    if (!same && mismatches.length < 5) mismatches.push(`f32 ${hex(table.f32Bits[i])}: got ${hex(got[i])} want ${hex(want[i])}`);
  }
  assert.deepEqual(mismatches, [], `${kind} rounding differs from torch ${table.torch}`);
}

describe("16-bit float conversions", () => {
  it(`rounds float32 to F16 like torch .half() on ${table.f32Bits.length} specials, ties and random patterns`, () => {
    compareWithTorch(float32ToF16(inputs), table.f16Bits, "f16");
  });

  it("rounds float32 to BF16 like torch .bfloat16() on the same patterns", () => {
    compareWithTorch(float32ToBF16(inputs), table.bf16Bits, "bf16");
  });

  it("upcasts all 65536 F16 patterns exactly: round trip is the identity, subnormals and infinities included", () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const f32 = f16ToFloat32(all);
    assert.equal(f32[0x0001], 2 ** -24); // smallest subnormal
    assert.equal(f32[0x03ff], 1023 * 2 ** -24); // largest subnormal
    assert.equal(f32[0x0400], 2 ** -14); // smallest normal
    assert.equal(f32[0x7bff], 65504);
    assert.equal(f32[0x7c00], Infinity);
    assert.equal(f32[0xfc00], -Infinity);
    assert.ok(Object.is(f32[0x8000], -0));
    assert.ok(Number.isNaN(f32[0x7e00]));
    const back = float32ToF16(f32);
    for (let i = 0; i < 65536; i++) {
      if (isNaNBits(i, "f16")) assert.ok(isNaNBits(back[i], "f16"), `NaN ${hex(i)} stays NaN`);
      else assert.equal(back[i], i, `F16 ${hex(i)} -> ${f32[i]} -> ${hex(back[i])}`);
    }
  });

  it("upcasts BF16 exactly (the top 16 bits of a float32) and round-trips every pattern", () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const f32 = bf16ToFloat32(all);
    assert.equal(f32[0x3f80], 1);
    assert.equal(f32[0x0001], 2 ** -133); // smallest BF16 subnormal
    const back = float32ToBF16(f32);
    for (let i = 0; i < 65536; i++) {
      if (isNaNBits(i, "bf16")) assert.ok(isNaNBits(back[i], "bf16"));
      else assert.equal(back[i], i, `BF16 ${hex(i)}`);
    }
  });
});
