// One typed, frozen config for a K-Adapter knowledge adapter (Wang et al. 2021, microsoft/K-Adapter), and its
// kadapter_config.json form. Defaults are the reference scripts' values (fac-adapter.py / lin-adapter.py
// AdapterConfig and run_pretrain_*.sh), except maskPadding, which the reference does not have.
import { ConfigError, FormatError } from "../errors.js";
import { hfActivation, hfActivationName, type HiddenActivation } from "../models/index.js";

export interface KnowledgeAdapterConfig {
  readonly plmHidden: number; // d_plm: the frozen PLM's hidden size (1024 for RoBERTa-large)
  readonly plmLayers: number; // the PLM's layer count L; plug-in points index its L+1 hidden states
  readonly adapterHidden: number; // d_a; 768 in every reference script (argparse default 128, a comment says 64)
  readonly numHeads: number; // 12; d_a / numHeads is the head size
  readonly intermediateSize: number; // 3072; FFN inner size of the adapter's transformer layers
  readonly transformerLayers: number; // N = 2 transformer layers per adapter layer
  // Hidden-state indices the adapter layers read: 0 is the embedding output, i is layer i's output.
  // Default defaultPluginLayers(plmLayers): {0, 11, 23} for 24 layers, {0, 5, 11} for 12.
  readonly pluginLayers: readonly number[];
  // k: after every k-th adapter layer the reference adds an earlier layer's output (see knowledge-adapter.ts);
  // 0 = off, as every reference script sets it. 1 is rejected: the reference indexes past its list there.
  readonly skipLayers: number;
  readonly layerNormEps: number; // 1e-5 (RoBERTa's)
  readonly dropout: number; // 0.1; hidden and attention-probability dropout inside the adapter
  readonly initRange: number; // 0.0002; std of the plain normal for down_project and up_project (biases zero)
  readonly activation: HiddenActivation; // FFN activation: the exact erf GELU (the reference's "gelu")
  // Mask padding inside the adapter's attention. The reference passes an all-ones mask (pads are attended to);
  // false reproduces that. true (default) masks them, so a padded batch gives the same outputs as unpadded.
  readonly maskPadding: boolean;
}

/** Everything but the PLM's shape has a default. */
export type KnowledgeAdapterOptions = Pick<KnowledgeAdapterConfig, "plmHidden" | "plmLayers">
  & Partial<Omit<KnowledgeAdapterConfig, "plmHidden" | "plmLayers">>;

const DEFAULTS = {
  adapterHidden: 768,
  numHeads: 12,
  intermediateSize: 3072,
  transformerLayers: 2,
  skipLayers: 0,
  layerNormEps: 1e-5,
  dropout: 0.1,
  initRange: 0.0002,
  activation: { kind: "gelu", approximation: "erf" },
  maskPadding: true,
} as const satisfies Partial<KnowledgeAdapterConfig>;

/**
 * The paper's plug-in points generalised to L layers: the embedding output, the middle layer and the
 * second-to-last layer, [0, ceil(L/2) - 1, L - 1] without repeats. L = 24 gives the paper's {0, 11, 23} and
 * L = 12 the {0, 5, 11} DESIGN.md asks for base models (some reference scripts use {0, 11, 22} instead).
 */
export function defaultPluginLayers(plmLayers: number): number[] {
  if (!Number.isInteger(plmLayers) || plmLayers < 1) throw new ConfigError(`K-Adapter: expected a positive integer PLM layer count, got ${plmLayers}`);
  return [...new Set([0, Math.ceil(plmLayers / 2) - 1, plmLayers - 1])];
}

// Field -> its kadapter_config.json key (the reference's argparse names where it has one).
const JSON_KEYS: Record<keyof KnowledgeAdapterConfig, string> = {
  plmHidden: "plm_hidden_size",
  plmLayers: "plm_num_layers",
  adapterHidden: "adapter_size",
  numHeads: "num_attention_heads",
  intermediateSize: "intermediate_size",
  transformerLayers: "adapter_transformer_layers",
  pluginLayers: "adapter_list",
  skipLayers: "adapter_skip_layers",
  layerNormEps: "layer_norm_eps",
  dropout: "dropout",
  initRange: "adapter_initializer_range",
  activation: "hidden_act",
  maskPadding: "mask_padding",
};

type FieldName = (field: keyof KnowledgeAdapterConfig) => string;
/** Values as given (options or JSON), checked by `validated`; the activation is parsed before. */
type Unchecked = { readonly [K in Exclude<keyof KnowledgeAdapterConfig, "activation">]: unknown } & { readonly activation: HiddenActivation };

