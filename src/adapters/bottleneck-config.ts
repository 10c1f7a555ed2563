// Bottleneck adapter configurations: what each adapter computes at a sublayer, in AdapterHub's vocabulary
// (BnConfig, adapters' configuration/adapter_config.py), so AdapterHub's own adapters run exactly.
//   houlsby        google-research/adapter-bert: m = 64, tanh GELU, truncated-normal init with std 1e-3, after
//                  attention and FFN. Not AdapterHub's "houlsby" alias, which is double_seq_bn below.
//   pfeiffer       adapter-bert's adapter at the Pfeiffer place only (after the FFN), ReLU; it does not re-apply
//                  the sublayer's LayerNorm before the adapter (seq_bn does).
//   seq_bn         AdapterHub's SeqBnConfig (Pfeiffer et al. 2020): original_ln_before, ReLU, reduction 16.
//   double_seq_bn  AdapterHub's DoubleSeqBnConfig (its Houlsby): swish, reduction 16, BERT init.
import { ConfigError } from "../errors.js";
import { NAMED_ACTIVATIONS, type NamedActivation } from "../nn/index.js";

export type AdapterActivation = NamedActivation;
export type AdapterPreset = "houlsby" | "pfeiffer" | "seq_bn" | "double_seq_bn";
export const ADAPTER_PRESETS: readonly AdapterPreset[] = ["houlsby", "pfeiffer", "seq_bn", "double_seq_bn"];

/** How new projections are drawn: adapter-bert's truncated normal (std initScale) or AdapterHub's init_weights. */
export type AdapterInit = "adapter-bert" | "bert" | "mam_adapter" | "houlsby";

export interface BottleneckConfig {
  readonly preset: AdapterPreset | "custom";
  readonly bottleneckSize: number; // m at every layer that layerSizes does not name
  readonly layerSizes: Readonly<Record<string, number>>; // from a per-layer reduction_factor mapping
  readonly reductionFactor: number | Readonly<Record<string, number>>; // as adapter_config.json says it
  readonly activation: AdapterActivation;
  readonly init: AdapterInit;
  readonly initScale: number; // std of adapter-bert's init: 1e-3 in its code (paper: 1e-2)
  readonly afterAttention: boolean; // mh_adapter
  readonly afterFfn: boolean; // output_adapter
  readonly leaveOut: readonly number[]; // layers that get no adapter
  // What AdapterHub's Adapter.pre_forward / forward / post_forward do around the bottleneck:
  readonly originalLnBefore: boolean; // the adapter reads LayerNorm(h + r) instead of h
  readonly originalLnAfter: boolean; // the output is LayerNorm(adapter + r); else the adapter's output as is
  readonly residualBeforeLn: boolean | "post_add"; // the adapter's residual: h, h + r (post_add), or its input
  readonly adapterResidualBeforeLn: boolean; // the residual is added before ln_after rather than after it
  readonly lnBefore: boolean; // a new LayerNorm (eps 1e-5) on the adapter's input
  readonly lnAfter: boolean; // a new LayerNorm (eps 1e-5) on its output
  readonly scaling: number | "learned" | "channel"; // up-projection scale: a constant, or a trained scalar/vector
  readonly dropout: number; // on the scaled up-projection
}

const SEQUENTIAL = {
  leaveOut: [],
  originalLnBefore: false,
  originalLnAfter: true,
  residualBeforeLn: true,
  adapterResidualBeforeLn: false,
  lnBefore: false,
  lnAfter: false,
  scaling: 1,
  dropout: 0,
  layerSizes: {},
} as const;

/** Presets before they meet a model (reduction factors become sizes in bottleneckConfig). */
const PRESETS: Record<AdapterPreset, Omit<BottleneckConfig, "bottleneckSize" | "reductionFactor"> & { size: number | { reduction: number } }> = {
  houlsby: { ...SEQUENTIAL, preset: "houlsby", size: 64, activation: "gelu_tanh", init: "adapter-bert", initScale: 1e-3, afterAttention: true, afterFfn: true },
  pfeiffer: { ...SEQUENTIAL, preset: "pfeiffer", size: 64, activation: "relu", init: "adapter-bert", initScale: 1e-3, afterAttention: false, afterFfn: true },
  seq_bn: {
    ...SEQUENTIAL,
    preset: "seq_bn",
    size: { reduction: 16 },
    activation: "relu",
    init: "bert",
    initScale: 0.02,
    afterAttention: false,
    afterFfn: true,
    originalLnBefore: true,
  },
  double_seq_bn: { ...SEQUENTIAL, preset: "double_seq_bn", size: { reduction: 16 }, activation: "swish", init: "bert", initScale: 0.02, afterAttention: true, afterFfn: true },
};

