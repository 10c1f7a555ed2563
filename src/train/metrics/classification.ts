// Classification metrics as scikit-learn computes them (accuracy, binary/macro/micro F1, Matthews correlation).
// Conventions (no NaN, zero division, argument order) are in common.ts.
import { checkLengths, ratio, scoresFromCounts, type ClassLabel, type PrecisionRecallF1 } from "./common.js";

/** Fraction of examples whose prediction equals the gold label (sklearn accuracy_score). */
export function accuracy(gold: readonly ClassLabel[], predicted: readonly ClassLabel[]): number {
  checkLengths("accuracy", gold, predicted);
  let correct = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === predicted[i]) correct += 1;
  return ratio(correct, gold.length);
}

export interface ClassCounts {
  truePositives: number;
  predicted: number;
  gold: number;
}

/** Per-label counts over `labels`: tp = gold and predicted both l; predicted = predicted l; gold = gold l. */
function countsByLabel(gold: readonly ClassLabel[], predicted: readonly ClassLabel[], labels: readonly ClassLabel[]): Map<ClassLabel, ClassCounts> {
  const counts = new Map<ClassLabel, ClassCounts>(labels.map((label) => [label, { truePositives: 0, predicted: 0, gold: 0 }]));
  for (let i = 0; i < gold.length; i++) {
    const goldCounts = counts.get(gold[i]);
    const predictedCounts = counts.get(predicted[i]);
    if (goldCounts !== undefined) goldCounts.gold += 1;
    if (predictedCounts !== undefined) predictedCounts.predicted += 1;
    if (goldCounts !== undefined && gold[i] === predicted[i]) goldCounts.truePositives += 1;
  }
  return counts;
}

/** sklearn's default label set: every label seen in gold or predicted. */
export function labelsSeen(gold: readonly ClassLabel[], predicted: readonly ClassLabel[]): ClassLabel[] {
  return [...new Set([...gold, ...predicted])];
}

/**
 * Precision, recall and F1 of one positive class (sklearn f1_score, average="binary", pos_label=positive).
 * Every other label counts as negative.
 */
export function binaryF1(gold: readonly ClassLabel[], predicted: readonly ClassLabel[], positive: ClassLabel): PrecisionRecallF1 {
  checkLengths("binaryF1", gold, predicted);
  const counts = countsByLabel(gold, predicted, [positive]).get(positive) ?? { truePositives: 0, predicted: 0, gold: 0 };
  return scoresFromCounts(counts.truePositives, counts.predicted, counts.gold);
}

export interface AveragingOptions {
  /** The classes to score; default every label in gold or predicted (sklearn's `labels`). */
  labels?: readonly ClassLabel[];
}

/**
 * Unweighted mean over classes of each class's precision, recall and F1 (sklearn average="macro"; the F1 is
 * the mean of per-class F1s, not the F1 of the mean precision and recall). A class in `labels` that never
 * occurs scores 0 and still counts in the mean, as in sklearn.
 */
export function macroF1(gold: readonly ClassLabel[], predicted: readonly ClassLabel[], options: AveragingOptions = {}): PrecisionRecallF1 {
  checkLengths("macroF1", gold, predicted);
  const labels = options.labels ?? labelsSeen(gold, predicted);
  if (labels.length === 0) return { precision: 0, recall: 0, f1: 0 };
  const byLabel = countsByLabel(gold, predicted, labels);
  let precision = 0;
  let recall = 0;
  let f1 = 0;
  for (const counts of byLabel.values()) {
    const scores = scoresFromCounts(counts.truePositives, counts.predicted, counts.gold);
    precision += scores.precision;
    recall += scores.recall;
    f1 += scores.f1;
  }
  return { precision: precision / byLabel.size, recall: recall / byLabel.size, f1: f1 / byLabel.size };
}

/**
 * Precision, recall and F1 from counts summed over classes (sklearn average="micro"). Over all classes of a
 * single-label task all three equal accuracy; leaving a class out of `labels` (a "no relation" class) is
 * what makes micro F1 differ from it.
 */
export function microF1(gold: readonly ClassLabel[], predicted: readonly ClassLabel[], options: AveragingOptions = {}): PrecisionRecallF1 {
  checkLengths("microF1", gold, predicted);
  const labels = options.labels ?? labelsSeen(gold, predicted);
  let truePositives = 0;
  let predictedCount = 0;
  let goldCount = 0;
  for (const counts of countsByLabel(gold, predicted, labels).values()) {
    truePositives += counts.truePositives;
    predictedCount += counts.predicted;
    goldCount += counts.gold;
  }
  return scoresFromCounts(truePositives, predictedCount, goldCount);
}

/**
 * Matthews correlation coefficient for binary and multiclass labels, as sklearn matthews_corrcoef computes it
 * from the confusion matrix C (Gorodkin's R_K):
 *   cov(y,p) = c·s − Σ_k t_k·p_k,  cov(y,y) = s² − Σ_k t_k²,  cov(p,p) = s² − Σ_k p_k²,
 *   MCC = cov(y,p) / sqrt(cov(y,y)·cov(p,p)), and 0 when that product is 0,
 * with s examples, c of them correct, t_k gold and p_k predicted counts of class k.
 */
export function matthewsCorrcoef(gold: readonly ClassLabel[], predicted: readonly ClassLabel[]): number {
  checkLengths("matthewsCorrcoef", gold, predicted);
  const counts = countsByLabel(gold, predicted, labelsSeen(gold, predicted));
  const samples = gold.length;
  let correct = 0;
  let goldTimesPredicted = 0;
  let goldSquared = 0;
  let predictedSquared = 0;
  for (const { truePositives, predicted: p, gold: t } of counts.values()) {
    correct += truePositives;
    goldTimesPredicted += t * p;
    goldSquared += t * t;
    predictedSquared += p * p;
  }
  const covGoldPredicted = correct * samples - goldTimesPredicted;
  const covPredicted = samples * samples - predictedSquared;
  const covGold = samples * samples - goldSquared;
  if (covPredicted * covGold === 0) return 0;
  return covGoldPredicted / Math.sqrt(covGold * covPredicted);
}
