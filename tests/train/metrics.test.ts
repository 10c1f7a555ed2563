import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readConll } from "../../src/data/index.js";
import { ConfigError } from "../../src/errors.js";
import {
  accuracy, averageRanks, binaryF1, entityF1, extractEntities, looseMicroF1, macroF1, matthewsCorrcoef, microF1, pearson,
  spearman,
} from "../../src/train/metrics/index.js";
import { assertClose, assertScores, DATA } from "./helpers/scores.js";

describe("classification metrics (sklearn conventions)", () => {
  it("accuracy: fraction of exact matches; 0 for no examples", () => {
    assert.equal(accuracy([1, 0, 1, 1], [1, 1, 1, 0]), 0.5);
    assert.equal(accuracy(["a", "b"], ["a", "b"]), 1);
    assert.equal(accuracy([], []), 0);
    assert.equal(accuracy(["1"], [1]), 0); // labels compare with ===
  });

  it("binaryF1 of a positive class, hand-checked; 0 when there are no positives at all (sklearn zero_division)", () => {
    // tp 2, predicted positive 3, gold positive 3
    assertScores(binaryF1([1, 0, 1, 1, 0], [1, 1, 0, 1, 0], 1), { precision: 2 / 3, recall: 2 / 3, f1: 2 / 3 }, "binary");
    // tp 1, predicted 1, gold 3: P 1, R 1/3, F1 0.5
    assertScores(binaryF1(["1", "1", "1", "0"], ["1", "0", "0", "0"], "1"), { precision: 1, recall: 1 / 3, f1: 0.5 }, "binary strings");
    // sklearn's documented f1_score([0]*6, [0]*6) == 0.0
    assert.deepEqual(binaryF1([0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], 1), { precision: 0, recall: 0, f1: 0 });
    // nothing predicted positive: precision 0 (not NaN), recall 0
    assert.deepEqual(binaryF1([1, 0], [0, 0], 1), { precision: 0, recall: 0, f1: 0 });
  });

  it("macro and micro F1 match sklearn's documented example", () => {
    // sklearn f1_score docs: y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1]: macro 0.26..., micro 0.33...
    const gold = [0, 1, 2, 0, 1, 2];
    const predicted = [0, 2, 1, 0, 0, 1];
    assertScores(macroF1(gold, predicted), { precision: 2 / 9, recall: 1 / 3, f1: 0.8 / 3 }, "macro");
    assertScores(microF1(gold, predicted), { precision: 1 / 3, recall: 1 / 3, f1: 1 / 3 }, "micro");
    // sklearn precision_recall_fscore_support docs, the same confusion with names: macro (0.22, 0.33, 0.26)
    const names = ["cat", "dog", "pig", "cat", "dog", "pig"];
    const guesses = ["cat", "pig", "dog", "cat", "cat", "dog"];
    assertScores(macroF1(names, guesses), { precision: 2 / 9, recall: 1 / 3, f1: 0.8 / 3 }, "macro names");
  });

  it("micro F1 over all classes equals accuracy; leaving a class out (no_relation) changes it", () => {
    const gold = ["rel", "none", "rel", "other", "none"];
    const predicted = ["rel", "rel", "none", "other", "none"];
    assertClose(microF1(gold, predicted).f1, accuracy(gold, predicted), "micro = accuracy");
    // without "none": tp 2 (rel, other), predicted 3 (rel, rel, other), gold 3 (rel, rel, other)
    assertScores(microF1(gold, predicted, { labels: ["rel", "other"] }), { precision: 2 / 3, recall: 2 / 3, f1: 2 / 3 }, "micro subset");
    // a listed class that never occurs scores 0 and still counts in the macro mean, as in sklearn
    assertClose(macroF1([0, 1], [0, 1], { labels: [0, 1, 2] }).f1, 2 / 3, "macro with absent class");
    assert.deepEqual(macroF1([], []), { precision: 0, recall: 0, f1: 0 });
  });

  it("Matthews correlation: sklearn's documented -0.33..., a hand-checked multiclass case, and the 0 convention", () => {
    assertClose(matthewsCorrcoef([+1, +1, +1, -1], [+1, -1, +1, +1]), -1 / 3, "sklearn doc");
    // C = [[2,0,0],[0,1,1],[0,0,2]]: t = (2,2,2), p = (2,1,3), c = 5, s = 6
    // cov(y,p) = 5*6 - (4+2+6) = 18, cov(y,y) = 36 - 12 = 24, cov(p,p) = 36 - 14 = 22
    assertClose(matthewsCorrcoef([0, 0, 1, 1, 2, 2], [0, 0, 1, 2, 2, 2]), 18 / Math.sqrt(24 * 22), "multiclass");
    assert.equal(matthewsCorrcoef(["a", "b", "a", "b"], ["a", "b", "a", "b"]), 1);
    assert.equal(matthewsCorrcoef([1, 0, 1, 0], [0, 1, 0, 1]), -1);
    assert.equal(matthewsCorrcoef([1, 0, 1, 0], [1, 1, 1, 1]), 0); // constant prediction: sklearn returns 0
    assert.equal(matthewsCorrcoef([], []), 0);
  });

  it("arrays of different lengths are a ConfigError naming the metric", () => {
    assert.throws(() => accuracy([1, 2], [1]), (error: unknown) => error instanceof ConfigError && /accuracy: expected gold and predicted of equal length, got 2 and 1/.test(error.message));
    assert.throws(() => matthewsCorrcoef([1], []), ConfigError);
    assert.throws(() => looseMicroF1([[]], []), ConfigError);
  });
});

