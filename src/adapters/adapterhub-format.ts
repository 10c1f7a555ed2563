// AdapterHub's on-disk layout, so adapters move between AdapterKit and PyTorch (`adapters` library):
//   adapter_config.json       {config: {...BnConfig}, hidden_size, model_type, name, version}
//   adapter.safetensors       <prefix>.encoder.layer.<i>.attention.output.adapters.<name>.adapter_down.0.weight ...
//     (or pytorch_adapter.bin, what AdapterHub's save_adapter writes by default; both are read)
//   head_config.json          {config: {head_type, num_labels, layers, activation_function, use_pooler, ...}, ...}
//   model_head.safetensors    heads.<name>.<i>.weight / .bias (or pytorch_model_head.bin)
// AdapterKit adds, beside them, adapterkit_layernorms.safetensors: adapter-bert trains every LayerNorm, which
// AdapterHub does not save; the file uses Hugging Face base-model names and AdapterHub ignores it.
import { ConfigError, FormatError } from "../errors.js";
import { ACT2FN_NAMES, fromAct2fnName, toAct2fnName } from "../nn/index.js";
import { ADAPTER_PRESETS, pyFloorDiv, type AdapterInit, type AdapterPreset, type BottleneckConfig } from "./bottleneck-config.js";

export const ADAPTER_CONFIG_FILE = "adapter_config.json";
export const ADAPTER_WEIGHTS_FILE = "adapter.safetensors";
export const ADAPTER_WEIGHTS_BIN = "pytorch_adapter.bin";
export const HEAD_CONFIG_FILE = "head_config.json";
export const HEAD_WEIGHTS_FILE = "model_head.safetensors";
export const HEAD_WEIGHTS_BIN = "pytorch_model_head.bin";
export const LAYERNORMS_FILE = "adapterkit_layernorms.safetensors";

// AdapterKit parameter -> AdapterHub module path inside adapters.<name>. With ln_before, AdapterHub's
// adapter_down is Sequential(LayerNorm, Linear, act), so its Linear is adapter_down.1 and the LayerNorm is in
// the state dict twice: as adapter_norm_before and as adapter_down.0.
function hubPaths(part: string, lnBefore: boolean): string[] {
  switch (part) {
    case "down":
      return [lnBefore ? "adapter_down.1" : "adapter_down.0"];
    case "up":
      return ["adapter_up"];
    case "normBefore":
      return ["adapter_norm_before", "adapter_down.0"];
    case "normAfter":
      return ["adapter_norm_after"];
    default:
      return [];
  }
}

/** AdapterKit adapter parameter (layers.<i>.<point>.<part>.<weight|bias>, or .scaling) -> its AdapterHub keys. */
export function toAdapterHubNames(modelType: string, adapter: string, name: string, lnBefore = false): string[] {
  const m = /^layers\.(\d+)\.(afterAttention|afterFfn)\.(?:(down|up|normBefore|normAfter)\.(weight|bias)|(scaling))$/.exec(name);
  if (!m) throw new FormatError(`adapter: unknown adapter parameter "${name}"`);
  const site = `${modelType}.encoder.layer.${m[1]}.${m[2] === "afterAttention" ? "attention.output" : "output"}.adapters.${adapter}`;
  return m[5] ? [`${site}.scaling`] : hubPaths(m[3], lnBefore).map((path) => `${site}.${path}.${m[4]}`);
}

/** AdapterHub key -> AdapterKit adapter parameter, or null when the key is not this adapter's. */
export function fromAdapterHubName(adapter: string, key: string, lnBefore = false): string | null {
  const escaped = adapter.replace(/[.\-]/g, (c) => `\\${c}`);
  const m = new RegExp(
    `^(?:[a-z_]+\\.)?encoder\\.layer\\.(\\d+)\\.(attention\\.output|output)\\.adapters\\.${escaped}\\.(?:(adapter_down\\.[01]|adapter_up|adapter_norm_before|adapter_norm_after)\\.(weight|bias)|(scaling))$`,
  ).exec(key);
  if (!m) return null;
  const site = `layers.${m[1]}.${m[2] === "output" ? "afterFfn" : "afterAttention"}`;
  if (m[5]) return `${site}.scaling`;
  const part = (["down", "up", "normBefore", "normAfter"] as const).find((p) => hubPaths(p, lnBefore).includes(m[3]));
  return part ? `${site}.${part}.${m[4]}` : null;
}

