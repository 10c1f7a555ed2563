// Task heads in AdapterHub's layout (head_config.json + model_head.safetensors). AdapterHub builds a head as
// Sequential(Dropout, Linear, [activation], ..., Dropout, Linear): per hidden layer a Dropout, a Linear and,
// when activation_function is set, the activation; then a Dropout and the classifier. So its default
// classification head (layers 2, tanh, use_pooler false: over the first token) keeps the dense at `.1` and the
// classifier at `.4`, and a one-layer head the classifier at `.1`. use_pooler says whether a sequence head reads
// the pooled output or the first token; a mean-pooling head, which AdapterHub does not have, says so in
// adapterkit.pooling. Regression is a one-label classification head (MSE), as in HF.
import { FormatError } from "../errors.js";
import { ACT2FN_NAMES, fromAct2fnName, toAct2fnName } from "../nn/index.js";
import { headConfig, POOLINGS, type HeadConfig, type HeadKind, type Pooling } from "./head-config.js";

const HEAD_TYPES: Record<HeadKind, string> = {
  classification: "classification", regression: "classification", multilabel: "multilabel_classification", tagging: "tagging",
};

type HeadLayout = Pick<HeadConfig, "layers" | "activation">;

/** Sequential index of hidden layer i's Linear, or of the classifier (i = layers - 1). */
function hubIndex(layout: HeadLayout, i: number): number {
  return i * (layout.activation ? 3 : 2) + 1;
}

export function toHubHeadName(head: string, name: string, layout: HeadLayout): string {
  const m = /^(?:dense\.(\d+)|(classifier))\.(weight|bias)$/.exec(name);
  const layer = m ? (m[2] ? layout.layers - 1 : Number(m[1])) : -1;
  if (!m || layer < 0 || layer >= layout.layers) throw new FormatError(`head: unknown head parameter "${name}"`);
  return `heads.${head}.${hubIndex(layout, layer)}.${m[3]}`;
}

export function fromHubHeadName(head: string, key: string, layout: HeadLayout): string | null {
  const m = /^heads\.(.+)\.(\d+)\.(weight|bias)$/.exec(key);
  if (!m || m[1] !== head) return null;
  for (let i = 0; i < layout.layers; i++) {
    if (hubIndex(layout, i) === Number(m[2])) return `${i === layout.layers - 1 ? "classifier" : `dense.${i}`}.${m[3]}`;
  }
  return null;
}

export function headHubConfig(config: HeadConfig, meta: { name: string; modelType: string; hiddenSize: number }): Record<string, unknown> {
  return {
    config: {
      head_type: HEAD_TYPES[config.kind],
      num_labels: config.labels.length,
      layers: config.layers,
      activation_function: config.activation ? toAct2fnName(config.activation) : null,
      use_pooler: config.kind !== "tagging" && config.pooling === "pooler",
      bias: config.bias,
      dropout_prob: config.dropout,
      label2id: Object.fromEntries(config.labels.map((label, id) => [label, id])),
    },
    hidden_size: meta.hiddenSize,
    model_type: meta.modelType,
    name: meta.name,
    version: "adapters.1.1.0",
    adapterkit: { kind: config.kind, pooling: config.pooling, ...(config.textPair === null ? {} : { text_pair: config.textPair }) },
  };
}

