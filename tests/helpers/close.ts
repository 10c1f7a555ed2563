// Elementwise closeness for numeric arrays, with a failure message that says what differs:
// the buffer's name and length, how many elements fail, the max abs diff and the first few (got, want) pairs.
import { AssertionError } from "node:assert";

export interface CloseOptions {
  /** Relative tolerance: |got - want| <= atol + rtol * |want|. */
  rtol: number;
  /** Absolute tolerance. */
  atol: number;
  /** Names the buffer in the message, e.g. "matmul 17x3x129: out". */
  name: string;
  /** How many mismatching pairs to list (default 5). */
  show?: number;
}

export interface CloseReport {
  /** Elements that fail the rule. */
  mismatches: number;
  maxAbsDiff: number;
  /** Index of the largest |got - want|. */
  maxAt: number;
  /** The first `show` failing (index, got, want). */
  first: Array<{ index: number; got: number; want: number }>;
}

/** NaN matches NaN and an infinity matches the same infinity; anything else uses the tolerance rule. */
export function compareClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number, show = 5): CloseReport {
  const report: CloseReport = { mismatches: 0, maxAbsDiff: 0, maxAt: -1, first: [] };
  const n = Math.min(got.length, want.length);
  for (let i = 0; i < n; i++) {
    const g = got[i];
    const w = want[i];
    if (Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w))) continue;
    const diff = Math.abs(g - w);
    if (Number.isNaN(diff) || diff > report.maxAbsDiff) {
      report.maxAbsDiff = Number.isNaN(diff) ? Infinity : diff; // NaN against a number: as bad as it gets
      report.maxAt = i;
    }
    if (diff <= atol + rtol * Math.abs(w)) continue;
    report.mismatches++;
    if (report.first.length < show) report.first.push({ index: i, got: g, want: w });
  }
  return report;
}

/** Throws an AssertionError unless got and want have the same length and every element is close. */
export function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, options: CloseOptions): void {
  const { rtol, atol, name } = options;
  if (got.length !== want.length) {
    throw new AssertionError({ message: `${name}: expected length ${want.length}, got ${got.length}`, actual: got.length, expected: want.length });
  }
  const r = compareClose(got, want, rtol, atol, options.show ?? 5);
  if (r.mismatches === 0) return;
  const pairs = r.first.map((p) => `[${p.index}] got ${p.got} want ${p.want}`).join("; ");
  throw new AssertionError({
    message:
      `${name} (length ${want.length}): ${r.mismatches} element(s) differ beyond atol ${atol} + rtol ${rtol}*|want|; ` +
      `max abs diff ${r.maxAbsDiff} at [${r.maxAt}]; first (got, want): ${pairs}`,
  });
}

/** Max |got - want| over a whole tensor, and that over max |want| (a relative error of the tensor). */
export function tensorDiff(got: ArrayLike<number>, want: ArrayLike<number>): { abs: number; rel: number } {
  if (got.length !== want.length) throw new AssertionError({ message: `length ${got.length} != ${want.length}` });
  let abs = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    abs = Math.max(abs, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return { abs, rel: scale > 0 ? abs / scale : abs };
}
