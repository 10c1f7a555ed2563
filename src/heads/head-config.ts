// What a task head predicts and what it reads. Sequence heads read the pooled [CLS] output, as adapter-bert's
// classifier does; or (pooling "mean") the mean of the last hidden states over the real tokens, for a base
// whose [CLS] state says little about the sentence; or (pooling "cls") the first token through the head's own
// dense + tanh layer, AdapterHub's default classification head (layers: 2), for a base without a pooler. The
// tagging head reads every token of the last hidden state.
import { ConfigError } from "../errors.js";

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
}

export function headConfig(kind: HeadKind, labels: readonly string[], dropout = 0.1, pooling: Pooling = "pooler", textPair: boolean | null = null): HeadConfig {
  if (kind === "regression" && labels.length !== 1) throw new ConfigError(`head: expected one output for regression, got ${labels.length} labels`);
  if (kind !== "regression" && labels.length < 2 && kind !== "multilabel") {
    throw new ConfigError(`head: expected at least 2 labels for ${kind}, got ${labels.length}`);
  }
  if (new Set(labels).size !== labels.length) throw new ConfigError(`head: expected distinct labels, got ${labels.join(", ")}`);
  if (!(dropout >= 0 && dropout < 1)) throw new ConfigError(`head: expected dropout in [0,1), got ${dropout}`);
  if (!POOLINGS.includes(pooling)) throw new ConfigError(`head: expected pooling ${POOLINGS.join(" or ")}, got ${JSON.stringify(pooling)}`);
  return Object.freeze({ kind, labels: [...labels], dropout, pooling, textPair });
}
