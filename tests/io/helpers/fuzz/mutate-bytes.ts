// Generic byte mutations (within [lo, hi) of the input), used by every format's mutator and as a blind
// second edit on top of a structured one, and hostile byte sequences (invalid UTF-8, bad varints).
import { concat, varintBytes, writeUint } from "./bytes.js";
import { interesting, type FuzzRng } from "./random.js";

export interface Mutation {
  bytes: Uint8Array;
  what: string;
}

/** One random byte-level edit: bit flips, byte values, random runs, inserts, deletes, ints, truncation. */
export function mutateBytes(r: FuzzRng, input: Uint8Array, lo = 0, hi = input.length): Mutation {
  const bytes = new Uint8Array(input);
  const span = Math.max(hi - lo, 1);
  const at = lo + r.int(span);
  switch (r.int(8)) {
    case 0: {
      const flips = r.range(1, 4);
      const where: number[] = [];
      for (let i = 0; i < flips && bytes.length > 0; i++) {
        const p = Math.min(lo + r.int(span), bytes.length - 1);
        bytes[p] ^= 1 << r.int(8);
        where.push(p);
      }
      return { bytes, what: `flip bits at ${where.join(",")}` };
    }
    case 1: {
      const value = r.pick([0, 1, 0x7f, 0x80, 0xff, r.int(256)]);
      if (at < bytes.length) bytes[at] = value;
      return { bytes, what: `byte ${at} = 0x${value.toString(16)}` };
    }
    case 2: {
      const run = r.bytes(r.range(1, 16));
      bytes.set(run.subarray(0, Math.max(0, bytes.length - at)), Math.min(at, bytes.length));
      return { bytes, what: `${run.length} random bytes at ${at}` };
    }
    case 3: {
      const from = lo + r.int(span);
      const insert = r.chance(0.5) ? r.bytes(r.range(1, 16)) : input.subarray(from, from + r.range(1, 64));
      return { bytes: concat(input.subarray(0, at), insert, input.subarray(at)), what: `insert ${insert.length} bytes at ${at}` };
    }
    case 4: {
      const n = r.range(1, 64);
      return { bytes: concat(input.subarray(0, at), input.subarray(at + n)), what: `delete ${n} bytes at ${at}` };
    }
    case 5:
    case 6: {
      const width = r.pick([1, 2, 4, 8]);
      const value = interesting(r, [input.length, hi - lo]);
      writeUint(bytes, at, width, value);
      return { bytes, what: `u${width * 8} at ${at} = ${value}` };
    }
    default:
      return { bytes: input.slice(0, at), what: `truncate at ${at}` };
  }
}

/** Truncation at or within 2 bytes of one of `offsets` (structure boundaries). */
export function truncateNear(r: FuzzRng, input: Uint8Array, offsets: readonly number[]): Mutation {
  const at = Math.max(0, Math.min(input.length, r.pick(offsets) + r.range(-2, 2)));
  return { bytes: input.slice(0, at), what: `truncate at ${at} of ${input.length}` };
}

export const INVALID_UTF8: readonly number[][] = [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf]];

/** A varint encoding that is overlong, truncated, or too large for the field. */
export function badVarint(r: FuzzRng, blockSize: number): { bytes: number[]; what: string } {
  switch (r.int(4)) {
    case 0: return { bytes: [...new Array(r.range(10, 11)).fill(0x80), 0], what: "overlong varint" };
    case 1: return { bytes: [...new Array(9).fill(0xff), 0x01], what: "varint 2^64-1" };
    case 2: return { bytes: [0x80], what: "truncated varint" };
    default: {
      const value = interesting(r, [blockSize]);
      return { bytes: varintBytes(value), what: `varint ${value}` };
    }
  }
}
