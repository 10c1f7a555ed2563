// The training loop: length-bucketed batches, dropout on, gradient accumulation, global-norm clipping,
// Adam with a warmup schedule, evaluation on dev keeping the best, checkpoints every N steps, exact resume.
//
// Repeatability: the data order of epoch e comes from the stream Rng(seed).fork("order/e") and dropout from
// the stream fork("dropout"), whose state is checkpointed, so a run killed and resumed ends with the same
// weights as an uninterrupted one.
import type { Engine } from "../autograd/index.js";
import { batchOrder, collate, type EncodedExample, type TaskKind } from "../data/index.js";
import { EngineError } from "../errors.js";
import { Rng } from "../rng.js";
import { saveCheckpoint } from "./checkpoint.js";
import { evaluate, type Prediction } from "./evaluate.js";
import { Adam, type AdamVariant } from "./optim/adam.js";
import { learningRate, schedule, type ScheduleKind } from "./schedule.js";
import type { TrainableModel } from "./task-model.js";
import { optimizerStep, restoreCheckpoint } from "./step.js";
import type { NamedTensor } from "./trainable.js";

export interface LoopConfig {
  epochs: number;
  batchSize: number;
  gradAccumulation: number; // batches per optimizer step
  lr: number;
  warmupProportion: number;
  schedule: ScheduleKind;
  optimizer: AdamVariant;
  weightDecay: number;
  clipNorm: number;
  seed: number;
  evalEverySteps: number | null; // null: after each epoch
  checkpointEverySteps: number;
  maxSteps?: number; // stop early (tests, smoke runs); the schedule still spans the full run
}

export interface Score {
  metrics: Record<string, number>;
  primary: number; // higher is better
}

export interface StepRecord {
  step: number;
  loss: number;
  lr: number;
}

export interface EvalRecord {
  step: number;
  epoch: number;
  loss: number | null;
  metrics: Record<string, number>;
}

export interface History {
  steps: StepRecord[];
  evals: EvalRecord[];
  best: { step: number; primary: number } | null;
}

export interface StepInfo {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  lr: number;
  tokens: number;
}

export interface DevScore {
  step: number;
  metrics: Record<string, number>;
}

/** How a run ended, as a caller reports it: the kept (best) dev score of how many, and the last one. */
export interface RunOutcome {
  primaryMetric: string;
  /** The kept adapter's dev score (the best of `evaluations`) and the last evaluation's; null without dev data. */
  best: DevScore | null;
  last: DevScore | null;
  evaluations: number;
  /** The run's folder (report.html, metrics.json, checkpoints/, what it saved). */
  out: string;
  history: History;
}

/** A run's outcome from its history (a resumed run's best may predate the process, so it is read from there). */
export function runOutcome(history: History, primaryMetric: string, out: string): RunOutcome {
  const best = history.best ? history.evals.find((e) => e.step === history.best?.step) : undefined;
  const last = history.evals.at(-1);
  return {
    primaryMetric, out, evaluations: history.evals.length, history,
    best: best ? { step: best.step, metrics: best.metrics } : null, last: last ? { step: last.step, metrics: last.metrics } : null,
  };
}

export interface LoopEvents {
  onStep?(info: StepInfo): void;
  onEval?(record: EvalRecord, isBest: boolean): void;
  /** Called when dev improves (save the adapter here). */
  onBest?(step: number): Promise<void>;
}

export interface LoopArgs {
  engine: Engine;
  model: TrainableModel;
  trainable: readonly NamedTensor[];
  train: readonly EncodedExample[];
  dev: readonly EncodedExample[] | null;
  kind: TaskKind;
  padId: number;
  score: (predictions: Prediction[], dev: readonly EncodedExample[]) => Score;
  config: LoopConfig;
  checkpointDir: string;
  resume: boolean;
  /** Per-parameter learning-rate multipliers by name (layerDecayScale); all 1 when absent. */
  lrScale?: (name: string) => number;
  events?: LoopEvents;
}

