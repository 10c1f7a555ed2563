// Sentence and sentence-pair examples from a TSV or CSV file, columns chosen by header name or 0-based index.
// Every row must have as many columns as the header (or, without a header, as the first row); a row that
// does not, or whose label cannot be read, is a FormatError naming the file and line, or is skipped.
import { ConfigError, FormatError } from "../../errors.js";
import { parseCsvRecords } from "./csv-records.js";
import type { ReadResult, TextExample } from "./examples.js";
import { parseLabelField } from "./label-field.js";
import { MalformedRows } from "./malformed-rows.js";
import { isBlankLine, readSourceText, splitLines } from "./source-text.js";
import { describeColumn, resolveColumnOptions, type ColumnRef, type DelimitedReadOptions } from "./text-read-options.js";

interface Row {
  line: number;
  fields: string[];
}

export function readDelimited(path: string, options: DelimitedReadOptions): ReadResult<TextExample> {
  const component = `${options.format}(${path})`;
  if (options.format !== "tsv" && options.format !== "csv") {
    throw new ConfigError(`${component}: expected format "tsv" or "csv", got ${JSON.stringify(options.format)}`);
  }
  const columns = resolveColumnOptions(options, component);
  const header = options.header ?? true;
  if (typeof header !== "boolean") throw new ConfigError(`${component}: expected header to be a boolean, got ${JSON.stringify(header)}`);
  const labelSeparator = options.labelSeparator ?? ",";
  if (typeof labelSeparator !== "string" || labelSeparator === "") {
    throw new ConfigError(`${component}: expected labelSeparator to be a non-empty string, got ${JSON.stringify(labelSeparator)}`);
  }
  for (const column of [columns.textColumn, columns.textPairColumn, columns.labelColumn]) {
    if (typeof column === "string" && !header) {
      throw new ConfigError(`${component}: column ${describeColumn(column)} is a name, but header is false; use a 0-based index`);
    }
  }

  const malformed = new MalformedRows(path, columns.skipMalformed);
  const rows = options.format === "tsv" ? tsvRows(readSourceText(path, component)) : csvRows(readSourceText(path, component), malformed, path, header);
  const separated = options.format === "tsv" ? "tab-separated" : "comma-separated";

  // the column layout: from the header row, or from the first row when there is none
  let dataRows = rows;
  let layout: string;
  let width: number;
  let names: string[] = [];
  let headerLine = 1;
  if (header) {
    const first = rows[0];
    if (first === undefined) throw new FormatError(`${path}:1: expected a header row, got an empty file`);
    names = first.fields;
    headerLine = first.line;
    width = names.length;
    layout = names.join(", ");
    dataRows = rows.slice(1);
  } else {
    const first = rows[0];
    if (first === undefined) return { file: path, examples: [], skipped: malformed.skipped };
    width = first.fields.length;
    layout = `as on line ${first.line}`;
  }
  const at = (column: ColumnRef): number => columnIndex(column, names, width, header, `${path}:${headerLine}`, component);
  const textIndex = at(columns.textColumn);
  const pairIndex = columns.textPairColumn === undefined ? undefined : at(columns.textPairColumn);
  const labelIndex = columns.labelColumn === undefined ? undefined : at(columns.labelColumn);

  const examples: TextExample[] = [];
  for (const row of dataRows) {
    if (row.fields.length !== width) {
      malformed.report(row.line, `expected ${width} ${separated} columns (${layout}), got ${row.fields.length}`);
      continue;
    }
    let label: TextExample["label"] = null;
    if (labelIndex !== undefined && columns.labelColumn !== undefined) {
      const parsed = parseLabelField(row.fields[labelIndex], columns.labelKind, labelSeparator);
      if (!parsed.ok) {
        malformed.report(row.line, `label column ${describeColumn(columns.labelColumn)}: ${parsed.reason}`);
        continue;
      }
      label = parsed.label;
    }
    const example: TextExample = { textA: row.fields[textIndex], label, line: row.line };
    if (pairIndex !== undefined) example.textB = row.fields[pairIndex];
    examples.push(example);
  }
  return { file: path, examples, skipped: malformed.skipped };
}

/** TSV with QUOTE_NONE semantics: every tab separates, quotes are text. */
function tsvRows(text: string): Row[] {
  const rows: Row[] = [];
  splitLines(text).forEach((line, index) => {
    if (!isBlankLine(line)) rows.push({ line: index + 1, fields: line.split("\t") });
  });
  return rows;
}

function csvRows(text: string, malformed: MalformedRows, path: string, header: boolean): Row[] {
  const rows: Row[] = [];
  for (const record of parseCsvRecords(text)) {
    if ("error" in record) {
      // a header that cannot be parsed leaves no column layout to read the rest with
      if (header && rows.length === 0) throw new FormatError(`${path}:${record.line}: header row: ${record.error}`);
      malformed.report(record.line, record.error);
      continue;
    }
    rows.push(record);
  }
  return rows;
}

function columnIndex(column: ColumnRef, names: string[], width: number, header: boolean, headerAt: string, component: string): number {
  if (typeof column === "number") {
    if (column >= width) {
      const source = header ? "the header has" : "the first row has";
      throw new ConfigError(`${component}: column #${column} is out of range; ${source} ${width} columns`);
    }
    return column;
  }
  const matches = names.flatMap((name, index) => (name === column ? [index] : []));
  if (matches.length === 0) {
    throw new FormatError(`${headerAt}: expected a column named ${JSON.stringify(column)} in the header, got ${names.map((name) => JSON.stringify(name)).join(", ")}`);
  }
  if (matches.length > 1) {
    throw new FormatError(`${headerAt}: column name ${JSON.stringify(column)} appears ${matches.length} times in the header; choose one by 0-based index`);
  }
  return matches[0];
}
