// Parameter initialisers. BERT and adapter-bert draw weights from a normal truncated at two standard
// deviations (tf.truncated_normal), resampling values outside. K-Adapter's projections use a plain normal, and
// its other layers PyTorch's nn.Linear default, a uniform over ±1/√fan_in.
import type { Engine, Tensor } from "../autograd/index.js";
import type { Shape } from "../dtype.js";
import type { Rng } from "../rng.js";

export function truncatedNormal(e: Engine, shape: Shape, std: number, rng: Rng): Tensor {
  const t = e.zeros(shape, { requiresGrad: true });
  for (let i = 0; i < t.size; i++) {
    let z = rng.normal();
    while (Math.abs(z) > 2) z = rng.normal();
    t.data[i] = z * std;
  }
  return t;
}

/** N(0, std²), not truncated (torch's tensor.normal_). */
export function normal(e: Engine, shape: Shape, std: number, rng: Rng): Tensor {
  const t = e.zeros(shape, { requiresGrad: true });
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * std;
  return t;
}

/** U(-bound, bound) (torch's tensor.uniform_(-bound, bound)). */
export function uniform(e: Engine, shape: Shape, bound: number, rng: Rng): Tensor {
  const t = e.zeros(shape, { requiresGrad: true });
  for (let i = 0; i < t.size; i++) t.data[i] = (rng.uniform() * 2 - 1) * bound;
  return t;
}

export function filled(e: Engine, shape: Shape, value: number): Tensor {
  const t = e.zeros(shape, { requiresGrad: true });
  t.data.fill(value);
  return t;
}
