// The pretraining loop: packed sequences in a seeded order per epoch, BERT masking (and, with the
// next-sentence task, segment pairs) drawn afresh for every batch, AdamW with warmup and linear decay, held-out evaluation every N steps, checkpoints every few
// minutes, and a clean stop (checkpoint first) on a time limit or a signal.
//
// Exact resume: the data order of epoch e comes from Rng(seed, e) and the masks of a batch from
// Rng(seed, step, micro-batch), so nothing random needs saving but the dropout RNG; a run stopped and resumed
// any number of times ends with the same weights as one that never stopped.
import { add, type Engine, type Tensor } from "../autograd/index.js";
import { ConfigError, EngineError } from "../errors.js";
import type { BertModel, EncoderOutput, MaskedLmHead, NextSentenceHead } from "../models/index.js";
import type { ForwardContext } from "../nn/index.js";
import { Rng } from "../rng.js";
import {
  Adam, learningRate, optimizerStep, restoreCheckpoint, saveCheckpoint, schedule, type NamedTensor, type TrainerPosition,
} from "../train/index.js";
import { maskBatch, type MaskedBatch, type MaskingOptions, type MaskingVocab } from "./masking.js";
import { maskPairBatch } from "./next-sentence.js";
import type { PackedSequences } from "./packing.js";

export interface PretrainConfig {
  batchSize: number; // sequences per micro-batch
  gradAccumulation: number; // micro-batches per optimizer step
  totalSteps: number;
  lr: number;
  warmupSteps: number;
  weightDecay: number;
  beta2: number;
  clipNorm: number;
  seed: number;
  masking: MaskingOptions;
  evalEverySteps: number;
  checkpointEveryMinutes: number;
  /** Stop (after a checkpoint) once this much wall time has passed in this invocation; null: run to the end. */
  maxMinutes: number | null;
  /** Stop (after a checkpoint) on reaching this step, the schedule still spanning totalSteps; null: no such stop. */
  stopAtStep: number | null;
}

export interface HeldOutScore {
  step: number;
  loss: number;
  accuracy: number; // masked tokens predicted exactly
  nextSentenceAccuracy?: number; // with the next-sentence task
}

export interface PretrainHistory {
  /** gradNorm: the global gradient norm before clipping (a plateau shows there too). */
  steps: { step: number; loss: number; lr: number; gradNorm?: number; nextSentenceLoss?: number }[];
  evals: HeldOutScore[];
  /** Wall time spent training, summed over every invocation. */
  seconds: number;
  tokensSeen: number;
}

export interface PretrainArgs {
  engine: Engine;
  model: BertModel;
  head: MaskedLmHead;
  /** BERT's second objective; when given, batches are next-sentence pairs and its loss adds to the MLM loss. */
  nextSentence?: NextSentenceHead;
  trainable: readonly NamedTensor[];
  train: PackedSequences;
  heldOut: readonly MaskedBatch[];
  vocab: MaskingVocab;
  config: PretrainConfig;
  checkpointDir: string;
  events?: {
    onStep?(info: { step: number; totalSteps: number; loss: number; lr: number; tokens: number }): void;
    onEval?(score: HeldOutScore): void;
    onCheckpoint?(step: number): void;
  };
  /** Polled after every step; true asks the loop to checkpoint and return. */
  shouldStop?: () => boolean;
}

export interface PretrainResult {
  history: PretrainHistory;
  position: TrainerPosition;
  finished: boolean; // every step of the schedule has run
}

/** Masks (and with nextSentence, pairs) the held-out sequences once, with a fixed seed, so every evaluation
 *  scores the same predictions. */
export function maskHeldOut(sequences: PackedSequences, batchSize: number, vocab: MaskingVocab, masking: MaskingOptions, nextSentence = false): MaskedBatch[] {
  const rng = new Rng(0x5eed);
  const batches: MaskedBatch[] = [];
  const L = sequences.bodyLength;
  for (let start = 0; start < sequences.count; start += batchSize) {
    const n = Math.min(batchSize, sequences.count - start);
    const bodies = sequences.tokens.subarray(start * L, (start + n) * L);
    batches.push(nextSentence ? maskPairBatch(bodies, n, vocab, masking, rng, (r) => sequenceAt(sequences, r.int(sequences.count))) : maskBatch(bodies, n, vocab, masking, rng));
  }
  return batches;
}

