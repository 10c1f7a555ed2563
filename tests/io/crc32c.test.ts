import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { crc32c, maskCrc32c, unmaskCrc32c } from "../../src/io/crc32c.js";

describe("crc32c", () => {
  it("matches the CRC-32C check values (RFC 3720 B.4 and the standard '123456789')", () => {
    const ascii = new TextEncoder();
    assert.equal(crc32c(ascii.encode("123456789")), 0xe3069283);
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
    assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  });

  it("extends across chunks like one pass", () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => (i * 37) & 0xff);
    assert.equal(crc32c(bytes.subarray(40), crc32c(bytes.subarray(0, 40))), crc32c(bytes));
  });

  it("masks as LevelDB does (rotate right 15, add 0xa282ead8) and unmasks back", () => {
    assert.equal(maskCrc32c(0), 0xa282ead8);
    for (const crc of [0, 1, 0xe3069283, 0xffffffff, 0x80000000]) assert.equal(unmaskCrc32c(maskCrc32c(crc)), crc);
    const rotr15 = (x: number): number => ((x >>> 15) | (x << 17)) >>> 0;
    assert.equal(maskCrc32c(0xe3069283), (rotr15(0xe3069283) + 0xa282ead8) >>> 0);
  });
});
