// Dropout masks from a counter-based hash: element i's uniform number depends only on (seed, i), so the
// native kernel reproduces the mask exactly and the caller's Rng advances by one draw per mask.
import type { FloatArray } from "../interface.js";

/** A 32-bit hash of (seed, i): murmur3's finaliser over seed ^ (i · golden ratio). */
export function mix32(seed: number, i: number): number {
  let h = (seed ^ Math.imul(i, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function dropoutMask(mask: FloatArray, n: number, p: number, seed: number): void {
  const keep = 1 / (1 - p);
  // compare in integers: u < p  <=>  hash < p · 2^32 (exact in both backends)
  const threshold = Math.floor(p * 4294967296);
  for (let i = 0; i < n; i++) mask[i] = mix32(seed, i) < threshold ? 0 : keep;
}
