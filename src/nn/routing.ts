// Per-row routing for mixed batches: which rows of a batch run which insertions (an adapter), or none (the plain
// base). The frozen work runs once over all rows; at each routed step the rows of one group are cut out, run
// through that group's own modules, and put back in row order (the per-row routing of PetS and Punica).
// A batch whose rows all share one route takes no cut at all, so it computes exactly what a plain forward does.
import { concat, gatherRows, reshape, slice, type Tensor } from "../autograd/index.js";
import { ShapeError } from "../errors.js";
import type { Insertions } from "./insertion.js";

export interface RouteGroup<R extends Insertions = Insertions> {
  readonly insertions: R | null;
  readonly rows: Int32Array; // ascending row indices into the batch
}

export class Routing<R extends Insertions = Insertions> {
  private constructor(readonly batchSize: number, readonly groups: readonly RouteGroup<R>[]) {}

  /** Every row runs the same insertions (null: the plain base). */
  static uniform<R extends Insertions>(batchSize: number, insertions: R | null): Routing<R> {
    return new Routing(batchSize, [{ insertions, rows: Int32Array.from({ length: batchSize }, (_, b) => b) }]);
  }

  /** routes[b]: what row b runs; rows with the same object form one group, in order of first appearance. */
  static perRow<R extends Insertions>(routes: readonly (R | null)[]): Routing<R> {
    const byRoute = new Map<R | null, number[]>();
    routes.forEach((route, b) => {
      const rows = byRoute.get(route) ?? [];
      rows.push(b);
      byRoute.set(route, rows);
    });
    return new Routing(routes.length, [...byRoute].map(([insertions, rows]) => ({ insertions, rows: Int32Array.from(rows) })));
  }

  /**
   * xs: tensors (B,...) sharing the batch axis -> fn applied to each group's rows of every x, with the
   * results (rows,...) merged back into batch order (B,...).
   */
  map(xs: readonly Tensor[], fn: (insertions: R | null, parts: Tensor[]) => Tensor): Tensor {
    for (const x of xs) {
      if (x.shape[0] !== this.batchSize) throw new ShapeError(`routing: expected tensors with batch ${this.batchSize}, got ${x.shape[0]}`);
    }
    if (this.groups.length === 1) return fn(this.groups[0].insertions, [...xs]);
    const outs = this.groups.map((g) => fn(g.insertions, xs.map((x) => rowsOf(x, g.rows))));
    return this.mergeRows(outs);
  }

  /** Per-group results (rows,...) in group order -> (B,...) in batch order. */
  mergeRows(parts: readonly Tensor[]): Tensor {
    const merged = parts.length === 1 ? parts[0] : concat(parts, 0);
    const order = this.groups.flatMap((g) => [...g.rows]); // merged row i is batch row order[i]
    if (order.every((b, i) => b === i)) return merged;
    const inverse = new Int32Array(this.batchSize);
    order.forEach((b, i) => { inverse[b] = i; });
    return rowsOf(merged, inverse);
  }
}

/** x (B,...) -> (rows.length,...): a slice when the rows are consecutive, a row gather otherwise. */
export function rowsOf(x: Tensor, rows: Int32Array): Tensor {
  const n = rows.length;
  if (n > 0 && rows.every((r, i) => r === rows[0] + i)) return slice(x, 0, rows[0], rows[0] + n);
  const [B, ...rest] = x.shape;
  const inner = x.size / B;
  return reshape(gatherRows(reshape(x, [B, inner]), rows), [n, ...rest]);
}

/** mask (B·T) -> the rows' (rows.length·T), for a group's attention mask. */
export function maskRows(mask: ArrayLike<number>, rows: Int32Array, T: number): Int32Array {
  const out = new Int32Array(rows.length * T);
  rows.forEach((b, j) => { for (let t = 0; t < T; t++) out[j * T + t] = mask[b * T + t]; });
  return out;
}