describe("correlations (scipy conventions)", () => {
  it("Pearson matches scipy.stats.pearsonr's documented values", () => {
    assertClose(pearson([1, 2, 3, 4, 5], [10, 9, 2.5, 6, 4]), -0.7426106572325056, "pearsonr 5 points");
    assertClose(pearson([1, 2, 3, 4, 5, 6, 7], [10, 9, 2.5, 6, 4, 3, 2]), -0.828503883588428, "pearsonr 7 points");
    assert.equal(pearson([1, 2, 3], [2, 4, 6]), 1);
    assert.equal(pearson([1, 2, 3], [3, 2, 1]), -1);
  });

  it("average ranks give ties the mean of their ranks (scipy.stats.rankdata)", () => {
    assert.deepEqual(averageRanks([0, 2, 3, 2]), [1, 2.5, 4, 2.5]);
    assert.deepEqual(averageRanks([5, 6, 7, 8, 7]), [1, 2, 3.5, 5, 3.5]);
    assert.deepEqual(averageRanks([1, 1, 1]), [2, 2, 2]);
  });

  it("Spearman with ties matches scipy.stats.spearmanr's documented 0.8207826816681233", () => {
    assertClose(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 0.8207826816681233, "spearmanr");
    assert.equal(spearman([1, 2, 3, 4], [1, 4, 9, 16]), 1); // monotone, not linear
  });

  it("degenerate inputs give 0, not NaN; non-finite inputs are a ConfigError", () => {
    assert.equal(pearson([1, 2, 3], [4, 4, 4]), 0);
    assert.equal(spearman([7, 7], [1, 2]), 0);
    assert.equal(pearson([1], [2]), 0);
    assert.equal(pearson([], []), 0);
    assert.throws(() => pearson([1, Number.NaN], [1, 2]), (error: unknown) => error instanceof ConfigError && error.message.includes("gold[1]"));
  });
});

