// reshape(x, shape): a view over the same storage (data and gradient shared), so it costs nothing and needs
// no tape entry. One dim may be -1 and is inferred.
import { formatShape, type Shape } from "../../dtype.js";
import { ShapeError } from "../../errors.js";
import { Tensor } from "../tensor.js";

export function reshape(x: Tensor, shape: Shape): Tensor {
  const inferred = shape.indexOf(-1);
  let known = 1;
  shape.forEach((d, i) => { if (i !== inferred) known *= d; });
  const resolved = shape.map((d, i) => (i === inferred ? x.size / known : d));
  const valid = resolved.every((d) => Number.isInteger(d) && d >= 0) && shape.lastIndexOf(-1) === inferred;
  if (!valid || resolved.reduce((p, d) => p * d, 1) !== x.size) {
    throw new ShapeError(`reshape: expected a shape of ${x.size} elements for ${formatShape(x.shape)}, got ${formatShape(shape)}`);
  }
  return new Tensor(x.engine, resolved, x.storage, x.requiresGrad);
}
