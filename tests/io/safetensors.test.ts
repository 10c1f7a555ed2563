import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FormatError, ShapeError } from "../../src/errors.js";
import {
  float32ToBF16, float32ToF16, parseSafetensors, readSafetensors, toFloat32, writeSafetensors, type TensorRecord,
} from "../../src/io/index.js";
import { assertFloatsExact, assertMatchesReference, byName, CHECKPOINTS, loadReference, makeTempDir } from "./helpers/fixtures.js";

const isFormatError = (pattern: RegExp) => (e: unknown): boolean => e instanceof FormatError && pattern.test(e.message);

/** A safetensors file from a header object and a data section, as raw bytes (no validation). */
function rawSafetensors(header: unknown, data: Uint8Array, lengthOverride?: bigint): Uint8Array {
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

for (const model of ["tiny-bert", "tiny-roberta"] as const) {
  describe(`safetensors fixtures: ${model}`, () => {
    const ref = loadReference(model);
    const stored = ref.tensors.filter((t) => !ref.safetensorsOmits.includes(t.name));

    it("reads model.safetensors (F32) and matches every tensor of the PyTorch reference exactly", async () => {
      const { records, metadata } = await readSafetensors(join(CHECKPOINTS, model, "model.safetensors"));
      assert.deepEqual(metadata, { format: "pt" });
      const got = byName(records);
      assert.deepEqual([...got.keys()].sort(), stored.map((t) => t.name).sort(), "tied copies are omitted, as save_pretrained does");
      for (const want of stored) {
        const record = got.get(want.name);
        assert.ok(record !== undefined, want.name);
        assert.equal(record.dtype, want.dtype, want.name);
        assertMatchesReference(record, want);
      }
    });

    for (const half of ["f16", "bf16"] as const) {
      it(`reads the ${half.toUpperCase()} copy: upcast equals torch's .${half === "f16" ? "half" : "bfloat16"}().float(), raw with keepHalf`, async () => {
        const path = join(CHECKPOINTS, model, half, "model.safetensors");
        const upcast = byName((await readSafetensors(path)).records);
        const raw = byName((await readSafetensors(path, { keepHalf: true })).records);
        for (const want of stored) {
          const record = upcast.get(want.name);
          assert.ok(record !== undefined, want.name);
          assertMatchesReference(record, want, half);
          const kept = raw.get(want.name);
          assert.ok(kept !== undefined);
          if (want.dtype === "F32") {
            assert.equal(kept.dtype, half === "f16" ? "F16" : "BF16");
            // Our rounding of the F32 reference reproduces the bits torch wrote.
            const ours = half === "f16" ? float32ToF16(Float32Array.from(want.values)) : float32ToBF16(Float32Array.from(want.values));
            if (kept.dtype === "F16" || kept.dtype === "BF16") assert.deepEqual(Array.from(kept.data), Array.from(ours), want.name);
          }
        }
      });
    }
  });
}

describe("safetensors writing", () => {
  const { dir, cleanup } = makeTempDir("st-write");
  after(cleanup);
  const weightData = Float32Array.of(1, -2.5, 3.14159, 1e-8, 65504, 70000);
  const weight: TensorRecord = { name: "w", dtype: "F32", shape: [2, 3], data: weightData };
  const ids: TensorRecord = { name: "ids", dtype: "I64", shape: [3], data: BigInt64Array.of(0n, 1n, -5n) };
  const bias: TensorRecord = { name: "b", dtype: "F32", shape: [3], data: Float32Array.of(0.1, 0.2, 0.3) };

  it("round-trips records and metadata, storing each float tensor as chosen (F32/F16/BF16)", async () => {
    const path = join(dir, "adapter.safetensors");
    await writeSafetensors(path, [weight, ids, bias], {
      metadata: { format: "pt", adapter: "bottleneck" },
      storeAs: (r) => (r.name === "w" ? "F16" : r.name === "b" ? "BF16" : "F32"),
    });
    const bytes = readFileSync(path);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    assert.equal((8 + headerLength) % 8, 0, "data section starts 8-byte aligned");
    const { records, metadata } = await readSafetensors(path, { keepHalf: true });
    assert.deepEqual(metadata, { format: "pt", adapter: "bottleneck" });
    const got = byName(records);
    const w = got.get("w");
    assert.ok(w !== undefined && w.dtype === "F16");
    assert.deepEqual(Array.from(w.data), Array.from(float32ToF16(weightData)));
    assert.equal(toFloat32(w)[5], Infinity, "70000 overflows F16");
    const b = got.get("b");
    assert.ok(b !== undefined && b.dtype === "BF16");
    const i = got.get("ids");
    assert.ok(i !== undefined && i.dtype === "I64");
    assert.deepEqual(Array.from(i.data), [0n, 1n, -5n]);
  });

  it("writes F32 unchanged by default and reads it back bit for bit", async () => {
    const path = join(dir, "plain.safetensors");
    await writeSafetensors(path, [weight, bias]);
    const got = byName((await readSafetensors(path)).records);
    const w = got.get("w");
    assert.ok(w !== undefined && w.dtype === "F32");
    assertFloatsExact("w", [2, 3], w.data, Array.from(weightData));
  });

  it("refuses a shape/data mismatch before touching the disk", async () => {
    const path = join(dir, "bad-shape.safetensors");
    const bad: TensorRecord = { name: "w", dtype: "F32", shape: [4], data: Float32Array.of(1, 2, 3) };
    await assert.rejects(writeSafetensors(path, [bad]), (e: unknown) => e instanceof ShapeError && /tensor "w": expected 4 elements for shape \[4\], got 3/.test(e.message));
    await assert.rejects(writeSafetensors(path, [bias, bias]), isFormatError(/tensor "b" appears twice/));
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith(".bad-shape") || f === "bad-shape.safetensors"), []);
  });

  it("leaves no file and no temp file behind when the final rename fails", async () => {
    const target = join(dir, "occupied");
    mkdirSync(join(target, "child"), { recursive: true }); // a non-empty directory where the file should go
    await assert.rejects(writeSafetensors(target, [weight]));
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes(".tmp")), []);
    assert.deepEqual(readdirSync(target), ["child"]);
  });
});

