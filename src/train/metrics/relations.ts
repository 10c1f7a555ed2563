// Relation classification: the TACRED scorer (micro F1 without the no-relation label).
// Conventions (no NaN, zero division, argument order) are in common.ts.
import { labelsSeen, macroF1 } from "./classification.js";
import { checkLengths, f1Of, ratio, type PrecisionRecallF1 } from "./common.js";

export interface RelationScores extends PrecisionRecallF1 {
  /** Examples with a non-negative gold relation predicted exactly. */
  correct: number;
  /** Examples predicted as a non-negative relation. */
  guessed: number;
  /** Examples whose gold relation is not the negative class. */
  goldRelations: number;
  /**
   * Per-relation precision, recall and F1 averaged over every relation other than `negative` that occurs in
   * gold or predicted (sklearn f1_score average="macro" with that label list; a relation never predicted has
   * precision 0 there). Not part of the TACRED scorer.
   */
  macro: PrecisionRecallF1;
}

/**
 * Micro precision, recall and F1 over relations, leaving out the negative class, exactly as the TACRED
 * scorer computes them (`score` in utils/scorer.py of the TACRED release, yuhaozhang/tacred-relation, copied
 * verbatim e.g. in Cartus/AGGCN utils/scorer.py; K-Adapter's micro_f1_tacred in examples/utils_glue.py is
 * the same code with no_relation as class id 28):
 *   guessed = #{pred != negative},  gold = #{gold != negative},  correct = #{gold == pred != negative}
 *   precision = correct / guessed, and 1.0 when nothing is guessed (the scorer's prec_micro = 1.0 default);
 *   recall    = correct / gold, and 0 when there is no gold relation;
 *   F1        = 2PR / (P + R), and 0 when P + R = 0.
 * The precision default differs from the rest of this file (0 when nothing is predicted): it is what the
 * papers' TACRED numbers were computed with. With no negative example in gold or predicted, all three
 * equal accuracy. `macro` adds the per-relation average (see RelationScores).
 */
export function relationF1(gold: readonly string[], predicted: readonly string[], negative = "no_relation"): RelationScores {
  checkLengths("relationF1", gold, predicted);
  let correct = 0;
  let guessed = 0;
  let goldRelations = 0;
  for (let i = 0; i < gold.length; i++) {
    if (predicted[i] !== negative) guessed += 1;
    if (gold[i] !== negative) goldRelations += 1;
    if (gold[i] !== negative && predicted[i] === gold[i]) correct += 1;
  }
  const precision = guessed > 0 ? correct / guessed : 1;
  const recall = ratio(correct, goldRelations);
  const relations = labelsSeen(gold, predicted).filter((label) => label !== negative);
  const macro = relations.length === 0 ? { precision: 0, recall: 0, f1: 0 } : macroF1(gold, predicted, { labels: relations });
  return { precision, recall, f1: f1Of(precision, recall), correct, guessed, goldRelations, macro };
}
