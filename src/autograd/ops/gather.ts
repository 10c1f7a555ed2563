// Row gathers: embedding lookup, and picking tokens ([CLS], entity markers) out of a sequence.
// The backward is a scatter-add, so a row picked twice gets both gradients.
import { formatShape, shapeSize, type Shape } from "../../dtype.js";
import { ShapeError } from "../../errors.js";
import type { Tensor } from "../tensor.js";
import { reshape } from "./reshape.js";

/** table (V,C), rows: indices in [0,V) -> (...indexShape, C). */
export function gatherRows(table: Tensor, rows: Int32Array, indexShape: Shape = [rows.length]): Tensor {
  if (table.rank !== 2) throw new ShapeError(`gatherRows: expected a table (V,C), got ${formatShape(table.shape)}`);
  if (shapeSize(indexShape) !== rows.length) {
    throw new ShapeError(`gatherRows: expected ${shapeSize(indexShape)} indices for index shape ${formatShape(indexShape)}, got ${rows.length}`);
  }
  const [V, C] = table.shape;
  for (let i = 0; i < rows.length; i++) {
    if (!(rows[i] >= 0 && rows[i] < V)) {
      throw new ShapeError(`gatherRows: expected indices in [0,${V}) for table ${formatShape(table.shape)}, got ${rows[i]} at position ${i}`);
    }
  }
  const e = table.engine;
  const N = rows.length;
  const out = e.output([...indexShape, C]);
  e.backend.gatherRowsForward(out.data, table.data, rows, N, C);
  e.record("gatherRows", out, [table], (dOut) => {
    const dTable = e.gradOf(table);
    if (dTable) e.backend.gatherRowsBackward(dTable, dOut, rows, N, C);
  });
  return out;
}

/** Embedding lookup: table (V,C), ids (ids.length = product of idsShape) -> (...idsShape, C). */
export function embedding(table: Tensor, ids: Int32Array, idsShape: Shape): Tensor {
  return gatherRows(table, ids, idsShape);
}

/**
 * Picks P positions from each sequence: x (B,T,C), positions (B·P) in [0,T) -> (B,P,C).
 * selectTokens(h, positions, 1) with positions all 0 gives the [CLS] vectors, as (B,1,C).
 */
export function selectTokens(x: Tensor, positions: Int32Array, P: number): Tensor {
  if (x.rank !== 3 || positions.length !== x.shape[0] * P) {
    throw new ShapeError(`selectTokens: expected x (B,T,C) and B·P = ${x.shape[0]}·${P} positions, got x ${formatShape(x.shape)} and ${positions.length} positions`);
  }
  const [B, T, C] = x.shape;
  const rows = new Int32Array(B * P);
  for (let b = 0; b < B; b++) {
    for (let p = 0; p < P; p++) {
      const t = positions[b * P + p];
      if (!(t >= 0 && t < T)) throw new ShapeError(`selectTokens: expected positions in [0,${T}), got ${t} for batch item ${b}`);
      rows[b * P + p] = b * T + t;
    }
  }
  return gatherRows(reshape(x, [B * T, C]), rows, [B, P]);
}
