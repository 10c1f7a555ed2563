// npm run experiment:kadapter — K-Adapter's OpenEntity result measured on the shipped mini BERT: the encoder
// alone against the encoder with a factual adapter (+F), a linguistic adapter (+L) and both (+F+L), in the
// reference's setting (knowledge adapters frozen, the encoder fine-tuned, concat fusion), over several seeds.
//
// First the two adapters are pretrained with the encoder frozen: factual on relation classification
// (LitWD1Krel, every fifth example held out), linguistic on dependency heads (UD English-EWT train, scored on
// its dev split). Every finished run is appended to results/kadapter-runs.json, so the command resumes where
// it stopped; the table goes to results/kadapter.md and into README.md between its markers.
import { rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Command } from "commander";
import { AdapterKit } from "../src/api/index.js";
import { fullDataDir } from "../src/cli/setup.js";
import type { RunOutcome } from "../src/train/index.js";
import { loadRuns, mean, publishRuns, ROOT, std } from "./runs.js";

interface Flags {
  model: string;
  data: string;
  seeds: number;
  work: string;
  results: string;
  readme: boolean;
  quick: boolean;
}

interface RunResult {
  run: string; // "pretrain-fac", "pretrain-lin", or an OpenEntity setting
  seed: number;
  metrics: Record<string, number>;
  seconds: number;
}

// The OpenEntity settings: which pretrained adapters join the encoder.
const SETTINGS: { id: string; label: string; adapters: ("fac" | "lin")[]; paper: number }[] = [
  { id: "base", label: "encoder alone", adapters: [], paper: 76.23 },
  { id: "fac", label: "+ factual adapter (F)", adapters: ["fac"], paper: 77.53 },
  { id: "lin", label: "+ linguistic adapter (L)", adapters: ["lin"], paper: 76.89 },
  { id: "fac+lin", label: "+ both (F+L)", adapters: ["fac", "lin"], paper: 77.61 },
];

const common = (flags: Flags) => ({
  dataDir: flags.data, warmupProportion: 0.1, checkpointEvery: 1_000_000, resume: false, maxTrainExamples: flags.quick ? 64 : undefined,
});

/** The kept dev metrics of a run and its wall time. */
async function timed(fn: () => Promise<RunOutcome>): Promise<{ metrics: Record<string, number>; seconds: number }> {
  const started = Date.now();
  const outcome = await fn();
  return { metrics: outcome.best?.metrics ?? {}, seconds: (Date.now() - started) / 1000 };
}

function table(runs: readonly RunResult[], seeds: number): string {
  const pct = (x: number): string => (100 * x).toFixed(1);
  const rows = SETTINGS.map((s) => {
    const at = runs.filter((r) => r.run === s.id);
    if (!at.length) return `| ${s.label} | not run | | | ${s.paper} |`;
    const f1 = at.map((r) => r.metrics.f1);
    const cell = (k: string): string => pct(mean(at.map((r) => r.metrics[k])));
    return `| ${s.label} | ${pct(mean(f1))} ± ${pct(std(f1))} (n=${at.length}/${seeds}) | ${cell("precision")} | ${cell("recall")} | ${s.paper} |`;
  });
  const fac = runs.find((r) => r.run === "pretrain-fac");
  const lin = runs.find((r) => r.run === "pretrain-lin");
  return [
    "| OpenEntity dev | micro-F1 | precision | recall | paper, RoBERTa-large (test micro-F1) |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    `Adapter pretraining (encoder frozen): factual, relation classification on LitWD1Krel's held-out fifth: ${fac ? `accuracy ${pct(fac.metrics.accuracy)}, macro-F1 ${pct(fac.metrics.macroF1)} (${Math.round(fac.seconds)} s)` : "not run"}; linguistic, dependency heads on UD English-EWT dev: ${lin ? `UAS ${pct(lin.metrics.uas)} (${Math.round(lin.seconds)} s)` : "not run"}.`,
  ].join("\n");
}

