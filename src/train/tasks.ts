// Tasks: where the examples come from, what the head predicts, and how dev predictions are scored.
//   glue   a GLUE task by name from a GLUE data folder (<dir>/<TASK>/{train,dev}.tsv)
//   file   a generic TSV/CSV/JSONL pair of files with column options
//   conll  CoNLL-2003 style token files (tagging, entity-level F1)
//   inline examples given in memory (the library's train({ train, dev })), any task kind
import {
  glueTask, labelsFromExamples, readConll, readGlue, readTextExamples, type ReadResult, type TaggedExample, type TextExample,
  type TextReadOptions,
} from "../data/index.js";
import { encodeTagged, encodeText, type EncodedExample, type TaskKind } from "../data/index.js";
import { ConfigError } from "../errors.js";
import type { Tokenizer } from "../tokenize/index.js";
import type { Prediction } from "./evaluate.js";
import type { Score } from "./loop.js";
import { accuracy, binaryF1, entityF1, looseMicroF1, matthewsCorrcoef, pearson, spearman } from "./metrics/index.js";

/**
 * skipMalformed: skip (and count) malformed rows instead of stopping at the first. labels: the label list
 * (an adapter's, when scoring it), instead of the labels found in the training data; a conll task given
 * labels needs no training file.
 */
export type TaskSpec = { skipMalformed?: boolean; labels?: readonly string[] } & (
  | { source: "glue"; name: string; dataDir: string }
  | { source: "file"; name: string; trainFile: string; devFile?: string; read: TextReadOptions; kind: Exclude<TaskKind, "tagging"> }
  | { source: "conll"; name: string; trainFile?: string; devFile?: string }
  | { source: "inline"; name: string; kind: TaskKind; train: readonly InlineExample[]; dev?: readonly InlineExample[] });

/** An example given in memory: a text (and pair) with its label, or words with their tags (tagging). */
export type InlineExample =
  | { readonly text: string; readonly textPair?: string; readonly label: string | number | readonly string[] }
  | { readonly words: readonly string[]; readonly tags: readonly string[] };

const TASK_KINDS: readonly TaskKind[] = ["classification", "multilabel", "regression", "tagging"];

/** Inline examples -> what a file reader would return, checked field by field ("train[3].label"). */
function readInline(examples: readonly InlineExample[], split: string, kind: TaskKind): ReadResult<TextExample> | ReadResult<TaggedExample> {
  if (!Array.isArray(examples) || examples.length === 0) throw new ConfigError(`${split}: expected a non-empty array of examples, got ${Array.isArray(examples) ? "none" : typeof examples}`);
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
  if (kind === "tagging") {
    return {
      file: split, skipped: [], examples: examples.map((x, i) => {
        const ex = x as { words?: unknown; tags?: unknown };
        if (!strings(ex.words) || !strings(ex.tags) || ex.words.length !== ex.tags.length || ex.words.length === 0) {
          throw new ConfigError(`${split}[${i}]: expected { words: string[], tags: string[] } of one non-zero length, got ${JSON.stringify(x)?.slice(0, 80)}`);
        }
        return { words: [...ex.words], tags: [...ex.tags], line: i + 1 };
      }),
    };
  }
  return {
    file: split, skipped: [], examples: examples.map((x, i) => {
      const ex = x as { text?: unknown; textPair?: unknown; label?: unknown };
      if (typeof ex.text !== "string") throw new ConfigError(`${split}[${i}].text: expected a string, got ${JSON.stringify(ex.text)?.slice(0, 80)}`);
      if (ex.textPair !== undefined && typeof ex.textPair !== "string") throw new ConfigError(`${split}[${i}].textPair: expected a string, got ${JSON.stringify(ex.textPair)?.slice(0, 80)}`);
      const label = ex.label;
      const ok = kind === "regression" ? typeof label === "number" && Number.isFinite(label) : kind === "multilabel" ? strings(label) : typeof label === "string";
      if (!ok) throw new ConfigError(`${split}[${i}].label: expected ${kind === "regression" ? "a finite number" : kind === "multilabel" ? "an array of label strings" : "a label string"} for a ${kind} task, got ${JSON.stringify(label)?.slice(0, 80)}`);
      return { textA: ex.text, textB: ex.textPair, label: strings(label) ? [...label] : (label as string | number), line: i + 1 };
    }),
  };
}

