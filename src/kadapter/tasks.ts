// K-Adapter's tasks as data: where the examples come from, how they are encoded (with marker positions),
// and how dev predictions are scored.
//   relation    factual adapter pretraining: TACRED-format JSON; with one file (LitWD1Krel ships only
//               dev.json) every 5th example is held out for evaluation and never trained on. Accuracy, macro-F1.
//   dependency  linguistic adapter pretraining: a UD treebank folder's train and dev splits; UAS (every word
//               whose head survived truncation, punctuation included, as the CoNLL 2018 shared task scores).
//   openentity  entity typing, OpenEntity {sent, start, end, labels}: loose micro P/R/F1 (ERNIE, K-Adapter).
//   tacred      relation classification, TACRED format: micro F1 without no_relation (the TACRED scorer),
//               and accuracy.
import { join } from "node:path";
import {
  encodeDependencies, encodeEntityTyping, encodeRelations, OPEN_ENTITY_LABELS, readEntityTypingJson, readRelationJson, readTreebankSplit,
  type EncodedExample, type RelationExample, type TaskKind,
} from "../data/index.js";
import { ConfigError } from "../errors.js";
import type { Tokenizer } from "../tokenize/index.js";
import { IGNORE_INDEX } from "../heads/index.js";
import { accuracy, looseMicroF1, macroF1, relationF1, unlabeledAttachmentScore, type Prediction, type Score } from "../train/index.js";

export type KnowledgeTaskName = "relation" | "dependency" | "openentity" | "tacred";
export const KNOWLEDGE_TASKS: readonly KnowledgeTaskName[] = ["relation", "dependency", "openentity", "tacred"];

export interface KnowledgeTaskSpec {
  name: KnowledgeTaskName;
  /** The shared data folder; defaults for the files below come from it. */
  dataDir: string;
  trainFile?: string; // relation / tacred: a JSON file; dependency: a treebank folder; openentity: train.json
  devFile?: string;
  maxLength: number;
}

export interface KnowledgeTask {
  name: KnowledgeTaskName;
  kind: TaskKind;
  labels: string[]; // class names; for dependency the head positions 0..maxLength-1
  primaryMetric: string;
  train: EncodedExample[];
  dev: EncodedExample[];
  /** Every file read, for the report. */
  files: string[];
  /** Examples left out: malformed, or truncation cut off what the head reads. */
  dropped: string[];
  score(predictions: readonly Prediction[], dev: readonly EncodedExample[]): Score;
}

export function loadKnowledgeTask(spec: KnowledgeTaskSpec, tokenizer: Tokenizer): KnowledgeTask {
  switch (spec.name) {
    case "relation":
    case "tacred":
      return relationTask(spec, tokenizer);
    case "dependency":
      return dependencyTask(spec, tokenizer);
    case "openentity":
      return entityTypingTask(spec, tokenizer);
    default:
      throw new ConfigError(`--task: unknown K-Adapter task "${String(spec.name)}"; expected one of ${KNOWLEDGE_TASKS.join(", ")}`);
  }
}

