// Tasks: where the examples come from, what the head predicts, and how dev predictions are scored.
//   glue   a GLUE task by name from a GLUE data folder (<dir>/<TASK>/{train,dev}.tsv)
//   file   a generic TSV/CSV/JSONL pair of files with column options
//   conll  CoNLL-2003 style token files (tagging, entity-level F1)
import {
  glueTask, labelsFromExamples, readConll, readGlue, readTextExamples, type ReadResult, type TaggedExample, type TextExample,
  type TextReadOptions,
} from "../data/index.js";
import { encodeTagged, encodeText, type EncodedExample, type TaskKind } from "../data/index.js";
import { ConfigError } from "../errors.js";
import type { Tokenizer } from "../tokenize/index.js";
import type { Prediction } from "./evaluate.js";
import type { Score } from "./loop.js";
import { accuracy, binaryF1, entityF1, looseMicroF1, matthewsCorrcoef, pearson, spearman } from "./metrics.js";

/** skipMalformed: skip (and count) malformed rows instead of stopping at the first. */
export type TaskSpec = { skipMalformed?: boolean } & (
  | { source: "glue"; name: string; dataDir: string }
  | { source: "file"; name: string; trainFile: string; devFile?: string; read: TextReadOptions; kind: Exclude<TaskKind, "tagging"> }
  | { source: "conll"; name: string; trainFile: string; devFile?: string });

export interface ResolvedTask {
  name: string;
  kind: TaskKind;
  labels: string[]; // ["score"] for regression
  primaryMetric: string;
  encode(tokenizer: Tokenizer, maxLength: number): { train: EncodedExample[]; dev: EncodedExample[] | null };
  score(predictions: readonly Prediction[], dev: readonly EncodedExample[]): Score;
  /** Skipped malformed rows, per file, when reading with skipMalformed. */
  skipped: { file: string; line: number; reason: string }[];
}

const sourceOf = (file: string, line: number): string => `${file}:${line}`;

function textInputs(result: ReadResult<TextExample>) {
  return result.examples.map((x) => ({ textA: x.textA, textB: x.textB, label: x.label, source: sourceOf(result.file, x.line) }));
}

function taggedInputs(result: ReadResult<TaggedExample>) {
  return result.examples.map((x) => ({ words: x.words, tags: x.tags, source: sourceOf(result.file, x.line) }));
}

/** Metrics per GLUE task as the GLUE benchmark reports them; the first is the one "best" is chosen by. */
const GLUE_METRICS: Record<string, string[]> = {
  CoLA: ["mcc", "accuracy"], "SST-2": ["accuracy"], MRPC: ["f1", "accuracy"], "STS-B": ["pearson", "spearman"],
  QQP: ["accuracy", "f1"], MNLI: ["accuracy"], QNLI: ["accuracy"], RTE: ["accuracy"], WNLI: ["accuracy"],
};

function classificationScore(metricNames: readonly string[], labels: readonly string[]) {
  return (predictions: readonly Prediction[], dev: readonly EncodedExample[]): Score => {
    const gold = dev.map((x) => Number(x.target));
    const predicted = predictions.map((p) => Number(p.value));
    const all: Record<string, number> = {
      accuracy: accuracy(gold, predicted),
      mcc: matthewsCorrcoef(gold, predicted),
      ...(labels.length === 2 ? { f1: binaryF1(gold, predicted, 1).f1 } : {}),
    };
    const metrics = Object.fromEntries(metricNames.filter((m) => m in all).map((m) => [m, all[m]]));
    return { metrics, primary: metrics[metricNames[0]] };
  };
}

function regressionScore(predictions: readonly Prediction[], dev: readonly EncodedExample[]): Score {
  const gold = dev.map((x) => Number(x.target));
  const predicted = predictions.map((p) => Number(p.value));
  const metrics = { pearson: pearson(gold, predicted), spearman: spearman(gold, predicted) };
  return { metrics, primary: metrics.pearson };
}

