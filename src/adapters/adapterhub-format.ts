// AdapterHub's on-disk layout, so adapters move between AdapterKit and PyTorch (`adapters` library):
//   adapter_config.json       {config: {...BnConfig}, hidden_size, model_type, name, version}
//   adapter.safetensors       <prefix>.encoder.layer.<i>.attention.output.adapters.<name>.adapter_down.0.weight ...
//   head_config.json          {config: {head_type, num_labels, layers: 1, use_pooler, label2id}, ...}
//   model_head.safetensors    heads.<name>.1.weight / .bias   (AdapterHub's head is Sequential(Dropout, Linear))
// AdapterKit adds, beside them, adapterkit_layernorms.safetensors: adapter-bert trains every LayerNorm, which
// AdapterHub does not save; the file uses Hugging Face base-model names and AdapterHub ignores it.
import { ConfigError, FormatError } from "../errors.js";
import type { AdapterActivation, BottleneckConfig } from "./bottleneck-config.js";

export const ADAPTER_CONFIG_FILE = "adapter_config.json";
export const ADAPTER_WEIGHTS_FILE = "adapter.safetensors";
export const HEAD_CONFIG_FILE = "head_config.json";
export const HEAD_WEIGHTS_FILE = "model_head.safetensors";
export const LAYERNORMS_FILE = "adapterkit_layernorms.safetensors";

// AdapterHub resolves non_linearity through transformers' ACT2FN: "gelu_new" is BERT's tanh GELU, "gelu" erf.
const TO_HUB_ACTIVATION: Record<AdapterActivation, string> = { gelu_tanh: "gelu_new", gelu: "gelu", relu: "relu", swish: "swish" };
const FROM_HUB_ACTIVATION: Record<string, AdapterActivation> = { gelu_new: "gelu_tanh", gelu: "gelu", relu: "relu", swish: "swish", silu: "swish" };

/** AdapterKit adapter parameter (layers.<i>.<point>.<down|up>.<weight|bias>) -> AdapterHub key. */
export function toAdapterHubName(modelType: string, adapter: string, name: string): string {
  const m = /^layers\.(\d+)\.(afterAttention|afterFfn)\.(down|up)\.(weight|bias)$/.exec(name);
  if (!m) throw new FormatError(`adapter: unknown adapter parameter "${name}"`);
  const site = m[2] === "afterAttention" ? "attention.output" : "output";
  const proj = m[3] === "down" ? "adapter_down.0" : "adapter_up";
  return `${modelType}.encoder.layer.${m[1]}.${site}.adapters.${adapter}.${proj}.${m[4]}`;
}

/** AdapterHub key -> AdapterKit adapter parameter, or null when the key is not this adapter's. */
export function fromAdapterHubName(adapter: string, key: string): string | null {
  const escaped = adapter.replace(/[-]/g, "\\-");
  const m = new RegExp(`^(?:[a-z]+\\.)?encoder\\.layer\\.(\\d+)\\.(attention\\.output|output)\\.adapters\\.${escaped}\\.(adapter_down\\.0|adapter_up)\\.(weight|bias)$`).exec(key);
  if (!m) return null;
  const point = m[2] === "output" ? "afterFfn" : "afterAttention";
  return `layers.${m[1]}.${point}.${m[3] === "adapter_up" ? "up" : "down"}.${m[4]}`;
}

/** The adapter_config.json object for a bottleneck config, with every BnConfig field AdapterHub reads. */
export function adapterHubConfig(config: BottleneckConfig, meta: { name: string; modelType: string; hiddenSize: number }): Record<string, unknown> {
  return {
    config: {
      architecture: "bottleneck",
      mh_adapter: config.afterAttention,
      output_adapter: config.afterFfn,
      reduction_factor: meta.hiddenSize / config.bottleneckSize,
      non_linearity: TO_HUB_ACTIVATION[config.activation],
      original_ln_before: false,
      original_ln_after: true,
      residual_before_ln: true,
      adapter_residual_before_ln: false,
      ln_before: false,
      ln_after: false,
      init_weights: "bert", // irrelevant once trained weights are loaded; AdapterHub knows no 1e-3 truncated init
      is_parallel: false,
      scaling: 1.0,
      use_gating: false,
      leave_out: [...config.leaveOut],
      dropout: 0.0,
      phm_layer: false,
      inv_adapter: null,
      cross_adapter: false,
    },
    hidden_size: meta.hiddenSize,
    model_type: meta.modelType,
    name: meta.name,
    version: "adapters.1.1.0",
    adapterkit: { preset: config.preset, bottleneck_size: config.bottleneckSize, init_scale: config.initScale, activation: config.activation },
  };
}

