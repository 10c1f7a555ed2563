// concat along an axis, and slice [start, end) along an axis: both are strided row copies, and each one's
// backward is the other's copy with accumulation.
import { formatShape, shapeSize } from "../../dtype.js";
import { ShapeError } from "../../errors.js";
import type { Tensor } from "../tensor.js";

function normaliseAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!(a >= 0 && a < rank)) throw new ShapeError(`${op}: expected axis in [${-rank},${rank}), got ${axis}`);
  return a;
}

export function concat(parts: readonly Tensor[], axis: number): Tensor {
  if (parts.length === 0) throw new ShapeError("concat: expected at least one tensor, got none");
  const first = parts[0];
  const ax = normaliseAxis("concat", axis, first.rank);
  for (const t of parts) {
    const same = t.rank === first.rank && t.shape.every((d, i) => i === ax || d === first.shape[i]);
    if (!same) {
      throw new ShapeError(`concat: expected shapes equal except on axis ${ax}, got ${parts.map((p) => formatShape(p.shape)).join(" and ")}`);
    }
  }
  const outer = shapeSize(first.shape.slice(0, ax));
  const inner = shapeSize(first.shape.slice(ax + 1));
  const total = parts.reduce((n, t) => n + t.shape[ax], 0);
  const shape = first.shape.map((d, i) => (i === ax ? total : d));
  const e = first.engine;
  const out = e.output(shape);
  const outStride = total * inner;
  let offset = 0;
  const offsets: number[] = [];
  for (const t of parts) {
    const width = t.shape[ax] * inner;
    e.backend.copyRows(out.data, t.data, outer, width, outStride, offset, width, 0, false);
    offsets.push(offset);
    offset += width;
  }
  e.record("concat", out, parts, (dOut) => {
    parts.forEach((t, i) => {
      const dT = e.gradOf(t);
      const width = t.shape[ax] * inner;
      if (dT) e.backend.copyRows(dT, dOut, outer, width, width, 0, outStride, offsets[i], true);
    });
  });
  return out;
}

export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const ax = normaliseAxis("slice", axis, x.rank);
  const L = x.shape[ax];
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= L)) {
    throw new ShapeError(`slice: expected 0 <= start <= end <= ${L} on axis ${ax} of ${formatShape(x.shape)}, got [${start}, ${end})`);
  }
  const outer = shapeSize(x.shape.slice(0, ax));
  const inner = shapeSize(x.shape.slice(ax + 1));
  const width = (end - start) * inner;
  const srcStride = L * inner;
  const e = x.engine;
  const out = e.output(x.shape.map((d, i) => (i === ax ? end - start : d)));
  e.backend.copyRows(out.data, x.data, outer, width, width, 0, srcStride, start * inner, false);
  e.record("slice", out, [x], (dOut) => {
    const dX = e.gradOf(x);
    if (dX) e.backend.copyRows(dX, dOut, outer, width, srcStride, start * inner, width, 0, true);
  });
  return out;
}
