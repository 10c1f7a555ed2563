// The options that say which task and data a command works on, shared by train and eval.
import type { Command } from "commander";
import type { LabelKind } from "../data/index.js";
import { ConfigError } from "../errors.js";
import type { TaskSpec } from "../train/index.js";

export interface TaskFlags {
  task: string;
  data?: string;
  trainFile?: string;
  devFile?: string;
  format?: "tsv" | "csv" | "jsonl";
  textColumn?: string;
  textPairColumn?: string;
  labelColumn?: string;
  labelKind?: LabelKind;
  header?: boolean;
  skipMalformed?: boolean;
}

export function addTaskOptions(cmd: Command): Command {
  return cmd
    .requiredOption(
      "--task <name>",
      "a GLUE task (CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI), 'conll' for CoNLL-2003 tagging files, 'file' for your own TSV/CSV/JSONL, or a K-Adapter task: 'openentity' (entity typing), 'tacred' (relation classification)",
    )
    .option("--data <dir>", "GLUE data folder holding <TASK>/train.tsv and dev.tsv (K-Adapter tasks: the shared data folder)")
    .option("--train-file <path>", "training file (conll and file tasks)")
    .option("--dev-file <path>", "dev file (conll and file tasks)")
    .option("--format <format>", "file task: tsv, csv or jsonl")
    .option("--text-column <column>", "file task: text column (header name, JSON key or 0-based index)")
    .option("--text-pair-column <column>", "file task: second text column for pair tasks")
    .option("--label-column <column>", "file task: label column")
    .option("--label-kind <kind>", "file task: class, float (regression) or multilabel", "class")
    .option("--no-header", "file task: the TSV/CSV has no header row")
    .option("--skip-malformed", "skip malformed rows (counted and listed) instead of stopping at the first");
}

const column = (value: string): string | number => (/^\d+$/.test(value) ? Number(value) : value);

/** forEval: scoring a saved adapter, whose head has the labels, so a conll task needs only --dev-file. */
export function taskSpec(flags: TaskFlags, options: { forEval?: boolean } = {}): TaskSpec {
  const task = flags.task.toLowerCase();
  if (task === "conll") {
    if (options.forEval && !flags.devFile && !flags.trainFile) throw new ConfigError("--task conll: expected --dev-file, got none");
    if (!options.forEval && !flags.trainFile) throw new ConfigError("--task conll: expected --train-file (and --dev-file), got none");
    return { source: "conll", name: "conll", trainFile: flags.trainFile, devFile: flags.devFile, skipMalformed: flags.skipMalformed };
  }
  if (task === "file") {
    if (!flags.trainFile || !flags.format || !flags.textColumn) throw new ConfigError("--task file: expected --train-file, --format and --text-column");
    const labelKind = flags.labelKind ?? "class";
    const common = {
      textColumn: column(flags.textColumn),
      textPairColumn: flags.textPairColumn === undefined ? undefined : column(flags.textPairColumn),
      labelColumn: flags.labelColumn === undefined ? undefined : column(flags.labelColumn),
      labelKind,
    };
    const read = flags.format === "jsonl" ? { format: "jsonl" as const, ...common } : { format: flags.format, header: flags.header ?? true, ...common };
    const kind = labelKind === "float" ? "regression" : labelKind === "multilabel" ? "multilabel" : "classification";
    return { source: "file", name: "file", trainFile: flags.trainFile, devFile: flags.devFile, read, kind, skipMalformed: flags.skipMalformed };
  }
  if (!flags.data) throw new ConfigError(`--task ${flags.task}: expected --data <GLUE folder> (e.g. data/glue), got none`);
  return { source: "glue", name: flags.task, dataDir: flags.data, skipMalformed: flags.skipMalformed };
}
