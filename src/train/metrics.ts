// Evaluation metrics as pure functions over arrays, each matching the implementation the papers' numbers come
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
import { ConfigError } from "../errors.js";

export type ClassLabel = string | number;

export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

function checkLengths(metric: string, gold: { length: number }, predicted: { length: number }): void {
  if (gold.length !== predicted.length) {
    throw new ConfigError(`${metric}: expected gold and predicted of equal length, got ${gold.length} and ${predicted.length}`);
  }
}

/** numerator / denominator, or 0 when the denominator is 0 (see the conventions above). */
function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/** Harmonic mean of precision and recall, 0 when both are 0. */
function f1Of(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/** Precision, recall and F1 from true-positive, predicted and gold counts. */
function scoresFromCounts(truePositives: number, predicted: number, gold: number): PrecisionRecallF1 {
  const precision = ratio(truePositives, predicted);
  const recall = ratio(truePositives, gold);
  return { precision, recall, f1: f1Of(precision, recall) };
}

// ---------------------------------------------------------------------------------------------------------
// classification (sklearn.metrics)

/** Fraction of examples whose prediction equals the gold label (sklearn accuracy_score). */
export function accuracy(gold: readonly ClassLabel[], predicted: readonly ClassLabel[]): number {
  checkLengths("accuracy", gold, predicted);
  let correct = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === predicted[i]) correct += 1;
  return ratio(correct, gold.length);
}

