// sum and mean, over every element (-> a scalar of shape []) or over one axis (keepDim optional).
import { shapeSize } from "../../dtype.js";
import { ShapeError } from "../../errors.js";
import type { Tensor } from "../tensor.js";

export interface ReduceOptions {
  /** Reduce only this axis (negative counts from the end); omitted: reduce everything. */
  axis?: number;
  keepDim?: boolean;
}

export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduce("sum", x, options, false);
}

export function mean(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduce("mean", x, options, true);
}

function reduce(op: string, x: Tensor, options: ReduceOptions, average: boolean): Tensor {
  let outer = 1;
  let L = x.size;
  let inner = 1;
  let shape: number[] = [];
  if (options.axis !== undefined) {
    const ax = options.axis < 0 ? options.axis + x.rank : options.axis;
    if (!(ax >= 0 && ax < x.rank)) throw new ShapeError(`${op}: expected axis in [${-x.rank},${x.rank}), got ${options.axis}`);
    outer = shapeSize(x.shape.slice(0, ax));
    L = x.shape[ax];
    inner = shapeSize(x.shape.slice(ax + 1));
    shape = options.keepDim ? x.shape.map((d, i) => (i === ax ? 1 : d)) : x.shape.filter((_, i) => i !== ax);
  } else if (options.keepDim) {
    shape = x.shape.map(() => 1);
  }
  const s = average ? 1 / L : 1;
  const e = x.engine;
  const out = e.output(shape);
  e.backend.sumAxisForward(out.data, x.data, outer, L, inner, s);
  e.record(op, out, [x], (dOut) => {
    const dX = e.gradOf(x);
    if (dX) e.backend.sumAxisBackward(dX, dOut, outer, L, inner, s);
  });
  return out;
}
