import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readConllU } from "../../src/data/index.js";
import { ConfigError } from "../../src/errors.js";
import { accuracy, relationF1, unlabeledAttachmentScore } from "../../src/train/metrics/index.js";
import { assertClose, assertScores, DATA } from "./helpers/scores.js";

describe("unlabeledAttachmentScore", () => {
  const gold = [[2, 0, 2], [0, 1]];
  const predicted = [[2, 0, 1], [0, 1]];
  const words = [["John", "sleeps", "."], ["Hi", "!"]];

  it("scores every word by default: 4 of 5 heads right", () => {
    assert.equal(unlabeledAttachmentScore(gold, predicted), 4 / 5);
    assert.equal(unlabeledAttachmentScore(gold, gold), 1);
    assert.equal(unlabeledAttachmentScore([], []), 0);
    assert.equal(unlabeledAttachmentScore([[]], [[]]), 0);
  });

  it("ignorePunct leaves punctuation out, by form (all Unicode punctuation) or by tag", () => {
    // "." (the one wrong head) and "!" are left out: 3 of 3
    assert.equal(unlabeledAttachmentScore(gold, predicted, { ignorePunct: { words } }), 1);
    const tags = [["PROPN", "VERB", "PUNCT"], ["INTJ", "PUNCT"]];
    assert.equal(unlabeledAttachmentScore(gold, predicted, { ignorePunct: { words, tags } }), 1);
    // only the tags listed in punctTags count: "." tagged PUNCT is scored (wrong), "!" tagged "." is not
    const otherTags = [["NNP", "VBZ", "PUNCT"], ["UH", "."]];
    assert.equal(unlabeledAttachmentScore(gold, predicted, { ignorePunct: { words, tags: otherTags, punctTags: ["."] } }), 3 / 4);
    // "$" and "%" are symbols (category S), not punctuation; "--", "...", "«»" are punctuation; "'s" is not
    const forms = [["$", "--", "...", "«»", "'s"]];
    const heads = [[0, 1, 1, 1, 1]];
    // only "$" (right) and "'s" (wrong) are scored
    assert.equal(unlabeledAttachmentScore(heads, [[0, 0, 0, 0, 0]], { ignorePunct: { words: forms } }), 1 / 2);
  });

  it("rejects sentences of different lengths or shapes", () => {
    assert.throws(() => unlabeledAttachmentScore(gold, [[2, 0, 2]]), ConfigError);
    assert.throws(() => unlabeledAttachmentScore(gold, [[2, 0], [0, 1]]), /sentence 0 to have as many predicted heads as gold heads, got 2 and 3/);
    assert.throws(() => unlabeledAttachmentScore(gold, predicted, { ignorePunct: { words: [["John"], ["Hi", "!"]] } }), /ignorePunct.words: expected sentence 0 to have 3 entries/);
    assert.throws(() => unlabeledAttachmentScore(gold, predicted, { ignorePunct: { words, tags: [["X", "X", "X"]] } }), /ignorePunct.tags: expected 2 sentences/);
  });

  it("on EWT dev (data/ slice), attaching each word to the previous one scores 304 / 4,007 (hand-counted in Python)", () => {
    const { examples } = readConllU(join(DATA, "ud", "en-ewt", "en_ewt-ud-dev.conllu"));
    const gold = examples.map((example) => example.heads);
    const previousWord = examples.map((example) => example.heads.map((_, i) => i)); // word i+1 -> head i (0 for the first)
    assert.equal(unlabeledAttachmentScore(gold, gold), 1);
    assertClose(unlabeledAttachmentScore(gold, previousWord), 304 / 4_007, "all words");
    const words = examples.map((example) => example.words);
    const tags = examples.map((example) => example.upos);
    assertClose(unlabeledAttachmentScore(gold, previousWord, { ignorePunct: { words, tags } }), 203 / 3_493, "without UPOS PUNCT");
    assertClose(unlabeledAttachmentScore(gold, previousWord, { ignorePunct: { words } }), 203 / 3_489, "without punctuation forms");
  });
});