export async function runTraining(args: LoopArgs): Promise<History> {
  const { engine, model, trainable, train, config, events } = args;
  const batchesPerEpoch = Math.ceil(train.length / config.batchSize);
  const stepsPerEpoch = Math.ceil(batchesPerEpoch / config.gradAccumulation);
  const totalSteps = stepsPerEpoch * config.epochs;
  const sched = schedule(config.schedule, config.lr, totalSteps, config.warmupProportion);
  const adam = new Adam(trainable, { variant: config.optimizer, weightDecay: config.weightDecay, lrScale: args.lrScale });
  const seedRng = new Rng(config.seed);
  const dropoutRng = seedRng.fork("dropout");
  const params = trainable.map(([, t]) => t);
  let position = { step: 0, epoch: 0, batch: 0 };
  let history: History = { steps: [], evals: [], best: null };

  if (args.resume) {
    const saved = await restoreCheckpoint<History>(args.checkpointDir, trainable, adam, dropoutRng);
    if (saved) ({ position, history } = saved);
  }

  const checkpoint = (): Promise<void> => saveCheckpoint(args.checkpointDir, { position, dropoutRng: dropoutRng.getState(), history }, trainable, adam.getState());

  const evaluateDev = async (epoch: number): Promise<void> => {
    const dev = args.dev;
    if (!dev) return;
    const batches = batchOrder(dev, config.batchSize, null).map((idx) => collate(idx.map((i) => dev[i]), args.kind, args.padId));
    const result = evaluate(engine, model, batches, args.kind);
    const score = args.score(result.predictions, dev);
    const record: EvalRecord = { step: position.step, epoch, loss: result.loss, metrics: score.metrics };
    history.evals.push(record);
    const isBest = history.best === null || score.primary > history.best.primary;
    if (isBest) {
      history.best = { step: position.step, primary: score.primary };
      await events?.onBest?.(position.step);
    }
    events?.onEval?.(record, isBest);
  };

  const ctx = { training: true, rng: dropoutRng };
  const stopAt = Math.min(totalSteps, config.maxSteps ?? totalSteps);
  while (position.epoch < config.epochs && position.step < stopAt) {
    const order = batchOrder(train, config.batchSize, seedRng.fork(`order/${position.epoch}`));
    while (position.batch < order.length && position.step < stopAt) {
      const group = order.slice(position.batch, position.batch + config.gradAccumulation);
      const batches = group.map((indices) => collate(indices.map((i) => train[i]), args.kind, args.padId));
      const lr = learningRate(sched, position.step);
      const { loss } = optimizerStep({
        engine, params, adam, lr, clipNorm: config.clipNorm, microBatches: batches.length,
        where: { label: "train", step: position.step, checkpointDir: args.checkpointDir, hint: "lower the learning rate" },
        lossOf: (micro) => {
          const batch = batches[micro];
          if (!batch.labels) throw new EngineError(`train: expected labelled training data, got an unlabelled example at ${batch.examples[0]?.source}`);
          return model.loss(model.forward(batch, ctx), batch.labels, batch);
        },
      });
      const tokens = batches.reduce((n, b) => n + b.batchSize * b.seqLength, 0);
      history.steps.push({ step: position.step, loss, lr });
      position = { ...position, step: position.step + 1, batch: position.batch + group.length };
      events?.onStep?.({ step: position.step, totalSteps: stopAt, epoch: position.epoch, loss, lr, tokens });
      if (config.evalEverySteps !== null && position.step % config.evalEverySteps === 0) await evaluateDev(position.epoch);
      if (position.step % config.checkpointEverySteps === 0) await checkpoint();
    }
    if (position.batch >= order.length) {
      if (config.evalEverySteps === null) await evaluateDev(position.epoch);
      position = { step: position.step, epoch: position.epoch + 1, batch: 0 };
      await checkpoint();
    }
  }
  // every run ends evaluated (and, through onBest, saved), however short: --max-steps below one epoch included
  const lastEval = history.evals.at(-1);
  if (position.step > 0 && lastEval?.step !== position.step) await evaluateDev(Math.max(0, position.batch > 0 ? position.epoch : position.epoch - 1));
  return history;
}