interface ClassCounts {
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
function labelsSeen(gold: readonly ClassLabel[], predicted: readonly ClassLabel[]): ClassLabel[] {
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

// ---------------------------------------------------------------------------------------------------------
// regression (scipy.stats)

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

// ---------------------------------------------------------------------------------------------------------
// entity-level scores for IOB tags (seqeval)

/** One entity: its type and token span [start, end), within its sentence. */
export interface Entity {
  type: string;
  start: number;
  end: number;
}

export type EntityMode = "default" | "strict";

export interface EntityScores extends PrecisionRecallF1 {
  truePositives: number;
  /** Entities predicted and entities in the gold tags. */
  predicted: number;
  gold: number;
  /** Per entity type, sorted by type; `support` is the number of gold entities of that type. */
  byType: Map<string, PrecisionRecallF1 & { support: number }>;
}

/** seqeval's split of a tag into its one-letter prefix and its type ("B-PER" -> "B", "PER"; "O" -> "O", "_"). */
function splitTag(tag: string): { prefix: string; type: string } {
  const rest = tag.slice(1);
  const dash = rest.indexOf("-");
  return { prefix: tag.slice(0, 1), type: (dash === -1 ? rest : rest.slice(dash + 1)) || "_" };
}

/**
 * seqeval's default mode (conlleval's rules, seqeval.metrics.sequence_labeling.get_entities): a chunk ends
 * before B, S or O, after E or S, or where the type changes; a chunk starts at B or S, at I or E after O
 * (or after E/S), or wherever the type changes. So an I-X after O, or after a tag of another type, starts an
 * entity instead of being dropped. Also reads IOBES tags.
 */
function entitiesDefault(tags: readonly string[]): Entity[] {
  const entities: Entity[] = [];
  let prevPrefix = "O";
  let prevType = "";
  let begin = 0;
  for (let i = 0; i <= tags.length; i++) {
    // a sentinel O after the last tag closes a chunk still open
    const { prefix, type } = i === tags.length ? { prefix: "O", type: "_" } : splitTag(tags[i]);
    if (chunkEnds(prevPrefix, prefix, prevType, type)) entities.push({ type: prevType, start: begin, end: i });
    if (chunkStarts(prevPrefix, prefix, prevType, type)) begin = i;
    prevPrefix = prefix;
    prevType = type;
  }
  return entities;
}

function chunkEnds(prevPrefix: string, prefix: string, prevType: string, type: string): boolean {
  if (prevPrefix === "E" || prevPrefix === "S") return true;
  if ((prevPrefix === "B" || prevPrefix === "I") && (prefix === "B" || prefix === "S" || prefix === "O")) return true;
  return prevPrefix !== "O" && prevPrefix !== "." && prevType !== type;
}

function chunkStarts(prevPrefix: string, prefix: string, prevType: string, type: string): boolean {
  if (prefix === "B" || prefix === "S") return true;
  if ((prevPrefix === "E" || prevPrefix === "S" || prevPrefix === "O") && (prefix === "E" || prefix === "I")) return true;
  return prefix !== "O" && prefix !== "." && prevType !== type;
}

/**
 * seqeval's strict mode with the IOB2 scheme (mode="strict", scheme=IOB2): an entity is B-X followed by any
 * number of I-X; an I-X that does not continue one is not an entity at all. Any prefix other than B, I or O
 * is an error, as in seqeval.
 */
function entitiesStrictIob2(tags: readonly string[], sentence: number): Entity[] {
  const entities: Entity[] = [];
  let i = 0;
  while (i < tags.length) {
    const tag = tags[i];
    const prefix = tag.slice(0, 1);
    if (prefix !== "B" && prefix !== "I" && prefix !== "O") {
      throw new ConfigError(`entityF1(strict IOB2): expected tags with prefix B, I or O, got ${JSON.stringify(tag)} in sentence ${sentence} at token ${i}`);
    }
    if (prefix !== "B") {
      i += 1;
      continue;
    }
    const type = strictType(tag);
    let end = i + 1;
    while (end < tags.length && tags[end].startsWith("I") && strictType(tags[end]) === type) end += 1;
    entities.push({ type, start: i, end });
    i = end;
  }
  return entities;
}

/** seqeval's Token.tag: the tag without its prefix, delimiters stripped ("B-PER" -> "PER"), or "_". */
function strictType(tag: string): string {
  return tag.slice(1).replace(/^-+|-+$/g, "") || "_";
}

/** The entities of one tag sequence, as seqeval finds them in `mode`. */
export function extractEntities(tags: readonly string[], mode: EntityMode = "default"): Entity[] {
  return mode === "strict" ? entitiesStrictIob2(tags, 0) : entitiesDefault(tags);
}

/**
 * Every entity of a list of sentences, keyed by type and position. The default mode runs over the sentences
 * joined with an "O" between them, exactly as seqeval's get_entities does with a list of lists; strict mode
 * extracts sentence by sentence, as seqeval's Entities does.
 */
function entitiesOfSentences(sentences: readonly (readonly string[])[], mode: EntityMode): { type: string; key: string }[] {
  const keyed = (entity: Entity, sentence: number): { type: string; key: string } => ({
    type: entity.type,
    key: `${sentence}\u0000${entity.type}\u0000${entity.start}\u0000${entity.end}`,
  });
  if (mode === "strict") return sentences.flatMap((tags, s) => entitiesStrictIob2(tags, s).map((entity) => keyed(entity, s)));
  const joined = sentences.flatMap((tags) => [...tags, "O"]);
  return entitiesDefault(joined).map((entity) => keyed(entity, 0));
}

/**
 * Entity-level micro precision, recall and F1 over sentences of IOB tags, as seqeval's f1_score /
 * classification_report: an entity counts as correct only when its type and exact span match a gold entity
 * in the same sentence. mode "default" is seqeval's default (lenient about I-X without B-X), "strict" is
 * mode="strict" with scheme=IOB2.
 */
export function entityF1(gold: readonly (readonly string[])[], predicted: readonly (readonly string[])[], options: { mode?: EntityMode } = {}): EntityScores {
  checkLengths("entityF1", gold, predicted);
  const mode = options.mode ?? "default";
  if (mode !== "default" && mode !== "strict") {
    throw new ConfigError(`entityF1: unknown mode ${JSON.stringify(mode)}; expected one of default, strict`);
  }
  for (let s = 0; s < gold.length; s++) {
    if (gold[s].length !== predicted[s].length) {
      throw new ConfigError(`entityF1: expected sentence ${s} to have as many predicted tags as gold tags, got ${predicted[s].length} and ${gold[s].length}`);
    }
  }
  const goldEntities = entitiesOfSentences(gold, mode);
  const predictedEntities = entitiesOfSentences(predicted, mode);

  const byTypeCounts = new Map<string, ClassCounts>();
  const countsOf = (type: string): ClassCounts => {
    let counts = byTypeCounts.get(type);
    if (counts === undefined) {
      counts = { truePositives: 0, predicted: 0, gold: 0 };
      byTypeCounts.set(type, counts);
    }
    return counts;
  };
  // an entity's sentence and start are unique, so these lists are already the sets seqeval compares
  const goldKeys = new Set(goldEntities.map((entity) => entity.key));
  for (const entity of goldEntities) countsOf(entity.type).gold += 1;
  for (const entity of predictedEntities) {
    const counts = countsOf(entity.type);
    counts.predicted += 1;
    if (goldKeys.has(entity.key)) counts.truePositives += 1;
  }
  let truePositives = 0;
  let predictedCount = 0;
  let goldCount = 0;
  const byType = new Map<string, PrecisionRecallF1 & { support: number }>();
  for (const type of [...byTypeCounts.keys()].sort()) {
    const counts = countsOf(type);
    truePositives += counts.truePositives;
    predictedCount += counts.predicted;
    goldCount += counts.gold;
    byType.set(type, { ...scoresFromCounts(counts.truePositives, counts.predicted, counts.gold), support: counts.gold });
  }
  return { ...scoresFromCounts(truePositives, predictedCount, goldCount), truePositives, predicted: predictedCount, gold: goldCount, byType };
}

// ---------------------------------------------------------------------------------------------------------
// multi-label entity typing (OpenEntity, FIGER)

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

// ---------------------------------------------------------------------------------------------------------
// dependency parsing (K-Adapter's linguistic adapter)

/** Which words to leave out of an attachment score as punctuation. */
export interface PunctuationOptions {
  /** The words of each sentence, shaped like the heads. */
  words: readonly (readonly string[])[];
  /** Each word's tag, shaped like the heads; with tags, a word is punctuation when its tag is in `punctTags`. */
  tags?: readonly (readonly string[])[];
  /** The punctuation tags; default ["PUNCT"] (UD's UPOS). Only used with `tags`. */
  punctTags?: readonly string[];
}

/** A word made only of Unicode punctuation characters (category P): CoNLL-X eval.pl's is_uni_punct. */
function isPunctuationForm(word: string): boolean {
  return /^\p{P}+$/u.test(word);
}

/**
 * Unlabelled attachment score: the fraction of scored words whose predicted head equals the gold head.
 * Heads are per sentence, one per word, in any consistent numbering (CoNLL-U's: 0 root, 1-based words).
 * By default every word is scored, as the CoNLL 2018 UD shared task's evaluation does. `ignorePunct` leaves
 * punctuation out: by tag when `tags` are given (UPOS "PUNCT" by default), else by form, a word made only
 * of Unicode punctuation characters, which is what the CoNLL-X eval.pl ignores unless run with -p.
 * 0 when no word is scored.
 */
export function unlabeledAttachmentScore(
  goldHeads: readonly (readonly number[])[],
  predHeads: readonly (readonly number[])[],
  options: { ignorePunct?: PunctuationOptions } = {},
): number {
  checkLengths("unlabeledAttachmentScore", goldHeads, predHeads);
  const punct = options.ignorePunct;
  if (punct !== undefined) {
    checkSentenceShapes("unlabeledAttachmentScore: ignorePunct.words", goldHeads, punct.words);
    if (punct.tags !== undefined) checkSentenceShapes("unlabeledAttachmentScore: ignorePunct.tags", goldHeads, punct.tags);
  }
  const punctTags = new Set(punct?.punctTags ?? ["PUNCT"]);
  let scored = 0;
  let correct = 0;
  for (let s = 0; s < goldHeads.length; s++) {
    const gold = goldHeads[s];
    const predicted = predHeads[s];
    if (gold.length !== predicted.length) {
      throw new ConfigError(`unlabeledAttachmentScore: expected sentence ${s} to have as many predicted heads as gold heads, got ${predicted.length} and ${gold.length}`);
    }
    for (let w = 0; w < gold.length; w++) {
      if (punct !== undefined) {
        const isPunct = punct.tags !== undefined ? punctTags.has(punct.tags[s][w]) : isPunctuationForm(punct.words[s][w]);
        if (isPunct) continue;
      }
      scored += 1;
      if (predicted[w] === gold[w]) correct += 1;
    }
  }
  return ratio(correct, scored);
}

function checkSentenceShapes(what: string, heads: readonly (readonly number[])[], other: readonly (readonly unknown[])[]): void {
  if (other.length !== heads.length) throw new ConfigError(`${what}: expected ${heads.length} sentences (as the gold heads), got ${other.length}`);
  for (let s = 0; s < heads.length; s++) {
    if (other[s].length !== heads[s].length) {
      throw new ConfigError(`${what}: expected sentence ${s} to have ${heads[s].length} entries (as its gold heads), got ${other[s].length}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// relation classification (TACRED scorer)

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
