// Learning-rate schedules.
//   "bert": google-research/bert: lr(s) = peak·s/warmup while s < warmup, else peak·(1 - s/total) — the
//           decay runs from step 0, so the rate drops to peak·(1 - warmup/total) when warmup ends.
//   "linear": Hugging Face's get_linear_schedule_with_warmup: continuous, peak·(total-s)/(total-warmup)
//           after warmup.
// s counts optimizer steps from 0; both give 0 at s = 0 when warmup > 0.
import { ConfigError } from "../errors.js";

export type ScheduleKind = "bert" | "linear" | "constant";

export interface Schedule {
  readonly kind: ScheduleKind;
  readonly peak: number;
  readonly totalSteps: number;
  readonly warmupSteps: number;
}

/** warmupSteps = floor(totalSteps · warmupProportion), as run_classifier.py computes it. */
export function schedule(kind: ScheduleKind, peak: number, totalSteps: number, warmupProportion: number): Schedule {
  if (!(peak > 0) || !(totalSteps >= 1) || !(warmupProportion >= 0 && warmupProportion < 1)) {
    throw new ConfigError(`schedule: expected lr > 0, total steps >= 1, warmup proportion in [0,1), got ${peak}, ${totalSteps}, ${warmupProportion}`);
  }
  return Object.freeze({ kind, peak, totalSteps, warmupSteps: Math.floor(totalSteps * warmupProportion) });
}

export function learningRate(s: Schedule, step: number): number {
  const { peak, totalSteps, warmupSteps } = s;
  if (s.kind === "constant") return peak;
  if (step < warmupSteps) return (peak * step) / warmupSteps;
  if (s.kind === "bert") return peak * Math.max(0, 1 - Math.min(step, totalSteps) / totalSteps);
  return peak * Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}