const HUB_INIT: Record<AdapterInit, string> = { "adapter-bert": "bert", bert: "bert", mam_adapter: "mam_adapter", houlsby: "houlsby" };

/** The adapter_config.json object for a bottleneck config, with every BnConfig field AdapterHub reads. */
export function adapterHubConfig(config: BottleneckConfig, meta: { name: string; modelType: string; hiddenSize: number }): Record<string, unknown> {
  return {
    config: {
      architecture: "bottleneck",
      mh_adapter: config.afterAttention,
      output_adapter: config.afterFfn,
      reduction_factor: config.reductionFactor,
      non_linearity: toAct2fnName(config.activation),
      original_ln_before: config.originalLnBefore,
      original_ln_after: config.originalLnAfter,
      residual_before_ln: config.residualBeforeLn,
      adapter_residual_before_ln: config.adapterResidualBeforeLn,
      ln_before: config.lnBefore,
      ln_after: config.lnAfter,
      init_weights: HUB_INIT[config.init], // only how new weights are drawn; AdapterHub knows no 1e-3 truncated init
      is_parallel: false,
      scaling: config.scaling,
      use_gating: false,
      leave_out: [...config.leaveOut],
      dropout: config.dropout,
      phm_layer: false,
      inv_adapter: null,
      cross_adapter: false,
    },
    hidden_size: meta.hiddenSize,
    model_type: meta.modelType,
    name: meta.name,
    version: "adapters.1.1.0",
    adapterkit: { preset: config.preset, bottleneck_size: config.bottleneckSize, init: config.init, init_scale: config.initScale, activation: config.activation },
  };
}

type Json = Record<string, unknown>;

// BnConfig's fields and defaults (adapters' configuration/adapter_config.py); the four without a default are required.
const BN_DEFAULTS: Json = {
  original_ln_before: false,
  original_ln_after: true,
  ln_before: false,
  ln_after: false,
  init_weights: "bert",
  is_parallel: false,
  scaling: 1.0,
  use_gating: false,
  residual_before_ln: true,
  adapter_residual_before_ln: false,
  inv_adapter: null,
  inv_adapter_reduction_factor: null,
  cross_adapter: false,
  leave_out: [],
  dropout: 0.0,
  phm_layer: false,
  stochastic_depth: 0.0,
};
const REQUIRED = ["mh_adapter", "output_adapter", "reduction_factor", "non_linearity"];
// Fields that only matter with an option AdapterKit refuses (phm_layer), or never change an encoder's computation.
const INERT = [
  "architecture",
  "phm_dim",
  "factorized_phm_W",
  "shared_W_phm",
  "shared_phm_rule",
  "factorized_phm_rule",
  "phm_c_init",
  "phm_init_range",
  "learn_phm",
  "hypercomplex_nonlinearity",
  "phm_rank",
  "phm_bias",
  "init_weights_seed",
  "invertible_adapter",
];
// Options AdapterKit does not compute, with the one value it accepts. cross_adapter adds adapters to a decoder's
// cross-attention, which a BERT encoder does not have, so it is inert here either way.
const REFUSED: Json = { is_parallel: false, use_gating: false, phm_layer: false, inv_adapter: null, stochastic_depth: 0 };

// AdapterHub's preset names (ADAPTER_CONFIG_MAP) as a config may give them instead of a dict.
const HUB_PRESETS: Record<string, Json> = {
  seq_bn: { original_ln_before: true, mh_adapter: false, output_adapter: true, non_linearity: "relu", reduction_factor: 16 },
  double_seq_bn: { mh_adapter: true, output_adapter: true, non_linearity: "swish", reduction_factor: 16 },
};
HUB_PRESETS.pfeiffer = HUB_PRESETS.seq_bn;
HUB_PRESETS.houlsby = HUB_PRESETS.double_seq_bn;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Reads adapter_config.json into a BottleneckConfig, as AdapterHub's AdapterConfig.load would (BnConfig
 *  defaults for absent fields); an option AdapterKit does not compute is an error naming it and the file. */
