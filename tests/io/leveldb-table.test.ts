import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FormatError } from "../../src/errors.js";
import { readTable } from "../../src/io/leveldb-table.js";
import { decodeMessage } from "../../src/io/protobuf.js";
import { snappyDecompress } from "../../src/io/snappy.js";
import { buildTable, snappyCompress, type KeyValue } from "./helpers/tf-checkpoint-writer.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function entries(n: number): KeyValue[] {
  return Array.from({ length: n }, (_, i) => ({
    key: encoder.encode(`bert/encoder/layer_${String(i).padStart(3, "0")}/attention/self/query/kernel`),
    value: encoder.encode(`value ${i} `.repeat(1 + (i % 3))),
  }));
}

function assertSameEntries(got: KeyValue[], want: KeyValue[]): void {
  assert.deepEqual(got.map((e) => decoder.decode(e.key)), want.map((e) => decoder.decode(e.key)));
  assert.deepEqual(got.map((e) => decoder.decode(e.value)), want.map((e) => decoder.decode(e.value)));
}

const isFormatError = (pattern: RegExp) => (e: unknown): boolean => e instanceof FormatError && pattern.test(e.message);

describe("LevelDB table", () => {
  it("reads shared-prefix keys across restarts and several data blocks", () => {
    const want = entries(40);
    for (const options of [{}, { blockEntries: 7, restartInterval: 3 }, { blockEntries: 1, restartInterval: 1 }]) {
      assertSameEntries(readTable(buildTable(want, options), "t"), want);
    }
  });

  it("reads snappy-compressed blocks (compression type 1)", () => {
    const want = entries(30);
    const table = buildTable(want, { snappy: true, blockEntries: 10 });
    assert.ok(table.length < buildTable(want).length, "the snappy table is smaller");
    assertSameEntries(readTable(table, "t"), want);
  });

  it("rejects a block whose masked crc32c does not match, naming the block offset", () => {
    const table = buildTable(entries(5));
    table[10] ^= 0x01;
    assert.throws(() => readTable(table, "tf-checkpoint(x.index)"),
      isFormatError(/^tf-checkpoint\((?:[^)]*\/)?x\.index\): data block at offset 0 \(\d+ bytes\): crc32c mismatch/));
  });

  it("rejects a bad magic number and a file shorter than the footer", () => {
    const table = buildTable(entries(3));
    table[table.length - 1] ^= 0xff;
    assert.throws(() => readTable(table, "x.index"), isFormatError(/x\.index: bad table magic .* at offset \d+; expected 0xdb4775248b80fb57/));
    assert.throws(() => readTable(new Uint8Array(20), "x.index"), isFormatError(/x\.index: file is 20 bytes, shorter than the 48-byte table footer/));
  });

  it("rejects a truncated table (blocks past the footer)", () => {
    const table = buildTable(entries(10));
    const truncated = new Uint8Array(table.length - 30);
    truncated.set(table.subarray(0, truncated.length - 48));
    truncated.set(table.subarray(table.length - 48), truncated.length - 48); // keep a valid footer
    assert.throws(() => readTable(truncated, "x.index"), isFormatError(/x\.index: index block at offset \d+ .* truncated or corrupt/));
  });

  it("rejects a restart point that is not the start of an entry", () => {
    const mutateBlock = (block: Uint8Array): void => {
      // restarts [0, e2], count 2: point the second restart at offset 3, inside the first entry
      new DataView(block.buffer, block.byteOffset).setUint32(block.length - 8, 3, true);
    };
    const table = buildTable(entries(4), { restartInterval: 2, mutateBlock });
    assert.throws(() => readTable(table, "t"), isFormatError(/t: data block at offset 0: restart 1 points at 3, which is not the start of an entry/));
  });
});

describe("snappy", () => {
  it("round-trips literals, short and overlapping copies", () => {
    const text = encoder.encode("abcabcabcabcabcabc hello hello hello hello ".repeat(20) + "xyz");
    assert.deepEqual(snappyDecompress(snappyCompress(text), "s"), text);
    // hand-made: literal "ab", then a 1-byte-offset copy of length 6 at offset 2 (overlapping) -> "abababab"
    const manual = Uint8Array.of(8, (2 - 1) << 2, 0x61, 0x62, ((6 - 4) << 2) | 1, 2);
    assert.equal(decoder.decode(snappyDecompress(manual, "s")), "abababab");
  });

  it("rejects a copy reaching before the start of the output", () => {
    assert.throws(() => snappyDecompress(Uint8Array.of(4, ((4 - 4) << 2) | 1, 1), "blk"), isFormatError(/blk: corrupt snappy block: copy offset 1 with 0 bytes written/));
  });
});

describe("protobuf", () => {
  it("decodes varints, fixed32, fixed64 and nested bytes", () => {
    const msg = Uint8Array.of(0x08, 0x96, 0x01, 0x12, 0x02, 0x08, 0x05, 0x35, 0x78, 0x56, 0x34, 0x12, 0x19, 1, 0, 0, 0, 0, 0, 0, 0x80);
    const fields = decodeMessage(msg, "m");
    assert.deepEqual(fields.map((f) => [f.field, f.wire]), [[1, "varint"], [2, "bytes"], [6, "fixed32"], [3, "fixed64"]]);
    const [a, b, c, d] = fields;
    assert.ok(a.wire === "varint" && a.value === 150);
    assert.ok(b.wire === "bytes" && b.bytes.length === 2);
    assert.ok(c.wire === "fixed32" && c.value === 0x12345678);
    assert.ok(d.wire === "fixed64" && d.value === 0x8000000000000001n);
  });

  it("rejects a length running past the message and a truncated varint", () => {
    assert.throws(() => decodeMessage(Uint8Array.of(0x12, 0x05, 1), "m"), isFormatError(/m: field 2 at offset 0 needs 5 bytes, 1 left/));
    assert.throws(() => decodeMessage(Uint8Array.of(0x08, 0x96), "m"), isFormatError(/m: truncated or overlong varint at offset 1/));
  });
});