function relationTask(spec: KnowledgeTaskSpec, tokenizer: Tokenizer): KnowledgeTask {
  const pretraining = spec.name === "relation";
  const trainFile = spec.trainFile ?? (pretraining ? join(spec.dataDir, "kadapter/LitWD1Krel/dev.json") : undefined);
  if (!trainFile) throw new ConfigError("--task tacred: expected --train-file and --dev-file in the TACRED JSON format");
  // LitWD1Krel has broken object spans that the entity names repair (see readRelationJson)
  const read = (file: string) => readRelationJson(file, { skipMalformed: true, repairSpansFromNames: true });
  const trainRead = read(trainFile);
  let train: RelationExample[];
  let dev: RelationExample[];
  let devFile: string;
  if (spec.devFile && spec.devFile !== trainFile) {
    devFile = spec.devFile;
    train = trainRead.examples;
    dev = read(devFile).examples;
  } else {
    devFile = trainFile;
    train = trainRead.examples.filter((x) => x.index % 5 !== 0);
    dev = trainRead.examples.filter((x) => x.index % 5 === 0);
  }
  const labels = [...new Set([...train, ...dev].map((x) => x.relation))].sort();
  const ids = new Map(labels.map((l, i) => [l, i]));
  const encodedTrain = encodeRelations(tokenizer, train, ids, spec.maxLength, trainFile);
  const encodedDev = encodeRelations(tokenizer, dev, ids, spec.maxLength, devFile);
  const gold = (d: readonly EncodedExample[]): string[] => d.map((x) => labels[Number(x.target)]);
  const predicted = (p: readonly Prediction[]): string[] => p.map((x) => labels[Number(x.value)]);
  return {
    name: spec.name, kind: "classification", labels, primaryMetric: pretraining ? "accuracy" : "f1",
    train: encodedTrain.examples, dev: encodedDev.examples, files: [...new Set([trainFile, devFile])],
    dropped: [...trainRead.skipped.map((s) => `${trainFile}[${s.index}]`), ...encodedTrain.dropped, ...encodedDev.dropped],
    score: (p, d): Score => {
      const acc = accuracy(gold(d), predicted(p));
      if (pretraining) return { metrics: { accuracy: acc, macroF1: macroF1(gold(d), predicted(p)).f1 }, primary: acc };
      const r = relationF1(gold(d), predicted(p));
      return { metrics: { f1: r.f1, precision: r.precision, recall: r.recall, accuracy: acc }, primary: r.f1 };
    },
  };
}

function dependencyTask(spec: KnowledgeTaskSpec, tokenizer: Tokenizer): KnowledgeTask {
  const dir = spec.trainFile ?? join(spec.dataDir, "ud/en-ewt");
  const encode = (split: "train" | "dev") => {
    const parts = readTreebankSplit(spec.devFile && split === "dev" ? spec.devFile : dir, split);
    const encoded = parts.map((part) => encodeDependencies(tokenizer, part.examples, spec.maxLength, part.file));
    return { files: parts.map((p) => p.file), examples: encoded.flatMap((e) => e.examples), dropped: encoded.flatMap((e) => e.dropped) };
  };
  const train = encode("train");
  const dev = encode("dev");
  return {
    name: "dependency", kind: "tagging", labels: Array.from({ length: spec.maxLength }, (_, i) => String(i)), primaryMetric: "uas",
    train: train.examples, dev: dev.examples, files: [...train.files, ...dev.files], dropped: [...train.dropped, ...dev.dropped],
    score: (p, d) => {
      // evaluate() keeps one predicted head per labelled token, in order; gold heads are the labelled tokens'
      const gold = d.map((x) => [...(x.target as Int32Array)].filter((t) => t !== IGNORE_INDEX));
      const uas = unlabeledAttachmentScore(gold, p.map((x, i) => (x.value as number[]).slice(0, gold[i].length)));
      return { metrics: { uas }, primary: uas };
    },
  };
}

function entityTypingTask(spec: KnowledgeTaskSpec, tokenizer: Tokenizer): KnowledgeTask {
  const trainFile = spec.trainFile ?? join(spec.dataDir, "kadapter/OpenEntity/train.json");
  const devFile = spec.devFile ?? join(spec.dataDir, "kadapter/OpenEntity/dev.json");
  const labels = [...OPEN_ENTITY_LABELS];
  const ids = new Map(labels.map((l, i) => [l, i]));
  const train = encodeEntityTyping(tokenizer, readEntityTypingJson(trainFile).examples, ids, spec.maxLength, trainFile);
  const dev = encodeEntityTyping(tokenizer, readEntityTypingJson(devFile).examples, ids, spec.maxLength, devFile);
  const labelSets = (d: readonly EncodedExample[]): number[][] => d.map((x) => [...(x.target as Float32Array)].flatMap((v, c) => (v === 1 ? [c] : [])));
  return {
    name: "openentity", kind: "multilabel", labels, primaryMetric: "f1",
    train: train.examples, dev: dev.examples, files: [trainFile, devFile], dropped: [...train.dropped, ...dev.dropped],
    score: (p, d) => {
      const r = looseMicroF1(labelSets(d), p.map((x) => x.value as number[]));
      return { metrics: { f1: r.f1, precision: r.precision, recall: r.recall }, primary: r.f1 };
    },
  };
}