type Json = Record<string, unknown>;

/** Reads adapter_config.json into a BottleneckConfig; options that AdapterKit does not compute are errors. */
export function parseAdapterHubConfig(json: unknown, source: string): { config: BottleneckConfig; name: string; hiddenSize: number; modelType: string } {
  const top = json as Json;
  const inner = (top && typeof top === "object" ? top.config : undefined) as Json | undefined;
  if (!inner || typeof inner !== "object") throw new FormatError(`${source}: expected an object with a "config" object, got ${JSON.stringify(json)?.slice(0, 80)}`);
  const hiddenSize = top.hidden_size;
  if (typeof hiddenSize !== "number") throw new FormatError(`${source}: expected a number for "hidden_size", got ${JSON.stringify(hiddenSize)}`);
  const expected: Record<string, unknown> = {
    original_ln_before: false,
    original_ln_after: true,
    residual_before_ln: true,
    ln_before: false,
    ln_after: false,
    is_parallel: false,
    use_gating: false,
    phm_layer: false,
    inv_adapter: null,
    cross_adapter: false,
  };
  for (const [key, want] of Object.entries(expected)) {
    if (key in inner && inner[key] !== want && !(want === null && inner[key] === undefined)) {
      throw new ConfigError(
        `${source}: unsupported adapter option ${key} = ${JSON.stringify(inner[key])}; AdapterKit computes sequential bottleneck adapters with ${key} = ${JSON.stringify(want)}`,
      );
    }
  }
  if ((inner.architecture ?? "bottleneck") !== "bottleneck")
    throw new ConfigError(`${source}: unsupported architecture ${JSON.stringify(inner.architecture)}; expected "bottleneck"`);
  if ((inner.scaling ?? 1) !== 1) throw new ConfigError(`${source}: unsupported scaling ${JSON.stringify(inner.scaling)}; expected 1.0`);
  const activation = FROM_HUB_ACTIVATION[String(inner.non_linearity)];
  if (!activation) throw new ConfigError(`${source}: unknown non_linearity ${JSON.stringify(inner.non_linearity)}; expected one of ${Object.keys(FROM_HUB_ACTIVATION).join(", ")}`);
  const factor = inner.reduction_factor;
  if (typeof factor !== "number" || !(factor > 0)) throw new ConfigError(`${source}: expected a number reduction_factor, got ${JSON.stringify(factor)}`);
  const afterAttention = inner.mh_adapter === true;
  const afterFfn = inner.output_adapter === true;
  const ak = (top.adapterkit ?? {}) as Json;
  if (inner.leave_out !== undefined && !(Array.isArray(inner.leave_out) && inner.leave_out.every((l) => Number.isInteger(l) && (l as number) >= 0))) {
    throw new ConfigError(`${source}: expected leave_out to be a list of layer numbers, got ${JSON.stringify(inner.leave_out)}`);
  }
  const leaveOut = Array.isArray(inner.leave_out) ? inner.leave_out.map(Number) : [];
  if (Math.floor(hiddenSize / factor) < 1)
    throw new ConfigError(`${source}: expected a bottleneck of at least 1 (hidden_size / reduction_factor = ${hiddenSize} / ${factor}), got 0`);
  const preset = afterAttention && afterFfn ? "houlsby" : !afterAttention && afterFfn ? "pfeiffer" : "custom";
  const config: BottleneckConfig = Object.freeze({
    preset: ak.preset === "custom" ? "custom" : preset,
    bottleneckSize: Math.floor(hiddenSize / factor), // AdapterHub: int(input_size // reduction_factor)
    activation,
    initScale: typeof ak.init_scale === "number" ? ak.init_scale : 1e-3,
    afterAttention,
    afterFfn,
    leaveOut,
  });
  return { config, name: String(top.name ?? "adapter"), hiddenSize, modelType: String(top.model_type ?? "bert") };
}
