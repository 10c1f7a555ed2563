// Gradient checking: compare the tape's gradients with central finite differences.
// The scalar checked is L = Σ out ∘ R for a fixed random R, which exercises every output element.
// Run it on a float64 engine (ref backend) so the finite differences are accurate.
import { ConfigError } from "../errors.js";
import { Rng } from "../rng.js";
import type { Tensor } from "./tensor.js";

export interface GradcheckOptions {
  eps?: number; // finite-difference step
  rtol?: number;
  atol?: number;
  seed?: number; // for R
}

export interface GradcheckMismatch {
  input: number;
  index: number;
  analytic: number;
  numeric: number;
}

export interface GradcheckResult {
  checked: number; // gradient elements compared
  maxAbsDiff: number;
  mismatches: GradcheckMismatch[]; // the first few elements outside atol + rtol·|numeric|
}

export function gradcheck(build: (inputs: readonly Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const { eps = 1e-6, rtol = 1e-5, atol = 1e-7, seed = 1234 } = options;
  const e = inputs[0].engine;
  if (e.precision !== "float64") throw new ConfigError(`gradcheck: expected a float64 engine, got ${e.precision}`);

  const first = build(inputs);
  const rng = new Rng(seed);
  const weights = Float64Array.from({ length: first.size }, () => rng.uniform() * 2 - 1);
  const objective = (out: Tensor): number => {
    let total = 0;
    for (let i = 0; i < out.size; i++) total += out.data[i] * weights[i];
    return total;
  };

  for (const t of inputs) t.zeroGrad();
  e.backward(first, weights);
  const analytic = inputs.map((t) => (t.requiresGrad && t.grad ? Float64Array.from(t.grad) : null));
  e.release();

  const result: GradcheckResult = { checked: 0, maxAbsDiff: 0, mismatches: [] };
  inputs.forEach((t, input) => {
    const grad = analytic[input];
    if (!t.requiresGrad) return;
    for (let index = 0; index < t.size; index++) {
      const saved = t.data[index];
      const at = (value: number): number => {
        t.data[index] = value;
        const lossValue = e.noGrad(() => objective(build(inputs)));
        e.release();
        return lossValue;
      };
      const numeric = (at(saved + eps) - at(saved - eps)) / (2 * eps);
      t.data[index] = saved;
      const a = grad ? grad[index] : 0; // no gradient buffer means nothing flowed: zero
      const diff = Math.abs(a - numeric);
      result.checked++;
      result.maxAbsDiff = Math.max(result.maxAbsDiff, diff);
      if (diff > atol + rtol * Math.abs(numeric) && result.mismatches.length < 5) {
        result.mismatches.push({ input, index, analytic: a, numeric });
      }
    }
  });
  return result;
}