export interface ResolvedTask {
  name: string;
  kind: TaskKind;
  labels: string[]; // ["score"] for regression
  primaryMetric: string;
  /** Whether the examples are text pairs (a head trained on them then expects pairs). */
  textPair: boolean;
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
  if (spec.source === "inline" && !TASK_KINDS.includes(spec.kind)) throw new ConfigError(`task: unknown kind ${JSON.stringify(spec.kind)}; expected one of ${TASK_KINDS.join(", ")}`);
  if (spec.source === "conll" || (spec.source === "inline" && spec.kind === "tagging")) {
    const skipMalformed = spec.skipMalformed ?? false;
    const read = (file: string): ReadResult<TaggedExample> => readConll(file, { skipMalformed });
    if (spec.source === "conll" && !spec.trainFile && !spec.labels) throw new ConfigError(`task conll: expected a training file (or the labels), got neither`);
    const train = spec.source === "conll"
      ? (spec.trainFile ? read(spec.trainFile) : { file: "(no training file)", examples: [], skipped: [] })
      : readInline(spec.train, "train", "tagging") as ReadResult<TaggedExample>;
    const dev = spec.source === "conll" ? (spec.devFile ? read(spec.devFile) : null) : spec.dev ? readInline(spec.dev, "dev", "tagging") as ReadResult<TaggedExample> : null;
    const labels = spec.labels ? [...spec.labels] : labelsFromExamples(train.examples);
    const ids = new Map(labels.map((l, i) => [l, i]));
    return {
      name: spec.name, kind: "tagging", labels, primaryMetric: "f1", textPair: false,
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
  } else if (spec.source === "inline") {
    kind = spec.kind as Exclude<TaskKind, "tagging">;
    train = readInline(spec.train, "train", kind) as ReadResult<TextExample>;
    dev = spec.dev ? readInline(spec.dev, "dev", kind) as ReadResult<TextExample> : null;
    labels = kind === "regression" ? ["score"] : labelsFromExamples(train.examples);
    metricNames = kind === "classification" ? ["accuracy", "f1", "mcc"] : [];
  } else {
    const read = { ...spec.read, skipMalformed: spec.skipMalformed };
    train = readTextExamples(spec.trainFile, read);
    dev = spec.devFile ? readTextExamples(spec.devFile, read) : null;
    kind = spec.kind;
    labels = kind === "regression" ? ["score"] : labelsFromExamples(train.examples);
    metricNames = kind === "classification" ? ["accuracy", "f1", "mcc"] : [];
  }
  if (spec.labels && kind !== "regression") labels = [...spec.labels];
  if (kind !== "regression" && labels.length < 2) throw new ConfigError(`${train.file}: expected at least 2 labels in the training data, got ${labels.join(", ") || "none"}`);
  const ids = new Map(labels.map((l, i) => [l, i]));
  const score = kind === "regression" ? regressionScore : kind === "multilabel" ? multilabelScore : classificationScore(metricNames, labels);
  const trainResult = train;
  const devResult = dev;
  return {
    name: spec.name, kind, labels, primaryMetric: kind === "regression" ? "pearson" : kind === "multilabel" ? "f1" : metricNames[0],
    textPair: train.examples.some((x) => x.textB !== undefined),
    skipped: [...train.skipped.map((s) => ({ file: trainResult.file, ...s })), ...(dev?.skipped ?? []).map((s) => ({ file: devResult?.file ?? "", ...s }))],
    encode: (tokenizer, maxLength) => ({
      train: encodeText(tokenizer, textInputs(trainResult), kind, ids, maxLength),
      dev: devResult ? encodeText(tokenizer, textInputs(devResult), kind, ids, maxLength) : null,
    }),
    score,
  };
}