export function parseAdapterHubConfig(json: unknown, source: string): { config: BottleneckConfig; name: string; hiddenSize: number; modelType: string } {
  const top = json as Json;
  let inner = (top && typeof top === "object" ? top.config : undefined) as Json | string | undefined;
  if (typeof inner === "string") {
    const preset = HUB_PRESETS[inner];
    if (!preset) throw new ConfigError(`${source}: unsupported adapter config ${JSON.stringify(inner)}; AdapterKit computes ${Object.keys(HUB_PRESETS).join(", ")}`);
    inner = preset;
  }
  if (!inner || typeof inner !== "object" || Array.isArray(inner))
    throw new FormatError(`${source}: expected an object with a "config" object, got ${JSON.stringify(json)?.slice(0, 80)}`);
  const hiddenSize = top.hidden_size;
  if (typeof hiddenSize !== "number") throw new FormatError(`${source}: expected a number for "hidden_size", got ${JSON.stringify(hiddenSize)}`);
  if ((inner.architecture ?? "bottleneck") !== "bottleneck") {
    throw new ConfigError(`${source}: unsupported architecture ${JSON.stringify(inner.architecture)}; AdapterKit computes bottleneck adapters`);
  }
  for (const key of Object.keys(inner)) {
    if (!(key in BN_DEFAULTS) && !REQUIRED.includes(key) && !INERT.includes(key)) throw new ConfigError(`${source}: unknown adapter option "${key}"`);
  }
  for (const key of REQUIRED) if (!(key in inner)) throw new ConfigError(`${source}: expected the adapter option "${key}", got none`);
  if (inner.invertible_adapter) throw new ConfigError(`${source}: unsupported adapter option invertible_adapter = ${JSON.stringify(inner.invertible_adapter)}; expected null`);
  const c: Json = { ...BN_DEFAULTS, ...inner };
  for (const [key, want] of Object.entries(REFUSED)) {
    if (!same(c[key], want))
      throw new ConfigError(`${source}: unsupported adapter option ${key} = ${JSON.stringify(c[key])}; AdapterKit computes ${key} = ${JSON.stringify(want)}`);
  }
  const bool = (key: string): boolean => {
    if (typeof c[key] !== "boolean") throw new ConfigError(`${source}: expected true or false for "${key}", got ${JSON.stringify(c[key])}`);
    return c[key] as boolean;
  };
  const activation = fromAct2fnName(c.non_linearity);
  if (!activation) throw new ConfigError(`${source}: unsupported non_linearity ${JSON.stringify(c.non_linearity)}; AdapterKit computes ${ACT2FN_NAMES.join(", ")}`);
  const sizeOf = (factor: unknown, where: string): number => {
    if (typeof factor !== "number" || !(factor > 0)) throw new ConfigError(`${source}: expected a positive number for ${where}, got ${JSON.stringify(factor)}`);
    return Math.max(1, pyFloorDiv(hiddenSize, factor)); // AdapterHub: int(hidden_size // factor), at least 1
  };
  const factor = c.reduction_factor;
  let bottleneckSize: number;
  const layerSizes: Record<string, number> = {};
  if (factor && typeof factor === "object" && !Array.isArray(factor)) {
    const map = factor as Json;
    if (!("default" in map)) throw new ConfigError(`${source}: expected a "default" entry in the reduction_factor mapping, got ${JSON.stringify(factor)}`);
    bottleneckSize = sizeOf(map.default, `reduction_factor.default`);
    for (const [layer, f] of Object.entries(map)) {
      if (layer === "default") continue;
      if (!/^\d+$/.test(layer)) throw new ConfigError(`${source}: expected layer numbers or "default" as reduction_factor keys, got ${JSON.stringify(layer)}`);
      layerSizes[layer] = sizeOf(f, `reduction_factor["${layer}"]`);
    }
  } else bottleneckSize = sizeOf(factor, "reduction_factor");
  const leaveOut = c.leave_out;
  if (!(Array.isArray(leaveOut) && leaveOut.every((l) => Number.isInteger(l) && (l as number) >= 0))) {
    throw new ConfigError(`${source}: expected leave_out to be a list of layer numbers, got ${JSON.stringify(leaveOut)}`);
  }
  const residualBeforeLn = c.residual_before_ln === "post_add" ? "post_add" : bool("residual_before_ln");
  const originalLnBefore = bool("original_ln_before");
  if (residualBeforeLn === "post_add" && !originalLnBefore) throw new ConfigError(`${source}: residual_before_ln "post_add" needs original_ln_before = true`);
  const scaling = c.scaling;
  if (!(typeof scaling === "number" || scaling === "learned" || scaling === "channel")) {
    throw new ConfigError(`${source}: unsupported scaling ${JSON.stringify(scaling)}; expected a number, "learned" or "channel"`);
  }
  const inits: Record<string, AdapterInit> = { bert: "bert", mam_adapter: "mam_adapter", houlsby: "houlsby" };
  const ak = (top.adapterkit ?? {}) as Json;
  const init = ak.init === "adapter-bert" ? "adapter-bert" : inits[String(c.init_weights)];
  if (!init) throw new ConfigError(`${source}: unsupported init_weights ${JSON.stringify(c.init_weights)}; expected bert, mam_adapter or houlsby`);
  const dropout = c.dropout;
  if (typeof dropout !== "number" || !(dropout >= 0 && dropout < 1)) throw new ConfigError(`${source}: expected dropout in [0,1), got ${JSON.stringify(dropout)}`);
  const fields = {
    bottleneckSize,
    layerSizes,
    reductionFactor: factor as BottleneckConfig["reductionFactor"],
    activation,
    init,
    initScale: typeof ak.init_scale === "number" ? ak.init_scale : init === "houlsby" ? 1e-2 : 0.02,
    afterAttention: bool("mh_adapter"),
    afterFfn: bool("output_adapter"),
    leaveOut: leaveOut.map(Number),
    originalLnBefore,
    originalLnAfter: bool("original_ln_after"),
    residualBeforeLn,
    adapterResidualBeforeLn: bool("adapter_residual_before_ln"),
    lnBefore: bool("ln_before"),
    lnAfter: bool("ln_after"),
    scaling,
    dropout,
  } as const;
  const config: BottleneckConfig = Object.freeze({ ...fields, preset: presetOf(fields, ak.preset, hiddenSize) });
  return { config, name: String(top.name ?? "adapter"), hiddenSize, modelType: String(top.model_type ?? "bert") };
}

/** The preset a parsed config is: what AdapterKit wrote, or an AdapterHub preset with its defaults; else custom. */
function presetOf(c: Omit<BottleneckConfig, "preset">, written: unknown, hiddenSize: number): BottleneckConfig["preset"] {
  if (written === "custom" || ADAPTER_PRESETS.includes(written as AdapterPreset)) return written as BottleneckConfig["preset"];
  const plain =
    c.leaveOut.length === 0 &&
    Object.keys(c.layerSizes).length === 0 &&
    !c.lnBefore &&
    !c.lnAfter &&
    c.scaling === 1 &&
    c.dropout === 0 &&
    c.originalLnAfter &&
    c.residualBeforeLn === true &&
    !c.adapterResidualBeforeLn &&
    c.init === "bert" &&
    c.bottleneckSize === pyFloorDiv(hiddenSize, 16);
  if (plain && c.originalLnBefore && !c.afterAttention && c.afterFfn && c.activation === "relu") return "seq_bn";
  if (plain && !c.originalLnBefore && c.afterAttention && c.afterFfn && c.activation === "swish") return "double_seq_bn";
  return "custom";
}
