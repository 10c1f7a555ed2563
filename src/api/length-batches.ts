// How predict cuts its rows into forwards.
/**
 * Rows sorted by length, cut so that rows x longest row stays within the budget, and cut earlier where the
 * next row would pad the batch by more than 15%, once it holds 256 real tokens: a batch pays for its longest
 * row on every row, and past a few hundred tokens a longer GEMM gains less than padding costs.
 */
export function lengthBatches<T extends { row: { ids: Int32Array } }>(rows: readonly T[], budget: number): T[][] {
  const sorted = [...rows].sort((a, b) => a.row.ids.length - b.row.ids.length);
  const batches: T[][] = [];
  let current: T[] = [];
  let real = 0;
  for (const r of sorted) {
    const len = r.row.ids.length;
    const padded = (current.length + 1) * len;
    if (current.length > 0 && (padded > budget || (real >= 256 && padded > 1.15 * (real + len)))) {
      batches.push(current);
      current = [];
      real = 0;
    }
    current.push(r);
    real += len;
  }
  if (current.length) batches.push(current);
  return batches;
}
