// A library training run as the terminal shows it: a progress bar, each evaluation, and the closing lines
// (which dev score, where the report went). Shared by train, demo and kadapter.
import { join } from "node:path";
import type { EvalRecord, RunOutcome, StepInfo } from "../train/index.js";
import { Progress } from "./progress.js";

const fmtMetrics = (m: Record<string, number>): string =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join(", ");

/** Progress callbacks for a run's events; call stop() when the run returns. */
export function progressEvents(label: string): { onProgress(s: StepInfo): void; onEval(r: EvalRecord, isBest: boolean): void; stop(): void } {
  const progress = new Progress(label);
  let started = false;
  return {
    onProgress: (s) => {
      if (!started) progress.start(s.totalSteps, s.step - 1); // a resumed run starts past step 1
      started = true;
      progress.update({ step: s.step, total: s.totalSteps, loss: s.loss, lr: s.lr, tokens: s.tokens });
    },
    onEval: (r, isBest) => progress.log(`eval step ${r.step} (epoch ${r.epoch + 1}): ${fmtMetrics(r.metrics)}${isBest ? " (best)" : ""}`),
    stop: () => progress.stop(),
  };
}

/** The dev line (the best of N evaluations, at step k, and the last one) and, after `more`, where the report went. */
export function printOutcome(o: RunOutcome, more: readonly string[] = []): void {
  const metric = o.primaryMetric;
  if (o.best && o.last) {
    const last = o.last.step === o.best.step ? "also the last" : `last: ${o.last.metrics[metric]?.toFixed(4)} at step ${o.last.step}`;
    console.log(
      `dev ${metric}: ${o.best.metrics[metric]?.toFixed(4)}, the best of ${o.evaluations} evaluation(s), at step ${o.best.step} (${last}); ${fmtMetrics(o.best.metrics)}`,
    );
  } else {
    console.log(`dev ${metric}: n/a (no dev data); what was kept is the last step's`);
  }
  for (const line of more) console.log(line);
  console.log(`report: ${join(o.out, "report.html")}; metrics: ${join(o.out, "metrics.json")}`);
}
