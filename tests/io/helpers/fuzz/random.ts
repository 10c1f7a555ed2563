// The fuzzer's randomness: a seeded Rng with the draws the mutators use, each case's own seed, and the
// boundary values that length, count, offset and size fields get.
import { Rng } from "../../../../src/rng.js";

export class FuzzRng {
  constructor(private readonly rng: Rng) {}
  /** Integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : this.rng.int(n);
  }
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.rng.uniform() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(256));
  }
}

/** FNV-1a of "seed:target:iteration": each case's own Rng seed, so a case replays without the ones before. */
export function caseSeed(seed: number, target: string, iteration: number): number {
  let h = 0x811c9dc5;
  for (const c of `${seed}:${target}:${iteration}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

/** Boundary values for length, count, offset and size fields (bigint: some exceed 2^53). */
const INTERESTING: readonly bigint[] = [
  0n, 1n, 2n, 3n, 4n, 7n, 8n, 16n, 31n, 32n, 64n, 127n, 128n, 255n, 256n, 0x7fffn, 0x8000n, 0xffffn, 0x10000n,
  0x7fffffffn, 0x80000000n, 0xfffffffen, 0xffffffffn, 1n << 32n, 10_000_000_000n, (1n << 53n) - 1n, 1n << 53n,
  (1n << 53n) + 1n, 1n << 63n, (1n << 64n) - 1n,
];

/** An interesting value, or (half the time, when given) one within 2 of a value `near` the field. */
export function interesting(r: FuzzRng, near: readonly number[] = []): bigint {
  if (near.length > 0 && r.chance(0.5)) return BigInt(r.pick(near)) + BigInt(r.range(-2, 2));
  return r.pick(INTERESTING);
}
