// `npm run bench:tokenize`: encode throughput on all of SST-2 train (67,349 sentences) for BERT uncased
// WordPiece (vocab.txt) and RoBERTa byte-level BPE (vocab.json + merges.txt), next to tokenizers.js
// (@huggingface/tokenizers, the devDependency the parity tests use) on the same sentences in the same run.
// One encode call per sentence, special tokens added, no padding or truncation; one warm-up pass (which also
// fills the BPE caches of both), then the best of 3 timed passes. Tokens counted include the special tokens.
// Needs the shared data (../shared/data) and the devDependencies.
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { fromBpeFiles, fromVocabFile } from "../src/tokenize/index.js";
import { bertOracle, robertaOracle } from "../tests/tokenize/oracle.js";
import { dataPath, needsData, VOCAB } from "../tests/tokenize/data-files.js";

const SST2_TRAIN = dataPath("glue/SST-2/train.tsv");
const WARMUP = 1;
const RUNS = 3;

/** Encodes every sentence once; returns the number of tokens. */
type Pass = (sentences: readonly string[]) => number;

interface Result {
  model: string;
  implementation: string;
  seconds: number[];
  tokens: number;
}

function time(pass: Pass, sentences: readonly string[]): { seconds: number[]; tokens: number } {
  let tokens = 0;
  for (let i = 0; i < WARMUP; i++) tokens = pass(sentences);
  const seconds: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const n = pass(sentences);
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
    if (n !== tokens) throw new Error(`token count changed between passes: ${tokens} then ${n}`);
  }
  return { seconds, tokens };
}

const pad = (s: string, n: number): string => s.padEnd(n);
const num = (x: number, digits = 0): string => x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

function main(): void {
  const missing = needsData(SST2_TRAIN, VOCAB.bertUncased, VOCAB.robertaVocab, VOCAB.robertaMerges);
  if (missing) {
    console.error(`bench:tokenize: ${missing}`);
    process.exitCode = 1;
    return;
  }
  const sentences = readFileSync(SST2_TRAIN, "utf8").split("\n").slice(1).filter((line) => line !== "").map((line) => line.split("\t")[0]);

  const bert = fromVocabFile(VOCAB.bertUncased, { lowercase: true });
  const bertJs = bertOracle(VOCAB.bertUncased, true);
  const roberta = fromBpeFiles(VOCAB.robertaVocab, VOCAB.robertaMerges);
  const robertaJs = robertaOracle(VOCAB.robertaVocab, VOCAB.robertaMerges);

  const cases: Array<{ model: string; implementation: string; pass: Pass }> = [
    { model: "BERT uncased WordPiece", implementation: "AdapterKit", pass: (xs) => xs.reduce((n, s) => n + bert.encode(s).ids.length, 0) },
    { model: "BERT uncased WordPiece", implementation: "tokenizers.js", pass: (xs) => xs.reduce((n, s) => n + bertJs.encode(s).ids.length, 0) },
    { model: "RoBERTa BPE", implementation: "AdapterKit", pass: (xs) => xs.reduce((n, s) => n + roberta.encode(s).ids.length, 0) },
    { model: "RoBERTa BPE", implementation: "tokenizers.js", pass: (xs) => xs.reduce((n, s) => n + robertaJs.encode(s).ids.length, 0) },
  ];

  console.log(`SST-2 train: ${num(sentences.length)} sentences; ${WARMUP} warm-up pass, best of ${RUNS}; Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}`);
  const results: Result[] = [];
  for (const c of cases) {
    const { seconds, tokens } = time(c.pass, sentences);
    results.push({ model: c.model, implementation: c.implementation, seconds, tokens });
    console.log(`  ${c.model} / ${c.implementation}: ${seconds.map((s) => s.toFixed(3)).join(" s, ")} s`);
  }

  console.log("");
  const header = `${pad("model", 24)}${pad("implementation", 16)}${"best s".padStart(8)}${"sentences/s".padStart(14)}${"tokens/s".padStart(14)}${"tokens".padStart(12)}${"vs tokenizers.js".padStart(18)}`;
  console.log(header);
  console.log("-".repeat(header.length));
  for (const r of results) {
    const best = Math.min(...r.seconds);
    const js = results.find((x) => x.model === r.model && x.implementation === "tokenizers.js");
    const ratio = js === undefined ? "" : `${(Math.min(...js.seconds) / best).toFixed(2)}x`;
    console.log(
      `${pad(r.model, 24)}${pad(r.implementation, 16)}${best.toFixed(3).padStart(8)}${num(sentences.length / best).padStart(14)}${num(r.tokens / best).padStart(14)}${num(r.tokens).padStart(12)}${ratio.padStart(18)}`,
    );
  }
  for (const model of new Set(results.map((r) => r.model))) {
    const [a, b] = results.filter((r) => r.model === model);
    if (a.tokens !== b.tokens) console.log(`note: ${model}: token counts differ (${a.tokens} vs ${b.tokens})`);
  }
  console.log("\nvs tokenizers.js: its best time / this row's best time (above 1: faster than tokenizers.js).");
}

main();
