// A library training run as the terminal shows it: what the run is, a progress bar, each evaluation, and the
// closing lines (which dev score, the adapter's size, where the report went). Shared by train and demo.
import { join } from "node:path";
import type { AdapterKit, TrainArgs, TrainSummary } from "../api/index.js";
import { Progress } from "./progress.js";
import { log } from "./setup.js";

const fmtMetrics = (m: Record<string, number>): string => Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(", ");

export async function trainWithProgress(kit: AdapterKit, args: TrainArgs): Promise<TrainSummary> {
  const progress = new Progress("train");
  let progressStarted = false;
  const summary = await kit.train({
    ...args,
    onStart: (s) => {
      if (s.skipped.length) log(`skipped ${s.skipped.length} malformed row(s): ${s.skipped.slice(0, 3).map((x) => `${x.file}:${x.line} (${x.reason})`).join("; ")}${s.skipped.length > 3 ? "; ..." : ""}`);
      log(`task ${s.task}: ${s.kind}, ${s.labels.length} label(s), ${s.trainExamples} train / ${s.devExamples} dev examples`);
      const c = s.counts;
      const pct = (n: number): string => `${((100 * n) / c.total).toFixed(2)}%`;
      log(`parameters: ${c.total.toLocaleString("en")} total, ${c.trainable.toLocaleString("en")} trainable (${pct(c.trainable)}), adapter ${c.adapter.toLocaleString("en")} (${pct(c.adapter)}); mode ${s.mode}`);
    },
    onProgress: (s) => {
      if (!progressStarted) progress.start(s.totalSteps, s.step - 1); // a resumed run starts past step 1
      progressStarted = true;
      progress.update({ step: s.step, total: s.totalSteps, loss: s.loss, lr: s.lr, tokens: s.tokens });
    },
    onEval: (r, isBest) => progress.log(`eval step ${r.step} (epoch ${r.epoch + 1}): ${fmtMetrics(r.metrics)}${isBest ? " (best)" : ""}`),
  });
  progress.stop();
  printSummary(summary);
  return summary;
}

/** The lines a run ends with: which dev score (best of N, at step k, and the last), the adapter's size, where things went. */
function printSummary(s: TrainSummary): void {
  const metric = s.primaryMetric;
  if (s.best && s.last) {
    const last = s.last.step === s.best.step ? "also the last" : `last: ${s.last.metrics[metric]?.toFixed(4)} at step ${s.last.step}`;
    console.log(`dev ${metric}: ${s.best.metrics[metric]?.toFixed(4)}, the best of ${s.evaluations} evaluation(s), at step ${s.best.step} (${last}); ${fmtMetrics(s.best.metrics)}`);
  } else {
    console.log(`dev ${metric}: n/a (no dev data); the adapter kept is the last step's`);
  }
  const mb = (n: number): string => `${(n / 1e6).toFixed(2)} MB`;
  const bytes = s.adapterBytes ?? 0;
  if (s.modelDir) console.log(`model: ${s.modelDir}; head in ${s.adapterDir}`);
  else console.log(`adapter: ${mb(bytes)} in ${s.adapterDir}${s.modelBytes ? ` (base model ${mb(s.modelBytes)}, ${((100 * bytes) / s.modelBytes).toFixed(1)}%)` : ""}`);
  console.log(`report: ${join(s.out, "report.html")}; metrics: ${join(s.out, "metrics.json")}`);
}
