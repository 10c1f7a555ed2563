// The pretraining corpus: which files, and their text as documents (lists of paragraphs).
//
// By default: the English prose under <data>/text (Wikipedia, Gutenberg) except WikiText-2 test, which is
// held out for evaluation; the sentences of the UD treebanks' train splits; and the TRAIN splits of the
// shared tasks (GLUE, CoNLL-2003, OpenEntity). Never a dev or test split: the downstream numbers would
// otherwise be measured on text the model has seen.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { readConll, readEntityTypingJson, readGlue, readTreebankSplit, treebankSplitFiles } from "../data/index.js";
import { ConfigError, FormatError } from "../errors.js";

export type CorpusKind = "text" | "glue" | "conll" | "treebank" | "openentity";

export interface CorpusSource {
  kind: CorpusKind;
  /** The file (or, for a treebank, its folder) read. */
  path: string;
  /** GLUE task name, for kind "glue". */
  task?: string;
  /** Times its text enters the corpus (default 1); >1 upweights a task's train split (task-adaptive pretraining). */
  repeat?: number;
}

/**
 * The default corpus under a data root in the data folders' layout (data/README.md). Throws if a folder is missing.
 * taskTextWeight > 1 repeats the shared tasks' train splits that many times: task-adaptive pretraining
 * (Gururangan et al. 2020), which moves a general model towards the text its downstream tasks are written in.
 */
export function defaultCorpus(dataRoot: string, taskTextWeight = 1): CorpusSource[] {
  const dir = (rel: string): string => {
    const path = join(dataRoot, rel);
    if (!existsSync(path)) throw new ConfigError(`pretraining corpus: expected ${path} (the data folder's layout: data/README.md), got nothing there`);
    return path;
  };
  const textFiles = (rel: string): CorpusSource[] => readdirSync(dir(rel)).filter((f) => f.endsWith(".txt") && f !== "PROVENANCE.txt").sort()
    .map((f) => ({ kind: "text", path: join(dataRoot, rel, f) }));
  const general: CorpusSource[] = [
    ...textFiles("text/wikipedia-en"),
    ...textFiles("text/gutenberg-en"),
    ...["ud/en-ewt", "ud/en-gum"].map((rel): CorpusSource => ({ kind: "treebank", path: dir(rel) })),
  ];
  const taskSplits: CorpusSource[] = [
    ...["SST-2", "CoLA", "MRPC"].map((task): CorpusSource => ({ kind: "glue", path: join(dir("glue"), task, "train.tsv"), task })),
    { kind: "conll", path: join(dir("conll2003"), "train.txt") },
    { kind: "openentity", path: join(dir("kadapter/OpenEntity"), "train.json") },
  ];
  return [...general, ...taskSplits.map((source) => (taskTextWeight === 1 ? source : { ...source, repeat: taskTextWeight }))];
}

/** The files a source reads, for the report's list of everything trained on. */
export function sourceFiles(source: CorpusSource): string[] {
  return source.kind === "treebank" ? treebankSplitFiles(source.path, "train") : [source.path];
}

/** A source's text as documents; each document is a list of paragraphs (or sentences). */
export function readCorpusSource(source: CorpusSource): string[][] {
  switch (source.kind) {
    case "text":
      return splitDocuments(readFileSync(source.path, "utf8"));
    case "glue": {
      if (!source.task) throw new ConfigError(`pretraining corpus: expected a GLUE task name for ${source.path}`);
      const { examples } = readGlue({ dataDir: join(source.path, "..", ".."), task: source.task, split: "train" });
      return [examples.flatMap((e) => (e.textB === undefined ? [e.textA] : [e.textA, e.textB]))];
    }
    case "conll":
      return [readConll(source.path).examples.map((e) => e.words.join(" "))];
    case "treebank":
      return readTreebankSplit(source.path, "train").map((part) => part.examples.map((e) => e.words.join(" ")));
    case "openentity":
      return [readEntityTypingJson(source.path).examples.map((e) => e.text)];
  }
}

/** One paragraph per line; a blank line ends a document (Wikipedia articles); a file without blanks is one document. */
function splitDocuments(text: string): string[][] {
  const documents: string[][] = [];
  let current: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line) {
      current.push(line);
    } else if (current.length) {
      documents.push(current);
      current = [];
    }
  }
  if (current.length) documents.push(current);
  return documents;
}

/**
 * WikiText-2's raw test split as plain paragraphs: headings (" = Title = ") dropped and its tokenisation of
 * hyphens and number separators (" @-@ ", " @,@ ", " @.@ ") undone.
 */
export function readWikiText(path: string): string[] {
  if (!existsSync(path)) throw new ConfigError(`held-out text: expected ${path}, got no such file`);
  const paragraphs = readFileSync(path, "utf8").split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !/^=.*=$/.test(line))
    .map((line) => line.replace(/ @([-,.])@ /g, "$1"));
  if (!paragraphs.length) throw new FormatError(`${basename(path)}: expected paragraphs of text, got none`);
  return paragraphs;
}