export function parseHeadHubConfig(json: unknown, source: string): { config: HeadConfig; name: string } {
  const top = json as Record<string, unknown>;
  const inner = (top && typeof top === "object" ? top.config : undefined) as Record<string, unknown> | undefined;
  if (!inner || typeof inner !== "object") throw new FormatError(`${source}: expected an object with a "config" object`);
  const ak = (top.adapterkit ?? {}) as Record<string, unknown>;
  const numLabels = inner.num_labels;
  if (typeof numLabels !== "number") throw new FormatError(`${source}: expected a number for "num_labels", got ${JSON.stringify(numLabels)}`);
  if (!(Number.isInteger(numLabels) && numLabels >= 1)) throw new FormatError(`${source}: expected a positive integer "num_labels", got ${numLabels}`);
  const layers = inner.layers ?? 1;
  if (!(typeof layers === "number" && Number.isInteger(layers) && layers >= 1)) throw new FormatError(`${source}: expected a positive whole number for "layers", got ${JSON.stringify(inner.layers)}`);
  const rawActivation = inner.activation_function ?? null;
  const activation = rawActivation === null ? null : fromAct2fnName(rawActivation);
  if (rawActivation !== null && !activation) {
    throw new FormatError(`${source}: unsupported activation_function ${JSON.stringify(rawActivation)}; AdapterKit computes ${ACT2FN_NAMES.join(", ")}`);
  }
  const bias = inner.bias ?? true;
  if (typeof bias !== "boolean") throw new FormatError(`${source}: expected true or false for "bias", got ${JSON.stringify(inner.bias)}`);
  const typeToKind: Record<string, HeadKind> = { classification: numLabels === 1 ? "regression" : "classification", multilabel_classification: "multilabel", tagging: "tagging" };
  const kinds: readonly HeadKind[] = ["classification", "regression", "multilabel", "tagging"];
  if (ak.kind !== undefined && !kinds.includes(ak.kind as HeadKind)) throw new FormatError(`${source}: unknown head kind adapterkit.kind = ${JSON.stringify(ak.kind)}; expected one of ${kinds.join(", ")}`);
  const kind = (ak.kind ?? typeToKind[String(inner.head_type)]) as HeadKind | undefined;
  if (!kind) throw new FormatError(`${source}: unsupported head_type ${JSON.stringify(inner.head_type)}; AdapterKit computes ${Object.keys(typeToKind).join(", ")}`);
  const label2id = inner.label2id ?? {};
  if (typeof label2id !== "object" || label2id === null || Array.isArray(label2id)) throw new FormatError(`${source}: expected "label2id" to be an object, got ${JSON.stringify(label2id)}`);
  const entries = Object.entries(label2id as Record<string, unknown>);
  const labels = new Array<string>(numLabels).fill("");
  for (let i = 0; i < numLabels; i++) labels[i] = kind === "regression" ? "score" : String(i);
  if (entries.length > 0) {
    // a head whose labels disagree with its own size would predict labels it cannot name
    const ids = entries.map(([, id]) => id);
    const exact = entries.length === numLabels && ids.every((id) => Number.isInteger(id) && (id as number) >= 0 && (id as number) < numLabels) && new Set(ids).size === numLabels;
    if (!exact) throw new FormatError(`${source}: expected "label2id" to give each of the ${numLabels} labels (num_labels) a distinct id in [0,${numLabels}), got ${JSON.stringify(label2id)}`);
    for (const [label, id] of entries) labels[id as number] = label;
  }
  const dropout = typeof inner.dropout_prob === "number" ? inner.dropout_prob : 0.1;
  const usePooler = inner.use_pooler ?? false;
  if (typeof usePooler !== "boolean") throw new FormatError(`${source}: expected true or false for "use_pooler", got ${JSON.stringify(inner.use_pooler)}`);
  if (ak.pooling !== undefined && !POOLINGS.includes(ak.pooling as Pooling)) throw new FormatError(`${source}: unknown adapterkit.pooling ${JSON.stringify(ak.pooling)}; expected one of ${POOLINGS.join(", ")}`);
  const pooling = (ak.pooling ?? (usePooler ? "pooler" : "cls")) as Pooling;
  if (ak.text_pair !== undefined && typeof ak.text_pair !== "boolean") throw new FormatError(`${source}: expected adapterkit.text_pair to be true or false, got ${JSON.stringify(ak.text_pair)}`);
  const config = headConfig(kind, labels, dropout, pooling, typeof ak.text_pair === "boolean" ? ak.text_pair : null, { layers, activation, bias });
  return { config, name: String(top.name ?? "head") };
}
