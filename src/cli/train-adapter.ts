// kit.train with the terminal's progress bar and closing lines (the adapter's size next to the model's);
// shared by train and demo.
import type { AdapterKit, TrainArgs, TrainSummary } from "../api/index.js";
import { printOutcome, progressEvents } from "./run-training.js";
import { log } from "./setup.js";

export async function trainWithProgress(kit: AdapterKit, args: TrainArgs): Promise<TrainSummary> {
  const events = progressEvents("train");
  const summary = await kit.train({
    ...args,
    onStart: (s) => {
      if (s.skipped.length)
        log(
          `skipped ${s.skipped.length} malformed row(s): ${s.skipped
            .slice(0, 3)
            .map((x) => `${x.file}:${x.line} (${x.reason})`)
            .join("; ")}${s.skipped.length > 3 ? "; ..." : ""}`,
        );
      log(`task ${s.task}: ${s.kind}, ${s.labels.length} label(s), ${s.trainExamples} train / ${s.devExamples} dev examples`);
      const c = s.counts;
      const pct = (n: number): string => `${((100 * n) / c.total).toFixed(2)}%`;
      log(
        `parameters: ${c.total.toLocaleString("en")} total, ${c.trainable.toLocaleString("en")} trainable (${pct(c.trainable)}), adapter ${c.adapter.toLocaleString("en")} (${pct(c.adapter)}); mode ${s.mode}`,
      );
    },
    onProgress: events.onProgress,
    onEval: events.onEval,
  });
  events.stop();
  const mb = (n: number): string => `${(n / 1e6).toFixed(2)} MB`;
  const bytes = summary.adapterBytes ?? 0;
  printOutcome(summary, [
    summary.modelDir
      ? `model: ${summary.modelDir}; head in ${summary.adapterDir}`
      : `adapter: ${mb(bytes)} in ${summary.adapterDir}${summary.modelBytes ? ` (base model ${mb(summary.modelBytes)}, ${((100 * bytes) / summary.modelBytes).toFixed(1)}%)` : ""}`,
  ]);
  return summary;
}
