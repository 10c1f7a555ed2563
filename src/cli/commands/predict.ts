// adapterkit predict: every row of a TSV/CSV/JSONL file through a saved adapter, as JSONL: the library's typed
// result per row (classification { label, score, scores }, regression { value }, multi-label { labels, scores },
// tagging { entities: [{ entity, text, start, end, score }] }).
import type { Command } from "commander";
import { readTextExamples, type TextReadOptions } from "../../data/index.js";
import { writeFileAtomic } from "../../io/index.js";
import type { LinearPrecision } from "../../kernels/index.js";
import { integer, log, openKit, precision, PRECISION_HELP } from "../setup.js";

interface PredictFlags {
  model: string;
  adapterDir: string;
  input: string;
  output: string;
  format: "tsv" | "csv" | "jsonl";
  textColumn: string;
  textPairColumn?: string;
  header: boolean;
  maxSeqLength: number;
  batchTokens: number;
  lowercase?: boolean;
  precision: LinearPrecision;
}

const column = (value: string): string | number => (/^\d+$/.test(value) ? Number(value) : value);

export async function predict(flags: PredictFlags): Promise<void> {
  const columns = { textColumn: column(flags.textColumn), textPairColumn: flags.textPairColumn === undefined ? undefined : column(flags.textPairColumn) };
  const read: TextReadOptions = flags.format === "jsonl" ? { format: "jsonl", ...columns } : { format: flags.format, header: flags.header, ...columns };
  const rows = readTextExamples(flags.input, read);
  const kit = await openKit(flags.model, { lowercase: flags.lowercase, precision: flags.precision });
  const { name } = await kit.loadAdapter("predict", flags.adapterDir);
  const inputs = rows.examples.map((x) => (x.textB === undefined ? x.textA : { text: x.textA, textPair: x.textB }));
  const results = await kit.predict(name, inputs, {
    maxSeqLength: flags.maxSeqLength,
    maxBatchTokens: flags.batchTokens,
    inputName: (i) => `${rows.file}:${rows.examples[i].line}`,
  });
  const lines = results.map((result, i) => {
    const row = rows.examples[i];
    const fields = Array.isArray(result) ? { entities: result } : result;
    return JSON.stringify({ line: row.line, text: row.textA, ...(row.textB !== undefined ? { text_pair: row.textB } : {}), ...fields });
  });
  await writeFileAtomic(flags.output, lines.join("\n") + (lines.length ? "\n" : ""));
  log(`wrote ${lines.length} predictions to ${flags.output}`);
}

export function registerPredict(program: Command): void {
  program
    .command("predict")
    .description("run a saved adapter over a TSV/CSV/JSONL file (any head kind, tagging included); writes JSONL")
    .requiredOption("--model <dir>", "the base model directory the adapter was trained on")
    .requiredOption("--adapter-dir <dir>", "the adapter folder")
    .requiredOption("--input <file>", "rows to label")
    .requiredOption("--output <file>", "JSONL output: one line per row with the row's line, text and result")
    .option("--format <format>", "tsv, csv or jsonl", "tsv")
    .option("--text-column <column>", "text column (header name, JSON key or 0-based index)", "sentence")
    .option("--text-pair-column <column>", "second text column, for an adapter trained on pairs")
    .option("--no-header", "the TSV/CSV has no header row")
    .option("--max-seq-length <n>", "tokens per example", integer("max-seq-length"), 128)
    .option("--batch-tokens <n>", "padded tokens per forward", integer("batch-tokens"), 4096)
    .option("--lowercase", "lowercase text (a vocab.txt model without tokenizer_config.json)")
    .option("--precision <p>", PRECISION_HELP, precision, "fp32")
    .action(async (flags: PredictFlags) => predict(flags));
}
