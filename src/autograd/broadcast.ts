// NumPy broadcasting: align shapes at the right; a dim of 1 stretches. Produces, per output dim, each
// input's element stride (0 where it is broadcast), the form the add/mul kernels take.
import { formatShape, type Shape } from "../dtype.js";
import { ShapeError } from "../errors.js";

export interface Broadcast {
  shape: number[];
  aStrides: Int32Array;
  bStrides: Int32Array;
}

export function broadcastShapes(op: string, a: Shape, b: Shape): Broadcast {
  const rank = Math.max(a.length, b.length);
  const shape: number[] = [];
  const aStrides = new Int32Array(rank);
  const bStrides = new Int32Array(rank);
  let aStride = 1;
  let bStride = 1;
  for (let d = rank - 1; d >= 0; d--) {
    const da = a[d - (rank - a.length)] ?? 1;
    const db = b[d - (rank - b.length)] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: expected broadcastable shapes, got ${formatShape(a)} and ${formatShape(b)}`);
    }
    shape[d] = Math.max(da, db);
    aStrides[d] = da === 1 ? 0 : aStride;
    bStrides[d] = db === 1 ? 0 : bStride;
    aStride *= da;
    bStride *= db;
  }
  return { shape, aStrides, bStrides };
}
