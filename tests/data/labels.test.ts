import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, FormatError } from "../../src/errors.js";
import {
  classLabelIds, createLabelVocab, glueTask, labelId, labelsFromExamples, multiLabelIds, readConll, readGlue, tagIds,
  type TaggedExample, type TextExample,
} from "../../src/data/index.js";
import { assertThrowsNaming, CONLL_DIR, GLUE_DIR } from "./helpers/data-files.js";

const text = (label: TextExample["label"], line: number): TextExample => ({ textA: "x", label, line });

describe("label vocabularies", () => {
  it("labelsFromExamples: distinct labels in code-unit order, whatever order they appear in", () => {
    assert.deepEqual(labelsFromExamples([text("neutral", 1), text("entailment", 2), text("neutral", 3), text("contradiction", 4)]), ["contradiction", "entailment", "neutral"]);
    assert.deepEqual(labelsFromExamples([text("9", 1), text("10", 2), text("b", 3), text("B", 4)]), ["10", "9", "B", "b"]);
    assert.deepEqual(labelsFromExamples([text(["place", "location"], 1), text([], 2), text(["person"], 3)]), ["location", "person", "place"]);
    assert.deepEqual(labelsFromExamples([text(null, 1), text("1", 2)]), ["1"]);
    const tagged: TaggedExample[] = [{ words: ["a", "b"], tags: ["O", "B-PER"], line: 1 }, { words: ["c"], tags: null, line: 3 }];
    assert.deepEqual(labelsFromExamples(tagged), ["B-PER", "O"]);
  });

  it("labelsFromExamples rejects regression labels: they have no vocabulary", () => {
    assertThrowsNaming(() => labelsFromExamples([text(3.8, 7)]), ConfigError, ["float label 3.8 (line 7)"]);
  });

  it("the label vocabulary of real data: SST-2 gives the GLUE processor's list, CoNLL the nine tags", () => {
    const sst2 = readGlue({ dataDir: GLUE_DIR, task: "SST-2", split: "dev" }).examples;
    assert.deepEqual(labelsFromExamples(sst2), glueTask("SST-2").labels);
    const ids = classLabelIds(sst2, createLabelVocab(labelsFromExamples(sst2)), "dev.tsv");
    assert.equal(ids.length, 872);
    assert.deepEqual(ids.slice(0, 3), [1, 0, 1]);

    const conll = readConll(join(CONLL_DIR, "valid.txt")).examples;
    const vocab = createLabelVocab(labelsFromExamples(conll));
    assert.deepEqual(tagIds(conll.slice(0, 1), vocab, "valid.txt"), [[8, 8, 2, 8, 8, 8, 8, 8, 8, 8, 8]]);
  });

  it("maps labels to ids in list order", () => {
    const vocab = createLabelVocab(["contradiction", "entailment", "neutral"]);
    assert.equal(labelId(vocab, "neutral", "dev.tsv", 2), 2);
    assert.deepEqual(classLabelIds([text("entailment", 2), text("contradiction", 3)], vocab, "dev.tsv"), [1, 0]);
    const types = createLabelVocab(["location", "person", "place"]);
    assert.deepEqual(multiLabelIds([text(["place", "location"], 1), text([], 2)], types, "train.json"), [[2, 0], []]);
  });

  it("an unknown label is a FormatError naming the file and line and listing the labels", () => {
    const vocab = createLabelVocab(["0", "1"]);
    assert.throws(() => classLabelIds([text("1", 11), text("maybe", 12)], vocab, "train.tsv"), (error: unknown) => {
      assert.ok(error instanceof FormatError);
      assert.equal(error.message, 'unknown label "maybe" at train.tsv:12; expected one of 0, 1');
      return true;
    });
    const tags = createLabelVocab(["O", "B-PER"]);
    assertThrowsNaming(() => tagIds([{ words: ["x"], tags: ["I-PER"], line: 40 }], tags, "valid.txt"), FormatError, ['unknown label "I-PER" at valid.txt:40']);
    const many = createLabelVocab(Array.from({ length: 25 }, (_, i) => `r${i}`));
    assertThrowsNaming(() => labelId(many, "r99", "dev.json", 1), FormatError, ["r18, r19, ... (25 labels)"]);
  });

  it("an unlabelled example is a FormatError; a label of the wrong kind a ConfigError", () => {
    const vocab = createLabelVocab(["0", "1"]);
    assertThrowsNaming(() => classLabelIds([text(null, 5)], vocab, "test.tsv"), FormatError, ["test.tsv:5: expected a class label, got an unlabelled example"]);
    assertThrowsNaming(() => classLabelIds([text(["0"], 5)], vocab, "a.jsonl"), ConfigError, ["classLabelIds: expected a class label at a.jsonl:5, got a list of labels"]);
    assertThrowsNaming(() => multiLabelIds([text("0", 6)], vocab, "a.jsonl"), ConfigError, ['got the class label "0"']);
  });

  it("createLabelVocab rejects duplicate and empty label lists", () => {
    assertThrowsNaming(() => createLabelVocab(["a", "b", "a"]), ConfigError, ['got "a" twice']);
    assertThrowsNaming(() => createLabelVocab([]), ConfigError, ["expected at least one label"]);
  });
});
