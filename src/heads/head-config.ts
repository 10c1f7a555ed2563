// What a task head predicts and what it reads. Sequence heads read the pooled [CLS] output, as adapter-bert's
// classifier does; or (pooling "mean") the mean of the last hidden states over the real tokens, for a base
// whose [CLS] state says little about the sentence; or (pooling "cls") the first token through the head's own
// dense + tanh layer, AdapterHub's default classification head (layers: 2), for a base without a pooler. The
// tagging head reads every token of the last hidden state. Any head may have AdapterHub's other shapes: more
// layers (hidden -> hidden, each with its activation), another activation, no classifier bias.
import { ConfigError } from "../errors.js";
import { NAMED_ACTIVATIONS, type NamedActivation } from "../nn/index.js";

export type HeadKind = "classification" | "multilabel" | "regression" | "tagging";
export type Pooling = "pooler" | "mean" | "cls";
export const POOLINGS: readonly Pooling[] = ["pooler", "mean", "cls"];

export interface HeadConfig {
  readonly kind: HeadKind;
  readonly labels: readonly string[]; // id -> label; one entry ("score") for regression
  readonly dropout: number; // 0.1 before the classifier, as BERT's run_classifier
  readonly pooling: Pooling; // sequence heads only
  /** Whether the head was trained on text pairs (true), single texts (false), or unknown (null: older files). */
  readonly textPair: boolean | null;
  readonly layers: number; // Linear layers: layers - 1 hidden (H -> H, then activation) and the classifier
  readonly activation: NamedActivation | null; // after each hidden layer (AdapterHub's activation_function)
  readonly bias: boolean; // the classifier's
}

/** A head's layer shape; the default is one Linear, or AdapterHub's dense + tanh for pooling "cls". */
export interface HeadShape {
  readonly layers?: number;
  readonly activation?: NamedActivation | null;
  readonly bias?: boolean;
}

export function headConfig(kind: HeadKind, labels: readonly string[], dropout = 0.1, pooling: Pooling = "pooler", textPair: boolean | null = null, shape: HeadShape = {}): HeadConfig {
  if (kind === "regression" && labels.length !== 1) throw new ConfigError(`head: expected one output for regression, got ${labels.length} labels`);
  if (kind !== "regression" && labels.length < 2 && kind !== "multilabel") {
    throw new ConfigError(`head: expected at least 2 labels for ${kind}, got ${labels.length}`);
  }
  if (new Set(labels).size !== labels.length) throw new ConfigError(`head: expected distinct labels, got ${labels.join(", ")}`);
  if (!(dropout >= 0 && dropout < 1)) throw new ConfigError(`head: expected dropout in [0,1), got ${dropout}`);
  if (!POOLINGS.includes(pooling)) throw new ConfigError(`head: expected pooling ${POOLINGS.join(" or ")}, got ${JSON.stringify(pooling)}`);
  const layers = shape.layers ?? (kind !== "tagging" && pooling === "cls" ? 2 : 1);
  if (!(Number.isInteger(layers) && layers >= 1)) throw new ConfigError(`head: expected a positive whole number of layers, got ${layers}`);
  const activation = shape.activation === undefined ? "tanh" : shape.activation;
  if (activation !== null && !NAMED_ACTIVATIONS.includes(activation)) throw new ConfigError(`head: unknown activation ${JSON.stringify(activation)}; expected one of ${NAMED_ACTIVATIONS.join(", ")}`);
  return Object.freeze({ kind, labels: [...labels], dropout, pooling, textPair, layers, activation, bias: shape.bias ?? true });
}
