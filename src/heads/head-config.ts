// What a task head predicts. Sequence heads read the pooled [CLS] output (as adapter-bert's classifier
// does); the tagging head reads every token of the last hidden state.
import { ConfigError } from "../errors.js";

export type HeadKind = "classification" | "multilabel" | "regression" | "tagging";

export interface HeadConfig {
  readonly kind: HeadKind;
  readonly labels: readonly string[]; // id -> label; one entry ("score") for regression
  readonly dropout: number; // 0.1 before the classifier, as BERT's run_classifier
}

export function headConfig(kind: HeadKind, labels: readonly string[], dropout = 0.1): HeadConfig {
  if (kind === "regression" && labels.length !== 1) throw new ConfigError(`head: expected one output for regression, got ${labels.length} labels`);
  if (kind !== "regression" && labels.length < 2 && kind !== "multilabel") {
    throw new ConfigError(`head: expected at least 2 labels for ${kind}, got ${labels.length}`);
  }
  if (new Set(labels).size !== labels.length) throw new ConfigError(`head: expected distinct labels, got ${labels.join(", ")}`);
  if (!(dropout >= 0 && dropout < 1)) throw new ConfigError(`head: expected dropout in [0,1), got ${dropout}`);
  return Object.freeze({ kind, labels: [...labels], dropout });
}
