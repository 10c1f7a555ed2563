// adapterkit predict: labels and probabilities for every row of a TSV/CSV/JSONL file, as JSONL.
import type { Command } from "commander";
import { batchOrder, collate, encodeText, readTextExamples, type TextReadOptions } from "../../data/index.js";
import { ConfigError } from "../../errors.js";
import { writeFileAtomic } from "../../io/index.js";
import { evaluate } from "../../train/index.js";
import { integer, log, openModel } from "../setup.js";
import { adapterModel } from "./adapter-model.js";

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
  batchSize: number;
  lowercase?: boolean;
}

const column = (value: string): string | number => (/^\d+$/.test(value) ? Number(value) : value);

export async function predict(flags: PredictFlags): Promise<void> {
  const session = await openModel(flags.model, { lowercase: flags.lowercase });
  const { model } = await adapterModel(session, flags.adapterDir);
  const kind = model.head.config.kind;
  if (kind === "tagging") throw new ConfigError(`predict: tagging heads take pre-tokenised words; use eval with a CoNLL file`);
  const columns = { textColumn: column(flags.textColumn), textPairColumn: flags.textPairColumn === undefined ? undefined : column(flags.textPairColumn) };
  const read: TextReadOptions = flags.format === "jsonl" ? { format: "jsonl", ...columns } : { format: flags.format, header: flags.header, ...columns };
  const rows = readTextExamples(flags.input, read);
  const inputs = rows.examples.map((x) => ({ textA: x.textA, textB: x.textB, label: null, source: `${rows.file}:${x.line}` }));
  const encoded = encodeText(session.tokenizer, inputs, kind, new Map(), flags.maxSeqLength);
  const order = batchOrder(encoded, flags.batchSize, null);
  const result = evaluate(session.engine, model, order.map((idx) => collate(idx.map((i) => encoded[i]), kind, session.tokenizer.specialTokenIds.pad ?? 0)), kind);
  const labels = model.head.config.labels;
  const lines = result.predictions.map((p, i) => {
    const row = rows.examples[i];
    const label = kind === "regression" ? p.value : Array.isArray(p.value) ? p.value.map((c) => labels[c]) : labels[p.value];
    const probabilities = p.probabilities ? Object.fromEntries(labels.map((l, c) => [l, Number(p.probabilities?.[c].toFixed(6))])) : undefined;
    return JSON.stringify({ line: row.line, text: row.textA, ...(row.textB !== undefined ? { text_pair: row.textB } : {}), label, probabilities });
  });
  await writeFileAtomic(flags.output, lines.join("\n") + "\n");
  log(`wrote ${lines.length} predictions to ${flags.output}`);
}

export function registerPredict(program: Command): void {
  program.command("predict").description("predict labels for a TSV/CSV/JSONL file with a saved adapter; writes JSONL")
    .requiredOption("--model <dir>", "the base model directory the adapter was trained on")
    .requiredOption("--adapter-dir <dir>", "the adapter folder")
    .requiredOption("--input <file>", "rows to label")
    .requiredOption("--output <file>", "JSONL output: one {line, text, label, probabilities} per row")
    .option("--format <format>", "tsv, csv or jsonl", "tsv")
    .option("--text-column <column>", "text column (header name, JSON key or 0-based index)", "sentence")
    .option("--text-pair-column <column>", "second text column for pair tasks")
    .option("--no-header", "the TSV/CSV has no header row")
    .option("--max-seq-length <n>", "tokens per example", integer("max-seq-length"), 128)
    .option("--batch-size <n>", "examples per batch", integer("batch-size"), 32)
    .option("--lowercase", "lowercase text (a vocab.txt model without tokenizer_config.json)")
    .action(async (flags: PredictFlags) => predict(flags));
}