function sequenceAt(sequences: PackedSequences, i: number): Int32Array {
  return sequences.tokens.subarray(i * sequences.bodyLength, (i + 1) * sequences.bodyLength);
}

function argmaxRows(logits: Float32Array | Float64Array, rows: number, width: number): Int32Array {
  const best = new Int32Array(rows);
  for (let m = 0; m < rows; m++) for (let v = 1; v < width; v++) if (logits[m * width + v] > logits[m * width + best[m]]) best[m] = v;
  return best;
}

export function scoreHeldOut(
  engine: Engine, model: BertModel, head: MaskedLmHead, batches: readonly MaskedBatch[], step: number, nextSentence?: NextSentenceHead,
): HeldOutScore {
  const ctx: ForwardContext = { training: false, rng: new Rng(0) };
  let lossSum = 0;
  let correct = 0;
  let count = 0;
  let pairsRight = 0;
  let pairs = 0;
  for (const batch of batches) {
    engine.noGrad(() => {
      const out = model.forward(batch.input, ctx);
      const logits = head.forward(out.lastHidden, batch.positions);
      lossSum += head.loss(logits, batch.labels).item() * batch.labels.length;
      const predicted = argmaxRows(logits.data, batch.labels.length, logits.shape[1]);
      predicted.forEach((p, m) => { if (p === batch.labels[m]) correct++; });
      count += batch.labels.length;
      const isNext = batch.nextSentenceLabels;
      if (nextSentence && isNext) {
        argmaxRows(nextSentence.forward(pooledOf(out)).data, isNext.length, 2).forEach((p, b) => { if (p === isNext[b]) pairsRight++; });
        pairs += isNext.length;
      }
    });
    engine.release();
  }
  const score: HeldOutScore = { step, loss: lossSum / Math.max(1, count), accuracy: correct / Math.max(1, count) };
  if (pairs > 0) score.nextSentenceAccuracy = pairsRight / pairs;
  return score;
}

const NO_POOLER = "pretrain: the next-sentence task reads the pooled output, and this model has no pooler; hint: drop --next-sentence";

/** The next-sentence task reads the pooled output; a model without a pooler cannot run it. */
function pooledOf(out: EncoderOutput): Tensor {
  if (!out.pooled) throw new ConfigError(NO_POOLER);
  return out.pooled;
}

