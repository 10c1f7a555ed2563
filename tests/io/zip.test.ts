import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FormatError } from "../../src/errors.js";
import { crc32, readZipDirectory, readZipEntry } from "../../src/io/zip.js";
import { buildZip } from "./helpers/zip-writer.js";

const isFormatError = (pattern: RegExp) => (e: unknown): boolean => e instanceof FormatError && pattern.test(e.message);
const text = new TextEncoder();

describe("zip reader", () => {
  it("computes the zip CRC-32 check value", () => {
    assert.equal(crc32(text.encode("123456789")), 0xcbf43926);
  });

  for (const zip64 of [false, true]) {
    it(`lists entries and reads stored and deflated data${zip64 ? " (zip64 records)" : ""}`, () => {
      const big = text.encode("tensor bytes ".repeat(500));
      const bytes = buildZip([
        { name: "archive/data.pkl", data: text.encode("pickle") },
        { name: "archive/data/0", data: big, method: 8 },
      ], { zip64 });
      const entries = readZipDirectory(bytes, "z.bin");
      assert.deepEqual([...entries.keys()], ["archive/data.pkl", "archive/data/0"]);
      const deflated = entries.get("archive/data/0");
      assert.ok(deflated !== undefined);
      assert.equal(deflated.method, 8);
      assert.ok(deflated.compressedSize < big.length);
      assert.deepEqual(new Uint8Array(readZipEntry(bytes, deflated, "z.bin")), big);
    });
  }

  it("rejects unsupported compression methods and data running past the file", () => {
    const bytes = buildZip([{ name: "a", data: text.encode("abc") }]);
    const entries = readZipDirectory(bytes, "z.bin");
    const entry = entries.get("a");
    assert.ok(entry !== undefined);
    assert.throws(() => readZipEntry(bytes, { ...entry, method: 12 }, "z.bin"), isFormatError(/z\.bin: entry "a": compression method 12 is not supported/));
    assert.throws(() => readZipEntry(bytes, { ...entry, compressedSize: 1e6, size: 1e6 }, "z.bin"), isFormatError(/entry "a": data \[\d+, \d+\) runs past the end/));
  });
});
