// Bottleneck adapter configurations. `houlsby` is faithful to google-research/adapter-bert (not to
// AdapterHub's "houlsby"/double_seq_bn defaults, which use swish, reduction 16 and BERT init).
import { ConfigError } from "../errors.js";

export type AdapterActivation = "gelu_tanh" | "gelu" | "relu" | "swish";

export interface BottleneckConfig {
  readonly preset: "houlsby" | "pfeiffer" | "custom";
  readonly bottleneckSize: number; // m; 64 in adapter-bert (hard-coded there)
  readonly activation: AdapterActivation; // adapter-bert: BERT's tanh GELU
  readonly initScale: number; // std of the truncated normal for both projections; 1e-3 in adapter-bert's code (paper: 1e-2)
  readonly afterAttention: boolean; // an adapter after the attention output projection
  readonly afterFfn: boolean; // an adapter after the FFN output projection
  readonly leaveOut: readonly number[]; // layer indices that get no adapter
}

export const HOULSBY: BottleneckConfig = Object.freeze({
  preset: "houlsby",
  bottleneckSize: 64,
  activation: "gelu_tanh",
  initScale: 1e-3,
  afterAttention: true,
  afterFfn: true,
  leaveOut: [],
});

// One adapter per layer after the FFN (Pfeiffer et al. 2020), ReLU as in AdapterHub's seq_bn. Unlike seq_bn it
// does not re-apply the original LayerNorm before the adapter (original_ln_before = false in its file).
export const PFEIFFER: BottleneckConfig = Object.freeze({
  preset: "pfeiffer",
  bottleneckSize: 64,
  activation: "relu",
  initScale: 1e-3,
  afterAttention: false,
  afterFfn: true,
  leaveOut: [],
});

export interface BottleneckOverrides {
  bottleneckSize?: number;
  reductionFactor?: number; // m = floor(H / reductionFactor), AdapterHub's convention
  activation?: AdapterActivation;
  initScale?: number;
  leaveOut?: readonly number[];
}

const ACTIVATIONS: readonly AdapterActivation[] = ["gelu_tanh", "gelu", "relu", "swish"];

/** A preset by name with overrides, validated against the model's hidden size H and layer count. */
export function bottleneckConfig(preset: "houlsby" | "pfeiffer", overrides: BottleneckOverrides, hiddenSize: number, numLayers: number): BottleneckConfig {
  const base = preset === "houlsby" ? HOULSBY : PFEIFFER;
  if (overrides.bottleneckSize !== undefined && overrides.reductionFactor !== undefined) {
    throw new ConfigError(`adapter: expected one of bottleneckSize and reductionFactor, got both`);
  }
  const m = overrides.reductionFactor !== undefined ? Math.floor(hiddenSize / overrides.reductionFactor) : (overrides.bottleneckSize ?? base.bottleneckSize);
  if (!Number.isInteger(m) || m < 1 || m > hiddenSize) throw new ConfigError(`adapter: expected a bottleneck size in [1,${hiddenSize}], got ${m}`);
  const activation = overrides.activation ?? base.activation;
  if (!ACTIVATIONS.includes(activation)) throw new ConfigError(`adapter: unknown activation "${activation}"; expected one of ${ACTIVATIONS.join(", ")}`);
  const initScale = overrides.initScale ?? base.initScale;
  if (!(initScale > 0)) throw new ConfigError(`adapter: expected initScale > 0, got ${initScale}`);
  const leaveOut = overrides.leaveOut ?? base.leaveOut;
  for (const layer of leaveOut) {
    if (!Number.isInteger(layer) || layer < 0 || layer >= numLayers) throw new ConfigError(`adapter: expected leaveOut layers in [0,${numLayers}), got ${layer}`);
  }
  const custom = m !== base.bottleneckSize || activation !== base.activation || initScale !== base.initScale || leaveOut.length > 0;
  return Object.freeze({ ...base, preset: custom ? "custom" : base.preset, bottleneckSize: m, activation, initScale, leaveOut: [...leaveOut] });
}
