// The nine GLUE tasks by name, read as the GLUE processors of Hugging Face transformers (and google-research/
// bert before them) read them: `<dataDir>/<TASK>/<split>.tsv`, tab-separated with QUOTE_NONE (a quote is an
// ordinary character), a leading byte-order mark dropped, the header row skipped (CoLA's train and dev have
// none), and text and label taken from the same column indices as those processors.
// Stricter than those processors: every row's column count is checked (a short row is an error, not an
// IndexError or a silently dropped QQP row), and every label is checked against the task's label list.
import { join } from "node:path";
import { ConfigError } from "../../errors.js";
import type { ReadResult, TextExample } from "./examples.js";
import { parseFloatField } from "./label-field.js";
import { MalformedRows } from "./malformed-rows.js";
import { isBlankLine, readSourceText, splitLines } from "./source-text.js";

export type GlueTaskName = "CoLA" | "SST-2" | "MRPC" | "STS-B" | "QQP" | "MNLI" | "QNLI" | "RTE" | "WNLI";

export const GLUE_TASK_NAMES: readonly GlueTaskName[] = ["CoLA", "SST-2", "MRPC", "STS-B", "QQP", "MNLI", "QNLI", "RTE", "WNLI"];

/** Where one split's fields are. A label index of -1 means the last column, as the processors' line[-1]. */
export interface GlueLayout {
  header: boolean;
  /** The column names, for error messages; their number is the expected column count. */
  columns: readonly string[];
  /**
   * More columns than `columns` are tolerated (never fewer): QQP and MNLI rows in the wild carry tabs inside
   * their text, and STS-B takes its score from the last column for the same reason; the processors read
   * these rows at their fixed indices anyway, and the label check below catches a row shifted onto its label.
   */
  extraColumnsAllowed: boolean;
  textA: number;
  textB?: number;
  /** Absent for test splits, which carry no labels. */
  label?: number;
}

export interface GlueTask {
  name: GlueTaskName;
  /** The label list in the processors' order (their ids); null for STS-B, a regression task. */
  labels: readonly string[] | null;
  /** Split name -> file layout; the file is `<split>.tsv`. */
  splits: Readonly<Record<string, GlueLayout>>;
}

const BINARY = ["0", "1"] as const;
const NLI_TWO_WAY = ["entailment", "not_entailment"] as const;

function tsvLayout(columns: string, fields: Omit<GlueLayout, "columns" | "header" | "extraColumnsAllowed">, options: { header?: boolean; extra?: boolean } = {}): GlueLayout {
  return { header: options.header ?? true, columns: columns.split(", "), extraColumnsAllowed: options.extra ?? false, ...fields };
}

const MNLI_TEXT = "index, promptID, pairID, genre, sentence1_binary_parse, sentence2_binary_parse, sentence1_parse, sentence2_parse, sentence1, sentence2";
const STSB_TEXT = "index, genre, filename, year, old_index, source1, source2, sentence1, sentence2";

const TASKS: Readonly<Record<GlueTaskName, GlueTask>> = {
  CoLA: {
    name: "CoLA",
    labels: BINARY,
    splits: {
      train: tsvLayout("source, label, original judgement, sentence", { textA: 3, label: 1 }, { header: false }),
      dev: tsvLayout("source, label, original judgement, sentence", { textA: 3, label: 1 }, { header: false }),
      test: tsvLayout("index, sentence", { textA: 1 }),
    },
  },
  "SST-2": {
    name: "SST-2",
    labels: BINARY,
    splits: {
      train: tsvLayout("sentence, label", { textA: 0, label: 1 }),
      dev: tsvLayout("sentence, label", { textA: 0, label: 1 }),
      test: tsvLayout("index, sentence", { textA: 1 }),
    },
  },
  MRPC: {
    name: "MRPC",
    labels: BINARY,
    splits: {
      train: tsvLayout("Quality, #1 ID, #2 ID, #1 String, #2 String", { textA: 3, textB: 4, label: 0 }),
      dev: tsvLayout("Quality, #1 ID, #2 ID, #1 String, #2 String", { textA: 3, textB: 4, label: 0 }),
      test: tsvLayout("index, #1 ID, #2 ID, #1 String, #2 String", { textA: 3, textB: 4 }),
    },
  },
  "STS-B": {
    name: "STS-B",
    labels: null,
    splits: {
      train: tsvLayout(`${STSB_TEXT}, score`, { textA: 7, textB: 8, label: -1 }, { extra: true }),
      dev: tsvLayout(`${STSB_TEXT}, score`, { textA: 7, textB: 8, label: -1 }, { extra: true }),
      test: tsvLayout(STSB_TEXT, { textA: 7, textB: 8 }, { extra: true }),
    },
  },
  QQP: {
    name: "QQP",
    labels: BINARY,
    splits: {
      train: tsvLayout("id, qid1, qid2, question1, question2, is_duplicate", { textA: 3, textB: 4, label: 5 }, { extra: true }),
      dev: tsvLayout("id, qid1, qid2, question1, question2, is_duplicate", { textA: 3, textB: 4, label: 5 }, { extra: true }),
      test: tsvLayout("id, question1, question2", { textA: 1, textB: 2 }, { extra: true }),
    },
  },
  MNLI: {
    name: "MNLI",
    labels: ["contradiction", "entailment", "neutral"],
    splits: {
      train: tsvLayout(`${MNLI_TEXT}, label1, gold_label`, { textA: 8, textB: 9, label: -1 }, { extra: true }),
      dev_matched: tsvLayout(`${MNLI_TEXT}, label1, label2, label3, label4, label5, gold_label`, { textA: 8, textB: 9, label: -1 }, { extra: true }),
      dev_mismatched: tsvLayout(`${MNLI_TEXT}, label1, label2, label3, label4, label5, gold_label`, { textA: 8, textB: 9, label: -1 }, { extra: true }),
      test_matched: tsvLayout(MNLI_TEXT, { textA: 8, textB: 9 }, { extra: true }),
      test_mismatched: tsvLayout(MNLI_TEXT, { textA: 8, textB: 9 }, { extra: true }),
    },
  },
  QNLI: {
    name: "QNLI",
    labels: NLI_TWO_WAY,
    splits: {
      train: tsvLayout("index, question, sentence, label", { textA: 1, textB: 2, label: -1 }),
      dev: tsvLayout("index, question, sentence, label", { textA: 1, textB: 2, label: -1 }),
      test: tsvLayout("index, question, sentence", { textA: 1, textB: 2 }),
    },
  },
  RTE: {
    name: "RTE",
    labels: NLI_TWO_WAY,
    splits: {
      train: tsvLayout("index, sentence1, sentence2, label", { textA: 1, textB: 2, label: -1 }),
      dev: tsvLayout("index, sentence1, sentence2, label", { textA: 1, textB: 2, label: -1 }),
      test: tsvLayout("index, sentence1, sentence2", { textA: 1, textB: 2 }),
    },
  },
  WNLI: {
    name: "WNLI",
    labels: BINARY,
    splits: {
      train: tsvLayout("index, sentence1, sentence2, label", { textA: 1, textB: 2, label: -1 }),
      dev: tsvLayout("index, sentence1, sentence2, label", { textA: 1, textB: 2, label: -1 }),
      test: tsvLayout("index, sentence1, sentence2", { textA: 1, textB: 2 }),
    },
  },
};

