// The one optimizer step that fine-tuning and pretraining share: zero the gradients, run each micro-batch's
// loss and backward (scaled by 1/n when accumulating), stop on a non-finite loss or gradient norm, clip the
// global norm, and step Adam at the schedule's rate. And the one checkpoint restore both resume with.
import { scale, type Engine, type Tensor } from "../autograd/index.js";
import { EngineError } from "../errors.js";
import type { Rng } from "../rng.js";
import { loadCheckpoint, type TrainerPosition } from "./checkpoint.js";
import { clipGradNorm } from "./clip.js";
import type { Adam } from "./optim/adam.js";
import type { NamedTensor } from "./trainable.js";

/** Thrown when the loss or the gradient norm stops being finite; the last checkpoint on disk is intact. */
export class TrainingDivergedError extends EngineError {}

export interface StepArgs {
  engine: Engine;
  params: readonly Tensor[];
  adam: Adam;
  lr: number;
  clipNorm: number;
  microBatches: number;
  /** Micro-batch i's loss (a scalar tensor on the tape). */
  lossOf(micro: number): Tensor;
  /** Names the run and where it is in errors: "train ... at step 12"; the hint says what to change. */
  where: { label: string; step: number; checkpointDir: string; hint: string };
}

/** Runs one optimizer step; returns the mean micro-batch loss and the gradient norm before clipping. */
export function optimizerStep(args: StepArgs): { loss: number; gradNorm: number } {
  const { engine, params, microBatches: n, where } = args;
  const intact = `the last checkpoint in ${where.checkpointDir} is intact`;
  for (const p of params) p.zeroGrad();
  let lossSum = 0;
  for (let micro = 0; micro < n; micro++) {
    const loss = args.lossOf(micro);
    const value = loss.item();
    if (!Number.isFinite(value)) {
      throw new TrainingDivergedError(`${where.label}: expected a finite loss, got ${value} at step ${where.step}; ${intact}; hint: ${where.hint}`);
    }
    engine.backward(n > 1 ? scale(loss, 1 / n) : loss);
    engine.release();
    lossSum += value;
  }
  const gradNorm = clipGradNorm(params, args.clipNorm);
  if (!Number.isFinite(gradNorm)) {
    throw new TrainingDivergedError(`${where.label}: expected finite gradients, got norm ${gradNorm} at step ${where.step}; ${intact}; hint: ${where.hint}`);
  }
  args.adam.step(args.lr);
  return { loss: lossSum / n, gradNorm };
}

/**
 * Puts the latest checkpoint under dir back: the trainable weights (each one present and of its size), Adam's
 * state and the dropout stream. Returns where the run was and its history, or null when there is none.
 */
export async function restoreCheckpoint<H>(dir: string, trainable: readonly NamedTensor[], adam: Adam, dropoutRng: Rng): Promise<{ position: TrainerPosition; history: H } | null> {
  const saved = await loadCheckpoint<H>(dir);
  if (!saved) return null;
  for (const [n, t] of trainable) {
    const values = saved.params.get(n);
    if (!values || values.length !== t.size) throw new EngineError(`resume: expected checkpoint weights for "${n}" in ${dir}, got ${values ? values.length : "none"}`);
  }
  for (const [n, t] of trainable) t.data.set(saved.params.get(n) ?? new Float32Array(0));
  adam.setState(saved.adam);
  dropoutRng.setState(saved.state.dropoutRng);
  return { position: saved.state.position, history: saved.state.history };
}
