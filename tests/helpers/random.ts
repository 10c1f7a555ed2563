// A small seeded PRNG for tests (mulberry32): repeatable random inputs, never Math.random.
// The library's own generator is src/rng.ts; this one stays independent of it so kernel tests do not move
// when the library's stream changes.

export interface TestRng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Fills arr with uniform values in [lo, hi) (rounded to the array's element type); returns arr. */
  fill<T extends Float32Array | Float64Array | Int32Array>(arr: T, lo: number, hi: number): T;
}

export function makeRng(seed: number): TestRng {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const range = (lo: number, hi: number): number => lo + (hi - lo) * uniform();
  return {
    uniform,
    range,
    int: (n) => Math.floor(uniform() * n),
    fill(arr, lo, hi) {
      const integer = arr instanceof Int32Array;
      for (let i = 0; i < arr.length; i++) arr[i] = integer ? Math.floor(range(lo, hi)) : range(lo, hi);
      return arr;
    },
  };
}