describe("entity-level scores (seqeval)", () => {
  const readmeGold = [["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]];
  const readmePredicted = [["O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]];

  it("reproduces seqeval's README example: precision, recall and F1 0.5", () => {
    const scores = entityF1(readmeGold, readmePredicted);
    assert.equal(scores.precision, 0.5);
    assert.equal(scores.recall, 0.5);
    assert.equal(scores.f1, 0.5);
    assert.equal(scores.truePositives, 1);
    assert.equal(scores.gold, 2);
    assert.equal(scores.predicted, 2);
    // seqeval's classification_report: MISC 0.00, PER 1.00, support 1 each
    assert.deepEqual([...scores.byType], [
      ["MISC", { precision: 0, recall: 0, f1: 0, support: 1 }],
      ["PER", { precision: 1, recall: 1, f1: 1, support: 1 }],
    ]);
    assert.equal(entityF1(readmeGold, readmePredicted, { mode: "strict" }).f1, 0.5);
  });

  it("default mode: an I- tag after O or after another type starts an entity; strict IOB2 mode drops it", () => {
    const tags = ["O", "I-PER", "I-PER", "B-LOC", "I-ORG", "I-ORG", "O"];
    assert.deepEqual(extractEntities(tags), [
      { type: "PER", start: 1, end: 3 },
      { type: "LOC", start: 3, end: 4 },
      { type: "ORG", start: 4, end: 6 },
    ]);
    assert.deepEqual(extractEntities(tags, "strict"), [{ type: "LOC", start: 3, end: 4 }]);
    // seqeval's README on strict mode: [B-NP I-NP O] vs [I-NP I-NP O] scores 1.0 by default, 0.0 strict
    assert.equal(entityF1([["B-NP", "I-NP", "O"]], [["I-NP", "I-NP", "O"]]).f1, 1);
    assert.equal(entityF1([["B-NP", "I-NP", "O"]], [["I-NP", "I-NP", "O"]], { mode: "strict" }).f1, 0);
  });

  it("default mode reads IOBES and untyped tags by conlleval's rules, as seqeval's get_entities", () => {
    assert.deepEqual(extractEntities(["B-PER", "I-PER", "E-PER", "S-LOC", "O", "B-ORG", "E-ORG"]), [
      { type: "PER", start: 0, end: 3 },
      { type: "LOC", start: 3, end: 4 },
      { type: "ORG", start: 5, end: 7 },
    ]);
    // after S or E a same-type I starts a new chunk; an untyped I after O starts one of type "_"
    assert.deepEqual(extractEntities(["S-PER", "I-PER"]), [{ type: "PER", start: 0, end: 1 }, { type: "PER", start: 1, end: 2 }]);
    assert.deepEqual(extractEntities(["O", "I", "I"]), [{ type: "_", start: 1, end: 3 }]);
  });

  it("entities never run across sentences, and need type and exact span to count", () => {
    const gold = [["B-PER", "I-PER"], ["I-PER", "O"]];
    assert.deepEqual(entityF1(gold, gold).gold, 2);
    assertScores(entityF1([["B-PER", "I-PER", "O"]], [["B-PER", "O", "O"]]), { precision: 0, recall: 0, f1: 0 }, "span");
    assertScores(entityF1([["B-PER", "O", "B-LOC"]], [["B-ORG", "O", "B-LOC"]]), { precision: 0.5, recall: 0.5, f1: 0.5 }, "type");
  });

  it("no entities anywhere gives 0 (seqeval's zero_division); bad input is a ConfigError", () => {
    assert.deepEqual(entityF1([["O", "O"]], [["O", "O"]]), { precision: 0, recall: 0, f1: 0, truePositives: 0, predicted: 0, gold: 0, byType: new Map() });
    assert.throws(() => entityF1([["O", "O"]], [["O"]]), (error: unknown) => error instanceof ConfigError && error.message.includes("sentence 0"));
    assert.throws(() => entityF1([["S-PER"]], [["O"]], { mode: "strict" }), (error: unknown) => error instanceof ConfigError && error.message.includes('"S-PER"'));
  });

  it("on CoNLL-2003 valid (data/ slice): gold against itself is 1.0 over the 1,102 dev entities", () => {
    const tags = readConll(join(DATA, "conll2003", "valid.txt")).examples.map((example) => example.tags ?? []);
    const scores = entityF1(tags, tags);
    assert.equal(scores.f1, 1);
    assert.equal(scores.gold, 1_102);
    assert.deepEqual([...scores.byType].map(([type, { support }]) => [type, support]), [["LOC", 355], ["MISC", 103], ["ORG", 219], ["PER", 425]]);
    assert.equal(entityF1(tags, tags, { mode: "strict" }).gold, 1_102); // the file is IOB2: both modes agree
  });
});

describe("loose micro F1 for entity typing (ERNIE / K-Adapter OpenEntity)", () => {
  it("sums intersections over examples, hand-checked", () => {
    // |pred ∩ gold| = 1 + 0 + 2 = 3; Σ|pred| = 2 + 1 + 2 = 5; Σ|gold| = 1 + 0 + 3 = 4
    const gold = [["person"], [], ["place", "location", "entity"]];
    const predicted = [["person", "group"], ["event"], ["location", "place"]];
    assertScores(looseMicroF1(gold, predicted), { precision: 3 / 5, recall: 3 / 4, f1: (2 * 0.6 * 0.75) / 1.35 }, "hand");
  });

  it("gives 0 where K-Adapter's script would divide by zero, and rejects a label repeated in one example", () => {
    assert.throws(() => looseMicroF1([["a"]], [["a", "b", "a"]]), (error: unknown) => error instanceof ConfigError && error.message.includes('predicted[0] = ["a","b","a"]'));
    assert.deepEqual(looseMicroF1([["a"]], [[]]), { precision: 0, recall: 0, f1: 0 }); // nothing predicted
    assert.deepEqual(looseMicroF1([[]], [["a"]]), { precision: 0, recall: 0, f1: 0 }); // no gold labels
  });

  it("on OpenEntity dev (data/ slice, 1,032 examples), matches K-Adapter's loose_micro run by Python on the same predictions", () => {
    const dev = JSON.parse(readFileSync(join(DATA, "kadapter", "OpenEntity", "dev.json"), "utf8")) as { labels: string[] }[];
    const gold = dev.map((example) => example.labels);
    assert.equal(gold.length, 1_032);
    // expected values: K-Adapter examples/utils_glue.py loose_micro, transcribed and run under Python 3.11
    assertScores(looseMicroF1(gold, gold.map(() => ["person"])), { precision: 0.39341085271317827, recall: 0.4109311740890688, f1: 0.40198019801980195 }, "all person");
    const mixed = gold.map((_, i) => (i % 3 === 0 ? ["person", "place"] : i % 3 === 1 ? ["organization"] : []));
    assertScores(looseMicroF1(gold, mixed), { precision: 0.18604651162790697, recall: 0.19433198380566802, f1: 0.1900990099009901 }, "mixed");
  });
});