function multilabelScore(predictions: readonly Prediction[], dev: readonly EncodedExample[]): Score {
  const gold = dev.map((x) => (x.target instanceof Float32Array ? [...x.target].flatMap((v, c) => (v > 0.5 ? [c] : [])) : []));
  const predicted = predictions.map((p) => (Array.isArray(p.value) ? p.value : [p.value]));
  const { precision, recall, f1 } = looseMicroF1(gold, predicted);
  return { metrics: { precision, recall, f1 }, primary: f1 };
}

function taggingScore(labels: readonly string[]) {
  return (predictions: readonly Prediction[], dev: readonly EncodedExample[]): Score => {
    const gold = dev.map((x) => (x.target instanceof Int32Array ? [...x.target].filter((t) => t !== -100).map((t) => labels[t]) : []));
    const predicted = predictions.map((p, i) => (Array.isArray(p.value) ? p.value : []).slice(0, gold[i].length).map((t) => labels[t]));
    const { precision, recall, f1 } = entityF1(gold, predicted);
    return { metrics: { precision, recall, f1 }, primary: f1 };
  };
}

export function resolveTask(spec: TaskSpec): ResolvedTask {
  if (spec.source === "conll") {
    const skipMalformed = spec.skipMalformed ?? false;
    const train = readConll(spec.trainFile, { skipMalformed });
    const dev = spec.devFile ? readConll(spec.devFile, { skipMalformed }) : null;
    const labels = labelsFromExamples(train.examples);
    const ids = new Map(labels.map((l, i) => [l, i]));
    return {
      name: spec.name, kind: "tagging", labels, primaryMetric: "f1",
      skipped: [...train.skipped.map((x) => ({ file: train.file, ...x })), ...(dev?.skipped ?? []).map((x) => ({ file: dev?.file ?? "", ...x }))],
      encode: (tokenizer, maxLength) => ({
        train: encodeTagged(tokenizer, taggedInputs(train), ids, maxLength),
        dev: dev ? encodeTagged(tokenizer, taggedInputs(dev), ids, maxLength) : null,
      }),
      score: taggingScore(labels),
    };
  }

  let kind: Exclude<TaskKind, "tagging">;
  let train: ReadResult<TextExample>;
  let dev: ReadResult<TextExample> | null;
  let labels: string[];
  let metricNames: string[];
  if (spec.source === "glue") {
    const task = glueTask(spec.name);
    train = readGlue({ dataDir: spec.dataDir, task: task.name, split: "train", skipMalformed: spec.skipMalformed });
    dev = readGlue({ dataDir: spec.dataDir, task: task.name, split: task.name === "MNLI" ? "dev_matched" : "dev", skipMalformed: spec.skipMalformed });
    kind = task.labels === null ? "regression" : "classification";
    labels = task.labels === null ? ["score"] : [...task.labels];
    metricNames = GLUE_METRICS[task.name] ?? ["accuracy"];
  } else {
    const read = { ...spec.read, skipMalformed: spec.skipMalformed };
    train = readTextExamples(spec.trainFile, read);
    dev = spec.devFile ? readTextExamples(spec.devFile, read) : null;
    kind = spec.kind;
    labels = kind === "regression" ? ["score"] : labelsFromExamples(train.examples);
    metricNames = kind === "classification" ? ["accuracy", "f1", "mcc"] : [];
  }
  if (kind !== "regression" && labels.length < 2) throw new ConfigError(`${train.file}: expected at least 2 labels in the training data, got ${labels.join(", ") || "none"}`);
  const ids = new Map(labels.map((l, i) => [l, i]));
  const score = kind === "regression" ? regressionScore : kind === "multilabel" ? multilabelScore : classificationScore(metricNames, labels);
  const trainResult = train;
  const devResult = dev;
  return {
    name: spec.name, kind, labels, primaryMetric: kind === "regression" ? "pearson" : kind === "multilabel" ? "f1" : metricNames[0],
    skipped: [...train.skipped.map((s) => ({ file: trainResult.file, ...s })), ...(dev?.skipped ?? []).map((s) => ({ file: devResult?.file ?? "", ...s }))],
    encode: (tokenizer, maxLength) => ({
      train: encodeText(tokenizer, textInputs(trainResult), kind, ids, maxLength),
      dev: devResult ? encodeText(tokenizer, textInputs(devResult), kind, ids, maxLength) : null,
    }),
    score,
  };
}
