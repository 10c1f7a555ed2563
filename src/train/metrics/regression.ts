// Regression metrics as SciPy computes them (Pearson, Spearman with average ranks).
// Conventions (no NaN, zero division, argument order) are in common.ts.
import { ConfigError } from "../../errors.js";
import { checkLengths } from "./common.js";

function checkFinite(metric: string, name: string, values: readonly number[]): void {
  const at = values.findIndex((value) => !Number.isFinite(value));
  if (at !== -1) throw new ConfigError(`${metric}: expected finite numbers, got ${values[at]} at ${name}[${at}]`);
}

/** Pearson correlation (scipy.stats.pearsonr's statistic): centred, then Σdx·dy / sqrt(Σdx²·Σdy²). */
export function pearson(gold: readonly number[], predicted: readonly number[]): number {
  checkLengths("pearson", gold, predicted);
  checkFinite("pearson", "gold", gold);
  checkFinite("pearson", "predicted", predicted);
  const n = gold.length;
  if (n < 2) return 0;
  let meanGold = 0;
  let meanPredicted = 0;
  for (let i = 0; i < n; i++) {
    meanGold += gold[i];
    meanPredicted += predicted[i];
  }
  meanGold /= n;
  meanPredicted /= n;
  let cross = 0;
  let goldSquares = 0;
  let predictedSquares = 0;
  for (let i = 0; i < n; i++) {
    const dGold = gold[i] - meanGold;
    const dPredicted = predicted[i] - meanPredicted;
    cross += dGold * dPredicted;
    goldSquares += dGold * dGold;
    predictedSquares += dPredicted * dPredicted;
  }
  if (goldSquares === 0 || predictedSquares === 0) return 0;
  // rounding can carry |r| a hair past 1; SciPy clips the same way
  return Math.max(-1, Math.min(1, cross / Math.sqrt(goldSquares * predictedSquares)));
}

/** 1-based ranks, ties sharing the mean of the ranks they span (scipy.stats.rankdata, method="average"). */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end += 1;
    const shared = (start + 1 + end) / 2; // mean of the ranks start+1 .. end
    for (let k = start; k < end; k++) ranks[order[k]] = shared;
    start = end;
  }
  return ranks;
}

/** Spearman rank correlation (scipy.stats.spearmanr's statistic): Pearson of the average ranks. */
export function spearman(gold: readonly number[], predicted: readonly number[]): number {
  checkLengths("spearman", gold, predicted);
  checkFinite("spearman", "gold", gold);
  checkFinite("spearman", "predicted", predicted);
  return pearson(averageRanks(gold), averageRanks(predicted));
}
