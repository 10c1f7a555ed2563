// The training loop: length-bucketed batches, dropout on, gradient accumulation, global-norm clipping,
// Adam with a warmup schedule, evaluation on dev keeping the best, checkpoints every N steps, exact resume.
//
// Repeatability: the data order of epoch e comes from the stream Rng(seed).fork("order/e") and dropout from
// the stream fork("dropout"), whose state is checkpointed, so a run killed and resumed ends with the same
// weights as an uninterrupted one.
import { scale, type Engine } from "../autograd/index.js";
import { batchOrder, collate, type EncodedExample, type TaskKind } from "../data/index.js";
import { EngineError } from "../errors.js";
import { Rng } from "../rng.js";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { clipGradNorm } from "./clip.js";
import { evaluate, type Prediction } from "./evaluate.js";
import { Adam, type AdamVariant } from "./optim/adam.js";
import { learningRate, schedule, type ScheduleKind } from "./schedule.js";
import type { TrainableModel } from "./task-model.js";
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

export interface LoopEvents {
  onStep?(info: { step: number; totalSteps: number; epoch: number; loss: number; lr: number; tokens: number }): void;
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

/** Thrown when the loss or the gradient norm stops being finite; the last checkpoint on disk is intact. */
export class TrainingDivergedError extends EngineError {}

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
    const saved = await loadCheckpoint<History>(args.checkpointDir);
    if (saved) {
      for (const [n, t] of trainable) {
        const values = saved.params.get(n);
        if (!values || values.length !== t.size) throw new EngineError(`resume: expected checkpoint weights for "${n}", got ${values ? values.length : "none"}`);
        t.data.set(values);
      }
      adam.setState(saved.adam);
      dropoutRng.setState(saved.state.dropoutRng);
      position = saved.state.position;
      history = saved.state.history;
    }
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
      for (const p of params) p.zeroGrad();
      const group = order.slice(position.batch, position.batch + config.gradAccumulation);
      let lossSum = 0;
      let tokens = 0;
      for (const indices of group) {
        const batch = collate(indices.map((i) => train[i]), args.kind, args.padId);
        const labels = batch.labels;
        if (!labels) throw new EngineError(`train: expected labelled training data, got an unlabelled example at ${batch.examples[0]?.source}`);
        const loss = model.loss(model.forward(batch, ctx), labels);
        const value = loss.item();
        if (!Number.isFinite(value)) {
          throw new TrainingDivergedError(`train: expected a finite loss, got ${value} at step ${position.step} (epoch ${position.epoch + 1}); the last checkpoint in ${args.checkpointDir} is intact; hint: lower the learning rate`);
        }
        engine.backward(group.length > 1 ? scale(loss, 1 / group.length) : loss);
        engine.release();
        lossSum += value;
        tokens += batch.batchSize * batch.seqLength;
      }
      const norm = clipGradNorm(params, config.clipNorm);
      if (!Number.isFinite(norm)) {
        throw new TrainingDivergedError(`train: expected finite gradients, got norm ${norm} at step ${position.step}; the last checkpoint in ${args.checkpointDir} is intact; hint: lower the learning rate`);
      }
      const lr = learningRate(sched, position.step);
      adam.step(lr);
      const loss = lossSum / group.length;
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
