import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DTypeError } from "../../src/errors.js";
import { recordFromBytes, toFloat32, upcastHalf, type TensorRecord } from "../../src/io/index.js";

describe("TensorRecord", () => {
  it("narrows data by dtype without casts", () => {
    const records: TensorRecord[] = [
      { name: "w", dtype: "F32", shape: [2], data: Float32Array.of(1, 2) },
      { name: "ids", dtype: "I64", shape: [2], data: BigInt64Array.of(3n, 4n) },
    ];
    const seen: string[] = [];
    for (const r of records) {
      switch (r.dtype) {
        case "F32": seen.push(`f32 ${r.data[1].toFixed(1)}`); break; // data: Float32Array
        case "I64": seen.push(`i64 ${(r.data[0] + 1n).toString()}`); break; // data: BigInt64Array
        default: break;
      }
    }
    assert.deepEqual(seen, ["f32 2.0", "i64 4"]);
  });

  it("views aligned bytes and copies misaligned ones into an aligned buffer", () => {
    const buffer = new Uint8Array(12);
    new DataView(buffer.buffer).setFloat32(4, 1.5, true);
    const aligned = recordFromBytes("a", "F32", [1], buffer.subarray(4, 8));
    assert.equal(aligned.data.buffer, buffer.buffer);
    assert.deepEqual(Array.from(toFloat32(aligned)), [1.5]);
    const shifted = new Uint8Array(13);
    new DataView(shifted.buffer).setFloat32(5, -2.25, true);
    const misaligned = recordFromBytes("b", "F32", [1], shifted.subarray(5, 9));
    assert.notEqual(misaligned.data.buffer, shifted.buffer);
    assert.deepEqual(Array.from(toFloat32(misaligned)), [-2.25]);
  });

  it("toFloat32 upcasts F16/BF16 exactly, keeps F32 as the same array, and refuses integer tensors", () => {
    const f32 = Float32Array.of(1, -2);
    assert.equal(toFloat32({ name: "x", dtype: "F32", shape: [2], data: f32 }), f32);
    assert.deepEqual(Array.from(toFloat32({ name: "h", dtype: "F16", shape: [2], data: Uint16Array.of(0x3c00, 0x0001) })), [1, 2 ** -24]);
    assert.deepEqual(Array.from(toFloat32({ name: "b", dtype: "BF16", shape: [1], data: Uint16Array.of(0xbf80) })), [-1]);
    const half = upcastHalf({ name: "h", dtype: "F16", shape: [1], data: Uint16Array.of(0x7c00) });
    assert.equal(half.dtype, "F32");
    assert.throws(() => toFloat32({ name: "ids", dtype: "I64", shape: [1], data: BigInt64Array.of(1n) }),
      (e: unknown) => e instanceof DTypeError && /toFloat32\(ids\).*got I64/.test(e.message));
  });
});