async function writeOutputs(flags: Flags, runs: readonly RunResult[]): Promise<void> {
  const md = `${table(runs, flags.seeds)}\n\nMean ± sample standard deviation over seeds; loose micro P/R/F1 as ERNIE and K-Adapter compute them. Produced by \`npm run experiment:kadapter\``;
  await publishRuns(flags.results, flags.model, runs, md, flags.readme ? "kadapter-table" : null);
}

async function main(flags: Flags): Promise<void> {
  await mkdir(dirname(flags.results), { recursive: true });
  const runs = loadRuns<RunResult>(flags.results, flags.model);
  const record = async (r: RunResult): Promise<void> => {
    runs.push(r);
    await writeOutputs(flags, runs);
    console.log(`== ${r.run} seed ${r.seed}: ${JSON.stringify(r.metrics)} (${Math.round(r.seconds)} s)`);
  };
  const kit = await AdapterKit.load(flags.model, { log: (line) => console.error(line) });
  const adapterDir = (name: string): string => join(flags.work, `pretrain-${name}`, "adapter");
  const pretrain = { lr: 3e-4, batchSize: 32, maxSeqLength: 64, weightDecay: 0, seed: 1, adapterLayers: 2, skipLayers: 0, maskPadding: true };
  if (!runs.some((r) => r.run === "pretrain-fac")) {
    const out = join(flags.work, "pretrain-fac");
    rmSync(out, { recursive: true, force: true });
    await record({ run: "pretrain-fac", seed: 1, ...await timed(() => kit.pretrainKnowledgeAdapter({ ...common(flags), ...pretrain, out, task: "relation", epochs: flags.quick ? 1 : 10 })) });
  }
  if (!runs.some((r) => r.run === "pretrain-lin")) {
    const out = join(flags.work, "pretrain-lin");
    rmSync(out, { recursive: true, force: true });
    await record({ run: "pretrain-lin", seed: 1, ...await timed(() => kit.pretrainKnowledgeAdapter({ ...common(flags), ...pretrain, out, task: "dependency", epochs: flags.quick ? 1 : 2 })) });
  }
  for (let seed = 1; seed <= flags.seeds; seed++) {
    for (const setting of SETTINGS) {
      if (runs.some((r) => r.run === setting.id && r.seed === seed)) continue;
      const out = join(flags.work, `openentity-${setting.id}-${seed}`);
      rmSync(out, { recursive: true, force: true });
      const result = await timed(() => kit.trainKnowledgeTask({
        ...common(flags), out, task: "openentity", knowledge: setting.adapters.map((name) => ({ name, dir: adapterDir(name) })), fusion: "concat",
        freezeEncoder: false, trainAdapters: false, lr: 1e-4, epochs: flags.quick ? 1 : 5, batchSize: 16, maxSeqLength: 128, weightDecay: 0.01, seed,
      }));
      rmSync(out, { recursive: true, force: true });
      await record({ run: setting.id, seed, ...result });
    }
  }
  await writeOutputs(flags, runs);
  console.log(table(runs, flags.seeds));
}

const program = new Command()
  .option("--model <dir>", "the base model", join(ROOT, "models/mini-bert-uncased"))
  .option("--data <dir>", "the full data folder (default ../shared/data)")
  .option("--seeds <n>", "seeds per OpenEntity setting", (v) => Number(v), 3)
  .option("--work <dir>", "where the pretrained adapters and run folders go", join(ROOT, "runs/experiment-kadapter"))
  .option("--results <file>", "raw results (JSON); the table is written beside it", join(ROOT, "experiments/results/kadapter-runs.json"))
  .option("--no-readme", "do not rewrite the table in README.md")
  .option("--quick", "a smoke run: 64 training examples, 1 epoch (numbers meaningless)", false);
program.parse();
const opts = program.opts<Omit<Flags, "data"> & { data?: string }>();
await main({ ...opts, data: fullDataDir(opts.data, "experiment:kadapter") });
