// Engines and random tensors for tests. Randomness comes from the seeded Rng, never Math.random.
import { Engine, type Tensor } from "../../src/autograd/index.js";
import type { Shape } from "../../src/dtype.js";
import { refBackend } from "../../src/kernels/ref/index.js";
import { Rng } from "../../src/rng.js";

/** A float64 engine on the reference kernels, for finite-difference gradient checks. */
export function float64Engine(): Engine {
  return new Engine({ backend: refBackend, precision: "float64" });
}

export function randomTensor(e: Engine, rng: Rng, shape: Shape, requiresGrad = true, spread = 1): Tensor {
  const t = e.zeros(shape, { requiresGrad });
  for (let i = 0; i < t.size; i++) t.data[i] = (rng.uniform() * 2 - 1) * spread;
  return t;
}

export { Rng };