/** Python's float floor division (AdapterHub: int(hidden_size // reduction_factor)), exactly: fmod, then round. */
export function pyFloorDiv(a: number, b: number): number {
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) return 0;
  const floor = Math.floor(div);
  return div - floor > 0.5 ? floor + 1 : floor;
}

/** A reduction factor AdapterHub turns back into m for width H: H/m when that divides back exactly. */
export function reductionFactorFor(hiddenSize: number, m: number): number {
  const exact = hiddenSize / m;
  return pyFloorDiv(hiddenSize, exact) === m ? exact : hiddenSize / (m + 0.5);
}

/** m at a layer. */
export function bottleneckSizeAt(config: BottleneckConfig, layer: number): number {
  return config.layerSizes[String(layer)] ?? config.bottleneckSize;
}

export interface BottleneckOverrides {
  bottleneckSize?: number;
  reductionFactor?: number; // m = floor(H / reductionFactor), AdapterHub's convention
  activation?: AdapterActivation;
  initScale?: number; // adapter-bert's init only
  leaveOut?: readonly number[];
}

/** A preset by name with overrides, validated against the model's hidden size H and layer count. */
export function bottleneckConfig(preset: AdapterPreset, overrides: BottleneckOverrides, hiddenSize: number, numLayers: number): BottleneckConfig {
  const base = PRESETS[preset];
  if (!base) throw new ConfigError(`adapter: unknown preset ${JSON.stringify(preset)}; expected one of ${ADAPTER_PRESETS.join(", ")}`);
  if (overrides.bottleneckSize !== undefined && overrides.reductionFactor !== undefined) {
    throw new ConfigError(`adapter: expected one of bottleneckSize and reductionFactor, got both`);
  }
  const reduction = overrides.reductionFactor ?? (typeof base.size === "number" || overrides.bottleneckSize !== undefined ? undefined : base.size.reduction);
  const m = reduction !== undefined ? pyFloorDiv(hiddenSize, reduction) : (overrides.bottleneckSize ?? (base.size as number));
  if (!Number.isInteger(m) || m < 1 || m > hiddenSize) throw new ConfigError(`adapter: expected a bottleneck size in [1,${hiddenSize}], got ${m}`);
  const activation = overrides.activation ?? base.activation;
  if (!NAMED_ACTIVATIONS.includes(activation)) throw new ConfigError(`adapter: unknown activation "${activation}"; expected one of ${NAMED_ACTIVATIONS.join(", ")}`);
  if (overrides.initScale !== undefined && base.init !== "adapter-bert") {
    throw new ConfigError(`adapter: initScale applies to adapter-bert's init (houlsby, pfeiffer); ${preset} uses AdapterHub's "${base.init}" init`);
  }
  const initScale = overrides.initScale ?? base.initScale;
  if (!(initScale > 0)) throw new ConfigError(`adapter: expected initScale > 0, got ${initScale}`);
  const leaveOut = overrides.leaveOut ?? base.leaveOut;
  for (const layer of leaveOut) {
    if (!Number.isInteger(layer) || layer < 0 || layer >= numLayers) throw new ConfigError(`adapter: expected leaveOut layers in [0,${numLayers}), got ${layer}`);
  }
  const defaultSize = typeof base.size === "number" ? base.size : pyFloorDiv(hiddenSize, base.size.reduction);
  const custom = m !== defaultSize || activation !== base.activation || initScale !== base.initScale || leaveOut.length > 0;
  const { size: _size, ...rest } = base;
  return Object.freeze({
    ...rest,
    preset: custom ? "custom" : preset,
    bottleneckSize: m,
    reductionFactor: reduction ?? reductionFactorFor(hiddenSize, m),
    activation,
    initScale,
    leaveOut: [...leaveOut],
  });
}
