// Options of the generic sentence / sentence-pair readers (TSV, CSV, JSONL) and their validation, done once
// at the public boundary so that a bad option is a ConfigError before any file is read.
import { ConfigError } from "../../errors.js";
import { LABEL_KINDS, type LabelKind } from "./examples.js";

/** A column by header name (or JSONL key), or by 0-based index (TSV/CSV). */
export type ColumnRef = string | number;

interface ColumnOptions {
  /** The first (or only) sentence. */
  textColumn: ColumnRef;
  /** The second sentence of a pair task. */
  textPairColumn?: ColumnRef;
  /** Without it every example is unlabelled (label null). */
  labelColumn?: ColumnRef;
  /** How the label column is read; default "class". */
  labelKind?: LabelKind;
  /** Skip malformed rows and list them in `skipped` instead of throwing; default false. */
  skipMalformed?: boolean;
}

export interface DelimitedReadOptions extends ColumnOptions {
  /** tsv: fields split on every tab, quotes are ordinary characters (as GLUE's files); csv: RFC 4180 quoting. */
  format: "tsv" | "csv";
  /** The first row names the columns; default true. */
  header?: boolean;
  /** multilabel: what separates the names inside one label field; default ",". */
  labelSeparator?: string;
}

export interface JsonlReadOptions extends ColumnOptions {
  /** One JSON object per line; columns are keys, a multilabel field is an array of strings. */
  format: "jsonl";
}

export type TextReadOptions = DelimitedReadOptions | JsonlReadOptions;

export const TEXT_FORMATS: readonly TextReadOptions["format"][] = ["tsv", "csv", "jsonl"];

/** The column options a reader uses, with defaults filled in. */
export interface ResolvedColumnOptions {
  textColumn: ColumnRef;
  textPairColumn: ColumnRef | undefined;
  labelColumn: ColumnRef | undefined;
  labelKind: LabelKind;
  skipMalformed: boolean;
}

/** Checks the options every format shares and fills in their defaults. */
export function resolveColumnOptions(options: TextReadOptions, component: string): ResolvedColumnOptions {
  const labelKind = options.labelKind ?? "class";
  if (!LABEL_KINDS.includes(labelKind)) {
    throw new ConfigError(`${component}: unknown labelKind ${JSON.stringify(labelKind)}; expected one of ${LABEL_KINDS.join(", ")}`);
  }
  const skipMalformed = options.skipMalformed ?? false;
  if (typeof skipMalformed !== "boolean") {
    throw new ConfigError(`${component}: expected skipMalformed to be a boolean, got ${JSON.stringify(skipMalformed)}`);
  }
  checkColumn(options.textColumn, "textColumn", component, true);
  checkColumn(options.textPairColumn, "textPairColumn", component, false);
  checkColumn(options.labelColumn, "labelColumn", component, false);
  return {
    textColumn: options.textColumn,
    textPairColumn: options.textPairColumn,
    labelColumn: options.labelColumn,
    labelKind,
    skipMalformed,
  };
}

function checkColumn(column: ColumnRef | undefined, name: string, component: string, required: boolean): void {
  if (column === undefined) {
    if (required) throw new ConfigError(`${component}: expected a ${name} (a column name or 0-based index), got none`);
    return;
  }
  const valid = typeof column === "string" ? column !== "" : Number.isSafeInteger(column) && column >= 0;
  if (!valid) {
    throw new ConfigError(`${component}: expected ${name} to be a column name or a 0-based index, got ${JSON.stringify(column)}`);
  }
}

/** How messages show a column: "sentence" for a name, #2 for an index. */
export function describeColumn(column: ColumnRef): string {
  return typeof column === "string" ? JSON.stringify(column) : `#${column}`;
}