export async function runPretraining(args: PretrainArgs): Promise<PretrainResult> {
  const { engine, model, head, nextSentence, trainable, train, config, events } = args;
  if (nextSentence && !model.pooler) throw new ConfigError(NO_POOLER);
  const started = Date.now();
  const sched = schedule("linear", config.lr, config.totalSteps, config.warmupSteps / config.totalSteps);
  const adam = new Adam(trainable, { variant: "torch", beta2: config.beta2, weightDecay: config.weightDecay });
  const seedRng = new Rng(config.seed); // named streams: dropout, each epoch's order, each micro-batch's masks
  const dropoutRng = seedRng.fork("dropout");
  const params = trainable.map(([, t]) => t);
  const L = train.bodyLength;
  const batchesPerEpoch = Math.floor(train.count / config.batchSize);
  if (batchesPerEpoch < 1) throw new EngineError(`pretrain: expected at least ${config.batchSize} training sequences, got ${train.count}`);
  let position: TrainerPosition = { step: 0, epoch: 0, batch: 0 };
  let history: PretrainHistory = { steps: [], evals: [], seconds: 0, tokensSeen: 0 };

  const saved = await restoreCheckpoint<PretrainHistory>(args.checkpointDir, trainable, adam, dropoutRng);
  if (saved) ({ position, history } = saved);
  const secondsBefore = history.seconds;
  const checkpoint = async (): Promise<void> => {
    history.seconds = secondsBefore + (Date.now() - started) / 1000;
    await saveCheckpoint(args.checkpointDir, { position, dropoutRng: dropoutRng.getState(), history }, trainable, adam.getState());
    events?.onCheckpoint?.(position.step);
  };

  const ctx: ForwardContext = { training: true, rng: dropoutRng };
  let order = epochOrder(train.count, seedRng, position.epoch);
  let lastCheckpoint = Date.now();
  const body = new Int32Array(config.batchSize * L);
  const reachedStop = (): boolean => config.stopAtStep !== null && position.step >= config.stopAtStep;
  while (position.step < config.totalSteps && !reachedStop()) {
    let mlmSum = 0;
    let nextSentenceSum = 0;
    const lr = learningRate(sched, position.step);
    const { gradNorm } = optimizerStep({
      engine, params, adam, lr, clipNorm: config.clipNorm, microBatches: config.gradAccumulation,
      where: { label: "pretrain", step: position.step, checkpointDir: args.checkpointDir, hint: "lower --lr or raise --warmup-steps" },
      lossOf: (micro) => {
        if (position.batch >= batchesPerEpoch) {
          position = { step: position.step, epoch: position.epoch + 1, batch: 0 };
          order = epochOrder(train.count, seedRng, position.epoch);
        }
        for (let b = 0; b < config.batchSize; b++) {
          const s = order[position.batch * config.batchSize + b];
          body.set(train.tokens.subarray(s * L, (s + 1) * L), b * L);
        }
        position = { ...position, batch: position.batch + 1 };
        const rng = seedRng.fork(`mask/${position.step}/${micro}`);
        const batch = nextSentence
          ? maskPairBatch(body, config.batchSize, args.vocab, config.masking, rng, (r) => sequenceAt(train, r.int(train.count)))
          : maskBatch(body, config.batchSize, args.vocab, config.masking, rng);
        const out = model.forward(batch.input, ctx);
        const mlm = head.loss(head.forward(out.lastHidden, batch.positions), batch.labels);
        mlmSum += mlm.item();
        if (!nextSentence || !batch.nextSentenceLabels) return mlm;
        const pairLoss = nextSentence.loss(nextSentence.forward(pooledOf(out)), batch.nextSentenceLabels);
        nextSentenceSum += pairLoss.item();
        return add(mlm, pairLoss);
      },
    });
    const loss = mlmSum / config.gradAccumulation;
    const tokens = config.gradAccumulation * config.batchSize * (L + 2);
    history.steps.push({ step: position.step, loss, lr, gradNorm, ...(nextSentence ? { nextSentenceLoss: nextSentenceSum / config.gradAccumulation } : {}) });
    history.tokensSeen += tokens;
    position = { ...position, step: position.step + 1 };
    events?.onStep?.({ step: position.step, totalSteps: config.totalSteps, loss, lr, tokens });
    if (position.step % config.evalEverySteps === 0 || position.step === config.totalSteps) {
      const score = scoreHeldOut(engine, model, head, args.heldOut, position.step, nextSentence);
      history.evals.push(score);
      events?.onEval?.(score);
    }
    await new Promise((resolve) => setImmediate(resolve)); // lets a signal handler run between steps
    const outOfTime = config.maxMinutes !== null && Date.now() - started >= config.maxMinutes * 60_000;
    const stop = outOfTime || reachedStop() || (args.shouldStop?.() ?? false);
    if (stop || position.step === config.totalSteps || Date.now() - lastCheckpoint >= config.checkpointEveryMinutes * 60_000) {
      await checkpoint();
      lastCheckpoint = Date.now();
    }
    if (stop) break;
  }
  return { history, position, finished: position.step >= config.totalSteps };
}

function epochOrder(count: number, seedRng: Rng, epoch: number): Int32Array {
  const rng = seedRng.fork(`order/${epoch}`);
  const order = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
