// Task heads in AdapterHub's layout (head_config.json + model_head.safetensors). AdapterHub's one-layer
// heads are Sequential(Dropout, Linear), so the classifier is `heads.<name>.1.{weight,bias}`; its default
// two-layer head, Sequential(Dropout, Linear, Tanh, Dropout, Linear) over the first token, keeps the dense at
// `.1` and the classifier at `.4` (pooling "cls"). One-layer heads here read the
// pooled output, hence use_pooler = true (false for a mean-pooling head, whose pooling AdapterHub does not
// have: adapterkit.pooling says so). Regression is a one-label classification head (MSE), as in HF.
import { FormatError } from "../errors.js";
import { headConfig, type HeadConfig, type HeadKind, type Pooling } from "./head-config.js";

const HEAD_TYPES: Record<HeadKind, string> = {
  classification: "classification", regression: "classification", multilabel: "multilabel_classification", tagging: "tagging",
};

// Sequential indices: one layer [Dropout, Linear]; two layers [Dropout, Linear, Tanh, Dropout, Linear].
const HUB_INDEX: Record<1 | 2, Record<string, number>> = { 1: { classifier: 1 }, 2: { dense: 1, classifier: 4 } };

export function toHubHeadName(head: string, name: string, layers: 1 | 2 = 1): string {
  const m = /^(dense|classifier)\.(weight|bias)$/.exec(name);
  const index = m ? HUB_INDEX[layers][m[1]] : undefined;
  if (!m || index === undefined) throw new FormatError(`head: unknown head parameter "${name}"`);
  return `heads.${head}.${index}.${m[2]}`;
}

export function fromHubHeadName(head: string, key: string, layers: 1 | 2 = 1): string | null {
  const m = /^heads\.(.+)\.(\d+)\.(weight|bias)$/.exec(key);
  if (!m || m[1] !== head) return null;
  const found = Object.entries(HUB_INDEX[layers]).find(([, i]) => i === Number(m[2]));
  return found ? `${found[0]}.${m[3]}` : null;
}

/** AdapterHub's layer count for a head config: 2 for the dense + tanh head over the first token. */
export function hubLayers(config: HeadConfig): 1 | 2 {
  return config.kind !== "tagging" && config.pooling === "cls" ? 2 : 1;
}

export function headHubConfig(config: HeadConfig, meta: { name: string; modelType: string; hiddenSize: number }): Record<string, unknown> {
  return {
    config: {
      head_type: HEAD_TYPES[config.kind],
      num_labels: config.labels.length,
      layers: hubLayers(config),
      activation_function: hubLayers(config) === 2 ? "tanh" : null,
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
  const layers = inner.layers ?? 1;
  if (layers !== 1 && layers !== 2) throw new FormatError(`${source}: unsupported head with layers = ${JSON.stringify(inner.layers)}; AdapterKit heads have one layer, or two (dense + tanh over the first token)`);
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
  if (layers === 2 && (inner.use_pooler === true || (inner.activation_function ?? "tanh") !== "tanh" || kind === "tagging")) {
    throw new FormatError(`${source}: unsupported two-layer head (use_pooler ${JSON.stringify(inner.use_pooler)}, activation_function ${JSON.stringify(inner.activation_function)}, ${kind}); AdapterKit computes AdapterHub's default: tanh over the first token, use_pooler false, sequence heads`);
  }
  const pooling = (ak.pooling ?? (layers === 2 ? "cls" : "pooler")) as Pooling;
  if (ak.text_pair !== undefined && typeof ak.text_pair !== "boolean") throw new FormatError(`${source}: expected adapterkit.text_pair to be true or false, got ${JSON.stringify(ak.text_pair)}`);
  return { config: headConfig(kind, labels, dropout, pooling, typeof ak.text_pair === "boolean" ? ak.text_pair : null), name: String(top.name ?? "head") };
}