describe("safetensors errors name the file and the tensor or offset", () => {
  const { dir, cleanup } = makeTempDir("st-errors");
  after(cleanup);
  const f32x2 = new Uint8Array(Float32Array.of(1, 2).buffer);
  const write = (name: string, bytes: Uint8Array): string => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const entry = (dtype: string, shape: number[], offsets: [number, number]) => ({ dtype, shape, data_offsets: offsets });

  it("missing file", async () => {
    const path = join(dir, "nope.safetensors"); // the whole path: two model folders hold files of the same name
    await assert.rejects(readSafetensors(path), (e: unknown) => e instanceof FormatError && e.message.startsWith(`safetensors(${path}): file not found`));
  });

  it("file shorter than the 8-byte length", async () => {
    await assert.rejects(readSafetensors(write("tiny.safetensors", Uint8Array.of(1, 2, 3))), isFormatError(/^safetensors\((?:[^)]*\/)?tiny\.safetensors\): file is 3 bytes, shorter than the 8-byte header length/));
  });

  it("header length beyond the file size", async () => {
    const path = write("long.safetensors", rawSafetensors({}, new Uint8Array(0), 123456n));
    await assert.rejects(readSafetensors(path), isFormatError(/^safetensors\((?:[^)]*\/)?long\.safetensors\): header length 123456 exceeds file size 10$/));
  });

  it("header length above the 100 MB bound (sparse 101 MB file)", async () => {
    const path = write("huge.safetensors", rawSafetensors({}, new Uint8Array(0), 100_000_001n));
    truncateSync(path, 101_000_000);
    await assert.rejects(readSafetensors(path), isFormatError(/huge\.safetensors\): header length 100000001 exceeds the 100000000-byte limit/));
  });

  it("truncated data section (fixture cut short)", async () => {
    const full = readFileSync(join(CHECKPOINTS, "tiny-bert", "model.safetensors"));
    const path = write("cut.safetensors", full.subarray(0, full.length - 100));
    await assert.rejects(readSafetensors(path), isFormatError(/^safetensors\((?:[^)]*\/)?cut\.safetensors\): tensor ".+": data_offsets \[\d+, \d+\] lie outside the data section of \d+ bytes/));
  });

  it("malformed JSON header", async () => {
    const bytes = rawSafetensors({ a: 1 }, new Uint8Array(0));
    bytes[8 + 3] = 0x7b; // corrupt a character inside the JSON
    await assert.rejects(readSafetensors(write("json.safetensors", bytes)), isFormatError(/^safetensors\((?:[^)]*\/)?json\.safetensors\): header \(bytes 8\.\.\d+\) is not valid JSON/));
  });

  it("header that is not a JSON object", async () => {
    await assert.rejects(readSafetensors(write("arr.safetensors", rawSafetensors([1, 2], new Uint8Array(0)))), isFormatError(/arr\.safetensors\): header must be a JSON object, got an array/));
  });

  it("__metadata__ with a non-string value", async () => {
    const path = write("meta.safetensors", rawSafetensors({ __metadata__: { epoch: 3 } }, new Uint8Array(0)));
    await assert.rejects(readSafetensors(path), isFormatError(/meta\.safetensors\): "__metadata__" key "epoch" must be a string, got a number/));
  });

  it("unknown dtype", async () => {
    const path = write("dtype.safetensors", rawSafetensors({ w: entry("Q4", [2], [0, 8]) }, f32x2));
    await assert.rejects(readSafetensors(path), isFormatError(/dtype\.safetensors\): tensor "w": unknown dtype "Q4"; expected one of F64, F32, F16, BF16, I64, I32, I8, U8, BOOL/));
  });

  it("shape product times dtype size differs from the byte length", async () => {
    const path = write("shape.safetensors", rawSafetensors({ w: entry("F32", [3], [0, 8]) }, f32x2));
    await assert.rejects(readSafetensors(path), isFormatError(/shape\.safetensors\): tensor "w": F32 \[3\] needs 12 bytes, data_offsets \[0, 8\] hold 8/));
  });

  it("overlapping offsets", async () => {
    const path = write("overlap.safetensors", rawSafetensors({ a: entry("F32", [2], [0, 8]), b: entry("F32", [1], [4, 8]) }, f32x2));
    await assert.rejects(readSafetensors(path), isFormatError(/overlap\.safetensors\): tensor "b" data_offsets \[4, 8\] overlap tensor "a" \[0, 8\]/));
  });

  it("offsets outside the data section", async () => {
    const path = write("outside.safetensors", rawSafetensors({ a: entry("F32", [2], [8, 16]) }, f32x2));
    await assert.rejects(readSafetensors(path), isFormatError(/outside\.safetensors\): tensor "a": data_offsets \[8, 16\] lie outside the data section of 8 bytes/));
  });

  it("a gap between tensors and bytes after the last one", async () => {
    const gap = write("gap.safetensors", rawSafetensors({ a: entry("F32", [1], [4, 8]) }, f32x2));
    await assert.rejects(readSafetensors(gap), isFormatError(/gap\.safetensors\): tensor "a" starts at data offset 4, leaving a gap of 4 bytes after offset 0/));
    const trailing = write("trail.safetensors", rawSafetensors({ a: entry("F32", [1], [0, 4]) }, f32x2));
    await assert.rejects(readSafetensors(trailing), isFormatError(/trail\.safetensors\): tensors cover 4 bytes but the data section has 8/));
  });

  it("in-memory parsing reports the same errors under the given label", () => {
    assert.throws(() => parseSafetensors(rawSafetensors({ w: entry("F32", [3], [0, 8]) }, f32x2), "mem.safetensors"),
      isFormatError(/^safetensors\((?:[^)]*\/)?mem\.safetensors\): tensor "w": F32 \[3\] needs 12 bytes/));
  });
});