/** A task by its GLUE directory name; case, "-" and "_" are ignored ("sst2", "sts_b" and "MNLI" all work). */
export function glueTask(name: string): GlueTask {
  const key = normaliseTaskName(name);
  const task = GLUE_TASK_NAMES.find((candidate) => normaliseTaskName(candidate) === key);
  if (task === undefined) {
    throw new ConfigError(`glue: unknown task ${JSON.stringify(name)}; expected one of ${GLUE_TASK_NAMES.join(", ")}`);
  }
  return TASKS[task];
}

function normaliseTaskName(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, "");
}

/** `<dataDir>/<TASK>/<split>.tsv`, after checking that the task has that split. */
export function glueFilePath(dataDir: string, task: string, split: string): string {
  const spec = glueTask(task);
  splitLayout(spec, split);
  return join(dataDir, spec.name, `${split}.tsv`);
}

function splitLayout(task: GlueTask, split: string): GlueLayout {
  const found = Object.hasOwn(task.splits, split) ? task.splits[split] : undefined;
  if (found === undefined) {
    throw new ConfigError(`glue(${task.name}): unknown split ${JSON.stringify(split)}; expected one of ${Object.keys(task.splits).join(", ")}`);
  }
  return found;
}

export interface GlueReadOptions {
  /** The folder holding one folder per task, as GLUE's download script lays it out. */
  dataDir: string;
  /** A GLUE task name, see `glueTask`. */
  task: string;
  /** train, dev or test; MNLI has train, dev_matched, dev_mismatched, test_matched and test_mismatched. */
  split: string;
  /** Skip malformed rows and list them in `skipped` instead of throwing; default false. */
  skipMalformed?: boolean;
}

/**
 * The split's examples: labels are the task's class names as strings, STS-B's a number, test splits' null.
 * textB is set for pair tasks only.
 */
export function readGlue(options: GlueReadOptions): ReadResult<TextExample> {
  const task = glueTask(options.task);
  const layout = splitLayout(task, options.split);
  const path = join(options.dataDir, task.name, `${options.split}.tsv`);
  const malformed = new MalformedRows(path, options.skipMalformed ?? false);
  const width = layout.columns.length;
  const expected = `${layout.extraColumnsAllowed ? "at least " : ""}${width} tab-separated columns (${layout.columns.join(", ")})`;

  const examples: TextExample[] = [];
  const lines = splitLines(readSourceText(path, `glue(${task.name})`));
  for (let index = layout.header ? 1 : 0; index < lines.length; index++) {
    const line = index + 1;
    if (isBlankLine(lines[index])) continue;
    const fields = lines[index].split("\t");
    const fits = layout.extraColumnsAllowed ? fields.length >= width : fields.length === width;
    if (!fits) {
      malformed.report(line, `expected ${expected}, got ${fields.length}`);
      continue;
    }
    let label: string | number | null = null;
    if (layout.label !== undefined) {
      const raw = fields[layout.label < 0 ? fields.length + layout.label : layout.label];
      if (task.labels === null) {
        label = parseFloatField(raw);
        if (label === null) {
          malformed.report(line, `expected a number score, got ${JSON.stringify(raw)}`);
          continue;
        }
      } else {
        if (!task.labels.includes(raw)) {
          malformed.report(line, `unknown label ${JSON.stringify(raw)}; expected one of ${task.labels.join(", ")}`);
          continue;
        }
        label = raw;
      }
    }
    const example: TextExample = { textA: fields[layout.textA], label, line };
    if (layout.textB !== undefined) example.textB = fields[layout.textB];
    examples.push(example);
  }
  return { file: path, examples, skipped: malformed.skipped };
}