function validated(raw: Unchecked, source: string, nameOf: FieldName): KnowledgeAdapterConfig {
  const fail = (field: keyof KnowledgeAdapterConfig, what: string): never => {
    throw new ConfigError(`${source}: expected ${what} for ${nameOf(field)}, got ${JSON.stringify(raw[field])}`);
  };
  const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
  const positiveInt = (field: Exclude<keyof KnowledgeAdapterConfig, "activation">): number => {
    const v = raw[field];
    return isInt(v) && v >= 1 ? v : fail(field, "a positive integer");
  };
  const number = (field: "layerNormEps" | "dropout" | "initRange", what: string, ok: (v: number) => boolean): number => {
    const v = raw[field];
    return typeof v === "number" && Number.isFinite(v) && ok(v) ? v : fail(field, what);
  };

  const plmLayers = positiveInt("plmLayers");
  const adapterHidden = positiveInt("adapterHidden");
  const numHeads = positiveInt("numHeads");
  if (adapterHidden % numHeads !== 0) fail("numHeads", `a divisor of ${nameOf("adapterHidden")} = ${adapterHidden}`);
  const plugins = raw.pluginLayers;
  const pluginLayers = Array.isArray(plugins) && plugins.length > 0 && plugins.every((p: unknown) => isInt(p) && p >= 0 && p <= plmLayers)
    ? Object.freeze(plugins.map(Number))
    : fail("pluginLayers", `a non-empty list of hidden-state indices in [0,${plmLayers}] (0 = embedding output, i = layer i's output)`);
  const skip = raw.skipLayers;
  const skipLayers = isInt(skip) && (skip === 0 || skip >= 2) ? skip : fail("skipLayers", "0 (off) or an integer >= 2");
  const maskPadding = typeof raw.maskPadding === "boolean" ? raw.maskPadding : fail("maskPadding", "true or false");
  return Object.freeze({
    plmHidden: positiveInt("plmHidden"),
    plmLayers,
    adapterHidden,
    numHeads,
    intermediateSize: positiveInt("intermediateSize"),
    transformerLayers: positiveInt("transformerLayers"),
    pluginLayers,
    skipLayers,
    layerNormEps: number("layerNormEps", "a number > 0", (v) => v > 0),
    dropout: number("dropout", "a probability in [0,1)", (v) => v >= 0 && v < 1),
    initRange: number("initRange", "a number > 0", (v) => v > 0),
    activation: raw.activation,
    maskPadding,
  });
}

/** A config from options (defaults filled in), validated; errors name the option. */
export function knowledgeAdapterConfig(options: KnowledgeAdapterOptions, source = "K-Adapter config"): KnowledgeAdapterConfig {
  const pluginLayers = options.pluginLayers ?? (Number.isInteger(options.plmLayers) && options.plmLayers >= 1 ? defaultPluginLayers(options.plmLayers) : []);
  return validated({ ...DEFAULTS, ...options, pluginLayers }, source, (field) => field);
}

export const KADAPTER_FORMAT = "adapterkit-kadapter";
export const KADAPTER_FORMAT_VERSION = 1;

/** The kadapter_config.json object: every field in snake_case, plus the format and its version. */
export function toKAdapterJson(config: KnowledgeAdapterConfig): Record<string, unknown> {
  const json: Record<string, unknown> = { format: KADAPTER_FORMAT, format_version: KADAPTER_FORMAT_VERSION };
  for (const field of Object.keys(JSON_KEYS) as (keyof KnowledgeAdapterConfig)[]) {
    const value = config[field];
    json[JSON_KEYS[field]] = field === "activation" ? hfActivationName(config.activation) : Array.isArray(value) ? [...value] : value;
  }
  return json;
}

/** Reads kadapter_config.json (already parsed); every field is required. Errors name the file and the key. */
export function fromKAdapterJson(json: unknown, source = "kadapter_config.json"): KnowledgeAdapterConfig {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new FormatError(`${source}: expected a JSON object, got ${JSON.stringify(json)}`);
  const obj = json as Record<string, unknown>;
  if (obj.format !== KADAPTER_FORMAT) throw new FormatError(`${source}: expected "format": "${KADAPTER_FORMAT}", got ${JSON.stringify(obj.format)}`);
  if (obj.format_version !== KADAPTER_FORMAT_VERSION) {
    throw new FormatError(`${source}: expected "format_version": ${KADAPTER_FORMAT_VERSION}, got ${JSON.stringify(obj.format_version)}`);
  }
  const missing = Object.values(JSON_KEYS).filter((key) => !(key in obj));
  if (missing.length) throw new FormatError(`${source}: expected every K-Adapter config key, got none for ${missing.map((k) => `"${k}"`).join(", ")}`);
  const config: Unchecked = {
    plmHidden: obj[JSON_KEYS.plmHidden],
    plmLayers: obj[JSON_KEYS.plmLayers],
    adapterHidden: obj[JSON_KEYS.adapterHidden],
    numHeads: obj[JSON_KEYS.numHeads],
    intermediateSize: obj[JSON_KEYS.intermediateSize],
    transformerLayers: obj[JSON_KEYS.transformerLayers],
    pluginLayers: obj[JSON_KEYS.pluginLayers],
    skipLayers: obj[JSON_KEYS.skipLayers],
    layerNormEps: obj[JSON_KEYS.layerNormEps],
    dropout: obj[JSON_KEYS.dropout],
    initRange: obj[JSON_KEYS.initRange],
    activation: hfActivation(obj, source, JSON_KEYS.activation),
    maskPadding: obj[JSON_KEYS.maskPadding],
  };
  return validated(config, source, (field) => `"${JSON_KEYS[field]}"`);
}