describe("relationF1 (the TACRED scorer)", () => {
  it("micro-averages over relations without the negative class, hand-checked", () => {
    // guessed (pred != no_relation): 0, 1, 4 -> 3; gold relations: 0, 1, 2, 3 -> 4; correct: 0, 1 -> 2
    const gold = ["A", "A", "A", "B", "no_relation"];
    const predicted = ["A", "A", "no_relation", "no_relation", "A"];
    const scores = relationF1(gold, predicted);
    assertScores(scores, { precision: 2 / 3, recall: 1 / 2, f1: 4 / 7 }, "micro");
    assert.deepEqual([scores.correct, scores.guessed, scores.goldRelations], [2, 3, 4]);
    // per relation: A tp 2, predicted 3, gold 3 -> 2/3 each; B never predicted -> 0; mean over A and B
    assertScores(scores.macro, { precision: 1 / 3, recall: 1 / 3, f1: 1 / 3 }, "macro");
  });

  it("precision is 1.0 when no relation is guessed (the scorer's default), so F1 is 0 with recall 0", () => {
    const scores = relationF1(["A", "no_relation"], ["no_relation", "no_relation"]);
    assert.deepEqual({ precision: scores.precision, recall: scores.recall, f1: scores.f1 }, { precision: 1, recall: 0, f1: 0 });
    const allNegative = relationF1(["no_relation"], ["no_relation"]);
    assert.deepEqual([allNegative.precision, allNegative.recall, allNegative.f1], [1, 0, 0]);
    assert.deepEqual(allNegative.macro, { precision: 0, recall: 0, f1: 0 });
    const empty = relationF1([], []);
    assert.deepEqual([empty.precision, empty.recall, empty.f1], [1, 0, 0]);
  });

  it("equals accuracy when no example is negative (LitWD1Krel has no no_relation)", () => {
    const gold = ["x", "y", "z", "y"];
    const predicted = ["x", "y", "y", "z"];
    const scores = relationF1(gold, predicted);
    assertScores(scores, { precision: 0.5, recall: 0.5, f1: 0.5 }, "micro");
    assert.equal(scores.f1, accuracy(gold, predicted));
  });

  it("takes another negative class name (SemEval's Other)", () => {
    const scores = relationF1(["Other", "Cause", "Cause"], ["Cause", "Cause", "Other"], "Other");
    assertScores(scores, { precision: 1 / 2, recall: 1 / 2, f1: 1 / 2 }, "micro");
  });

  it("matches the TACRED scorer's score() run in Python on 30 random labels", () => {
    // labels drawn with random.seed(7); expected values printed by utils/scorer.py's score(key, prediction)
    const gold = ["no_relation", "no_relation", "per:title", "no_relation", "per:title", "no_relation", "no_relation", "per:title", "no_relation", "no_relation", "no_relation", "no_relation", "no_relation", "per:age", "no_relation", "no_relation", "per:title", "org:members", "per:title", "no_relation", "org:members", "no_relation", "per:age", "no_relation", "no_relation", "no_relation", "no_relation", "per:age", "no_relation", "per:title"];
    const predicted = ["no_relation", "no_relation", "per:title", "no_relation", "no_relation", "no_relation", "no_relation", "per:title", "per:title", "no_relation", "per:title", "org:founded", "no_relation", "no_relation", "no_relation", "no_relation", "per:title", "org:members", "org:founded", "per:age", "org:members", "per:title", "no_relation", "org:members", "no_relation", "no_relation", "per:title", "per:age", "no_relation", "per:title"];
    const scores = relationF1(gold, predicted);
    assertScores(scores, { precision: 0.4666666666666667, recall: 0.6363636363636364, f1: 0.5384615384615385 }, "micro");
    assert.deepEqual([scores.correct, scores.guessed, scores.goldRelations], [7, 15, 11]);
    // sklearn-style macro over per:title, org:founded, per:age, org:members (computed by hand in Python)
    assertScores(scores.macro, { precision: 0.41666666666666663, recall: 0.5, f1: 0.44285714285714295 }, "macro");
  });

  it("rejects arrays of different lengths", () => {
    assert.throws(() => relationF1(["A"], []), ConfigError);
  });
});
