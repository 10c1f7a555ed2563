// Parameter initialisers. BERT and adapter-bert draw weights from a normal truncated at two standard
// deviations (tf.truncated_normal), resampling values outside.
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

export function filled(e: Engine, shape: Shape, value: number): Tensor {
  const t = e.zeros(shape, { requiresGrad: true });
  t.data.fill(value);
  return t;
}
