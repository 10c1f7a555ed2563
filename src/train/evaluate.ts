// Runs a model over batches without recording gradients and turns logits into predictions:
//   classification: argmax and softmax probabilities; multilabel: sigmoid > 0.5; regression: the score;
//   tagging: argmax per token, kept only where the batch has a label (first sub-token of each word).
import type { Engine } from "../autograd/index.js";
import type { Batch, TaskKind } from "../data/index.js";
import { Rng } from "../rng.js";
import type { TrainableModel } from "./task-model.js";

export interface Prediction {
  source: string;
  /** classification: class id; regression: score; multilabel: ids with p > 0.5; tagging: class id per labelled token. */
  value: number | number[];
  /** classification and multilabel: per-class probabilities. */
  probabilities: number[] | null;
}

export interface EvalResult {
  predictions: Prediction[];
  loss: number | null; // mean batch loss when the data is labelled
}

function softmaxRow(logits: ArrayLike<number>, start: number, C: number): number[] {
  let max = -Infinity;
  for (let c = 0; c < C; c++) max = Math.max(max, logits[start + c]);
  const exps = Array.from({ length: C }, (_, c) => Math.exp(logits[start + c] - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((x) => x / sum);
}

export function evaluate(engine: Engine, model: TrainableModel, batches: Iterable<Batch>, kind: TaskKind): EvalResult {
  const predictions: Prediction[] = [];
  let lossSum = 0;
  let lossCount = 0;
  const ctx = { training: false, rng: new Rng(0) };
  const C = model.outputSize;
  for (const batch of batches) {
    engine.noGrad(() => {
      const logits = model.forward(batch, ctx);
      if (batch.labels) {
        lossSum += model.loss(logits, batch.labels, batch).item();
        lossCount++;
      }
      const data = logits.data;
      batch.examples.forEach((x, b) => {
        if (kind === "tagging") {
          const T = batch.seqLength;
          const tags: number[] = [];
          for (let t = 0; t < x.ids.length; t++) {
            const labelled = batch.labels?.kind === "classes" ? batch.labels.ids[b * T + t] !== -100 : true;
            if (!labelled) continue;
            const probs = softmaxRow(data, (b * T + t) * C, C);
            tags.push(probs.indexOf(Math.max(...probs)));
          }
          predictions.push({ source: x.source, value: tags, probabilities: null });
        } else if (kind === "regression") {
          predictions.push({ source: x.source, value: data[b], probabilities: null });
        } else if (kind === "multilabel") {
          const probs = Array.from({ length: C }, (_, c) => 1 / (1 + Math.exp(-data[b * C + c])));
          predictions.push({ source: x.source, value: probs.flatMap((p, c) => (p > 0.5 ? [c] : [])), probabilities: probs });
        } else {
          const probs = softmaxRow(data, b * C, C);
          predictions.push({ source: x.source, value: probs.indexOf(Math.max(...probs)), probabilities: probs });
        }
      });
    });
    engine.release();
  }
  return { predictions, loss: lossCount ? lossSum / lossCount : null };
}
