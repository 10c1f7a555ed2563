// Label vocabularies: the label list of a data set and the mapping from label names to class ids, with an
// unknown label reported at the file and line of the example that carries it.
import { ConfigError, FormatError } from "../../errors.js";
import type { TaggedExample, TextExample } from "./examples.js";

/** A fixed label list and each label's id (its index in `labels`). */
export interface LabelVocab {
  readonly labels: readonly string[];
  readonly ids: ReadonlyMap<string, number>;
}

/** Code-unit order: the same on every machine and locale, unlike localeCompare. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every distinct label of the examples, sorted by code unit ("10" sorts before "9"), so the same data always
 * gives the same ids. Class labels, multi-label lists and tag sequences are all collected; unlabelled
 * examples (label or tags null) are passed over. A float (regression) label is a ConfigError: it has no
 * vocabulary.
 */
export function labelsFromExamples(examples: readonly (TextExample | TaggedExample)[]): string[] {
  const seen = new Set<string>();
  for (const example of examples) {
    if ("words" in example) {
      for (const tag of example.tags ?? []) seen.add(tag);
      continue;
    }
    const label = example.label;
    if (typeof label === "number") {
      throw new ConfigError(`labelsFromExamples: expected class or multi-label examples, got the float label ${label} (line ${example.line}); hint: regression targets need no label vocabulary`);
    }
    if (typeof label === "string") seen.add(label);
    else if (label !== null) for (const name of label) seen.add(name);
  }
  return [...seen].sort(byCodeUnit);
}

/** The vocabulary of a label list, ids in list order; duplicate or empty labels are a ConfigError. */
export function createLabelVocab(labels: readonly string[]): LabelVocab {
  if (labels.length === 0) throw new ConfigError("createLabelVocab: expected at least one label, got none");
  const ids = new Map<string, number>();
  labels.forEach((label, id) => {
    if (ids.has(label)) throw new ConfigError(`createLabelVocab: expected distinct labels, got ${JSON.stringify(label)} twice`);
    ids.set(label, id);
  });
  return { labels: [...labels], ids };
}

const LISTED_LABELS = 20;

/** "0, 1", or the first 20 and a count for a long list (a relation set has hundreds). */
function listLabels(labels: readonly string[]): string {
  if (labels.length <= LISTED_LABELS) return labels.join(", ");
  return `${labels.slice(0, LISTED_LABELS).join(", ")}, ... (${labels.length} labels)`;
}

/** The id of `label`; a label outside the vocabulary is a FormatError naming file and line. */
export function labelId(vocab: LabelVocab, label: string, file: string, line: number): number {
  const id = vocab.ids.get(label);
  if (id === undefined) {
    throw new FormatError(`unknown label ${JSON.stringify(label)} at ${file}:${line}; expected one of ${listLabels(vocab.labels)}`);
  }
  return id;
}

/** One class id per example (single-label classification). `file` names the examples' file in errors. */
export function classLabelIds(examples: readonly TextExample[], vocab: LabelVocab, file: string): number[] {
  return examples.map((example) => {
    const label = example.label;
    if (typeof label !== "string") throw wrongLabelKind("classLabelIds", "a class label", label, file, example.line);
    return labelId(vocab, label, file, example.line);
  });
}

/** The class ids of each example's label list (multi-label classification), in the list's order. */
export function multiLabelIds(examples: readonly TextExample[], vocab: LabelVocab, file: string): number[][] {
  return examples.map((example) => {
    const label = example.label;
    if (!Array.isArray(label)) throw wrongLabelKind("multiLabelIds", "a list of labels", label, file, example.line);
    return label.map((name) => labelId(vocab, name, file, example.line));
  });
}

/** One tag id per word of each tagged sentence. */
export function tagIds(examples: readonly TaggedExample[], vocab: LabelVocab, file: string): number[][] {
  return examples.map((example) => {
    if (example.tags === null) throw new FormatError(`${file}:${example.line}: expected a tagged sentence, got words without tags`);
    return example.tags.map((tag) => labelId(vocab, tag, file, example.line));
  });
}

/** An unlabelled example is a data problem (FormatError); a label of another kind is a misused function. */
function wrongLabelKind(component: string, expected: string, label: TextExample["label"], file: string, line: number): Error {
  if (label === null) return new FormatError(`${file}:${line}: expected ${expected}, got an unlabelled example`);
  const got = typeof label === "number" ? `the float ${label}` : Array.isArray(label) ? "a list of labels" : `the class label ${JSON.stringify(label)}`;
  return new ConfigError(`${component}: expected ${expected} at ${file}:${line}, got ${got}`);
}
