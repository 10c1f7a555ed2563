// Adam with decoupled weight decay, in the two forms users meet:
//   "bert":  google-research/bert's AdamWeightDecayOptimizer (what adapter-bert trains with):
//            m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²;  update = m / (√v + ε)  — NO bias correction —
//            update += decay·θ (not for LayerNorm or bias);  θ -= lr·update.   β1 0.9, β2 0.999, ε 1e-6.
//   "torch": torch.optim.AdamW: bias-corrected m̂ = m/(1-β1^t), v̂ = v/(1-β2^t);
//            θ -= lr·decay·θ, then θ -= lr·m̂/(√v̂ + ε).
import type { Tensor } from "../../autograd/index.js";
import { ConfigError } from "../../errors.js";

export type AdamVariant = "bert" | "torch";

export interface AdamOptions {
  variant: AdamVariant;
  beta1?: number; // 0.9
  beta2?: number; // 0.999
  eps?: number; // 1e-6 as BERT (torch's own default is 1e-8)
  weightDecay?: number; // 0.01; decoupled, skipped for LayerNorm weights and biases
  /** Each parameter's learning-rate multiplier by name (layer-wise decay); 1 for all when absent. */
  lrScale?: (name: string) => number;
}

/** LayerNorm parameters and biases get no weight decay (BERT's exclude_from_weight_decay). */
export function decays(name: string): boolean {
  return !/(^|\.)norm\.(weight|bias)$/.test(name) && !/(^|\.)bias$/.test(name) && !/LayerNorm|layer_norm/.test(name);
}

export interface AdamState {
  step: number;
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
}

export class Adam {
  readonly variant: AdamVariant;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly lrScales: number[];
  private state: AdamState;

  constructor(private readonly params: readonly (readonly [string, Tensor])[], options: AdamOptions) {
    this.variant = options.variant;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-6;
    this.weightDecay = options.weightDecay ?? 0.01;
    if (!(this.beta1 >= 0 && this.beta1 < 1 && this.beta2 >= 0 && this.beta2 < 1 && this.eps > 0 && this.weightDecay >= 0)) {
      throw new ConfigError(`adam: expected 0 <= betas < 1, eps > 0, weightDecay >= 0, got ${this.beta1}, ${this.beta2}, ${this.eps}, ${this.weightDecay}`);
    }
    this.lrScales = params.map(([name]) => options.lrScale?.(name) ?? 1);
    this.state = { step: 0, m: {}, v: {} };
    for (const [name, t] of params) {
      this.state.m[name] = new Float32Array(t.size);
      this.state.v[name] = new Float32Array(t.size);
    }
  }

  /** One update with learning rate lr from the parameters' current gradients (missing gradient = zero). */
  step(lr: number): void {
    this.state.step++;
    for (const [i, [name, p]] of this.params.entries()) {
      const decay = decays(name) ? this.weightDecay : 0;
      p.engine.backend.adamStep(p.data, this.state.m[name], this.state.v[name], p.grad, p.size, lr * this.lrScales[i],
        this.beta1, this.beta2, this.eps, decay, this.state.step, this.variant === "torch");
    }
  }

  get stepCount(): number {
    return this.state.step;
  }

  /** The moments and step count, for checkpoints (copies). */
  getState(): AdamState {
    const copy = (r: Record<string, Float32Array>): Record<string, Float32Array> =>
      Object.fromEntries(Object.entries(r).map(([k, a]) => [k, Float32Array.from(a)]));
    return { step: this.state.step, m: copy(this.state.m), v: copy(this.state.v) };
  }

  setState(state: AdamState): void {
    for (const [name, p] of this.params) {
      const m = state.m[name];
      const v = state.v[name];
      if (!m || !v || m.length !== p.size || v.length !== p.size) {
        throw new ConfigError(`adam: expected saved moments for "${name}" of ${p.size} values, got ${m?.length ?? "none"}`);
      }
    }
    const copy = (r: Record<string, Float32Array>): Record<string, Float32Array> =>
      Object.fromEntries(this.params.map(([name]) => [name, Float32Array.from(r[name])]));
    this.state = { step: state.step, m: copy(state.m), v: copy(state.v) };
  }
}
