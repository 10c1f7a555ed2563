// Multi-label entity typing (OpenEntity, FIGER): loose micro P/R/F1 as the ERNIE / K-Adapter scripts compute it.
// Conventions (no NaN, zero division, argument order) are in common.ts.
import { ConfigError } from "../../errors.js";
import { checkLengths, scoresFromCounts, type ClassLabel, type PrecisionRecallF1 } from "./common.js";

/**
 * Loose micro precision, recall and F1 of label sets, as the OpenEntity evaluation of ERNIE and K-Adapter
 * computes them (`loose_micro` in thunlp/ERNIE code/eval_typing.py and in microsoft/K-Adapter
 * examples/utils_glue.py, entity_typing_accuracy, whose predicted set is the labels with logit > 0):
 *   precision = Σ_i |pred_i ∩ gold_i| / Σ_i |pred_i|   (0 when nothing is predicted, as there)
 *   recall    = Σ_i |pred_i ∩ gold_i| / Σ_i |gold_i|   (0 when there are no gold labels; Python divides by 0)
 *   F1        = 2·P·R / (P + R), 0 when R is 0 (their f1()).
 * A label repeated within one example is a ConfigError: the script counts |pred_i| on the list but the
 * intersection on sets, so repeats would score differently from any set semantics (their label lists,
 * built from multi-hot vectors, never repeat).
 */
export function looseMicroF1(gold: readonly (readonly ClassLabel[])[], predicted: readonly (readonly ClassLabel[])[]): PrecisionRecallF1 {
  checkLengths("looseMicroF1", gold, predicted);
  let correct = 0;
  let predictedCount = 0;
  let goldCount = 0;
  for (let i = 0; i < gold.length; i++) {
    const goldSet = distinctLabels(gold[i], "gold", i);
    const predictedSet = distinctLabels(predicted[i], "predicted", i);
    goldCount += goldSet.size;
    predictedCount += predictedSet.size;
    for (const label of predictedSet) if (goldSet.has(label)) correct += 1;
  }
  return scoresFromCounts(correct, predictedCount, goldCount);
}

function distinctLabels(labels: readonly ClassLabel[], name: string, example: number): Set<ClassLabel> {
  const set = new Set(labels);
  if (set.size !== labels.length) {
    throw new ConfigError(`looseMicroF1: expected distinct labels per example, got ${name}[${example}] = ${JSON.stringify(labels)}`);
  }
  return set;
}
