// Task heads in AdapterHub's layout (head_config.json + model_head.safetensors). AdapterHub's one-layer
// heads are Sequential(Dropout, Linear), so the classifier is `heads.<name>.1.{weight,bias}`; ours read the
// pooled output, hence use_pooler = true (false for a mean-pooling head, whose pooling AdapterHub does not
// have: adapterkit.pooling says so). Regression is a one-label classification head (MSE), as in HF.
import { FormatError } from "../errors.js";
import { headConfig, type HeadConfig, type HeadKind, type Pooling } from "./head-config.js";

const HEAD_TYPES: Record<HeadKind, string> = {
  classification: "classification", regression: "classification", multilabel: "multilabel_classification", tagging: "tagging",
};

export function toHubHeadName(head: string, name: string): string {
  const m = /^classifier\.(weight|bias)$/.exec(name);
  if (!m) throw new FormatError(`head: unknown head parameter "${name}"`);
  return `heads.${head}.1.${m[1]}`;
}

export function fromHubHeadName(head: string, key: string): string | null {
  const m = /^heads\.(.+)\.1\.(weight|bias)$/.exec(key);
  return m && m[1] === head ? `classifier.${m[2]}` : null;
}

export function headHubConfig(config: HeadConfig, meta: { name: string; modelType: string; hiddenSize: number }): Record<string, unknown> {
  return {
    config: {
      head_type: HEAD_TYPES[config.kind],
      num_labels: config.labels.length,
      layers: 1,
      activation_function: null,
      use_pooler: config.kind !== "tagging" && config.pooling === "pooler",
      bias: true,
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
  if (inner.layers !== undefined && inner.layers !== 1) throw new FormatError(`${source}: unsupported head with layers = ${JSON.stringify(inner.layers)}; AdapterKit heads have one layer`);
  if (!(Number.isInteger(numLabels) && numLabels >= 1)) throw new FormatError(`${source}: expected a positive integer "num_labels", got ${numLabels}`);
  const typeToKind: Record<string, HeadKind> = { classification: numLabels === 1 ? "regression" : "classification", multilabel_classification: "multilabel", tagging: "tagging" };
  const kinds: readonly HeadKind[] = ["classification", "regression", "multilabel", "tagging"];
  if (ak.kind !== undefined && !kinds.includes(ak.kind as HeadKind)) throw new FormatError(`${source}: unknown head kind adapterkit.kind = ${JSON.stringify(ak.kind)}; expected one of ${kinds.join(", ")}`);
  const kind = (ak.kind ?? typeToKind[String(inner.head_type)]) as HeadKind | undefined;
  if (!kind) throw new FormatError(`${source}: unsupported head_type ${JSON.stringify(inner.head_type)}; expected one of ${Object.keys(typeToKind).join(", ")}`);
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
  const pooling = (ak.pooling ?? "pooler") as Pooling;
  if (ak.text_pair !== undefined && typeof ak.text_pair !== "boolean") throw new FormatError(`${source}: expected adapterkit.text_pair to be true or false, got ${JSON.stringify(ak.text_pair)}`);
  return { config: headConfig(kind, labels, dropout, pooling, typeof ak.text_pair === "boolean" ? ak.text_pair : null), name: String(top.name ?? "head") };
}
