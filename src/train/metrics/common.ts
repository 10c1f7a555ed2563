// Conventions every metric shares (this header), the types they return and their small helpers. Evaluation
// metrics are pure functions over arrays, each matching the implementation the papers' numbers come
// from: scikit-learn (accuracy, F1, Matthews correlation), SciPy (Pearson, Spearman), seqeval (entity-level
// F1 for NER) and the ERNIE / K-Adapter OpenEntity script (loose micro F1 for entity typing).
// Arguments go (gold, predicted), as sklearn's (y_true, y_pred). Labels compare with ===, so "1" and 1 differ.
//
// No metric returns NaN. Where the reference divides by zero:
//   - accuracy of no examples is 0 (sklearn: nan);
//   - precision is 0 with nothing predicted, recall 0 with nothing gold, F1 0 when both are 0: sklearn's and
//     seqeval's default zero_division ("warn", which returns 0), and what K-Adapter's loose micro does for
//     precision (its recall divides by zero with no gold labels; 0 here);
//   - Matthews correlation is 0 when a marginal is constant (sklearn does the same);
//   - Pearson and Spearman are 0 for fewer than two points or a constant input (SciPy: nan or an error).
// Arrays of different lengths, and non-finite numbers for the correlations, are a ConfigError.
import { ConfigError } from "../../errors.js";

export type ClassLabel = string | number;

export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

export function checkLengths(metric: string, gold: { length: number }, predicted: { length: number }): void {
  if (gold.length !== predicted.length) {
    throw new ConfigError(`${metric}: expected gold and predicted of equal length, got ${gold.length} and ${predicted.length}`);
  }
}

/** numerator / denominator, or 0 when the denominator is 0 (see the conventions above). */
export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/** Harmonic mean of precision and recall, 0 when both are 0. */
export function f1Of(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/** Precision, recall and F1 from true-positive, predicted and gold counts. */
export function scoresFromCounts(truePositives: number, predicted: number, gold: number): PrecisionRecallF1 {
  const precision = ratio(truePositives, predicted);
  const recall = ratio(truePositives, gold);
  return { precision, recall, f1: f1Of(precision, recall) };
}
