import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError, FormatError } from "../../src/errors.js";
import { iob2Violation, labelsFromExamples, readConll, type TaggedExample } from "../../src/data/index.js";
import { assertThrowsNaming, CONLL_DIR, makeTempDir } from "./helpers/data-files.js";

const CONLL_TAGS = ["B-LOC", "B-MISC", "B-ORG", "B-PER", "I-LOC", "I-MISC", "I-ORG", "I-PER", "O"];

function last(examples: readonly TaggedExample[]): TaggedExample {
  const example = examples.at(-1);
  assert.ok(example !== undefined, "no examples");
  return example;
}

describe("readConll on the CoNLL-2003 slices (data/conll2003)", () => {
  const train = readConll(join(CONLL_DIR, "train.txt"));
  const valid = readConll(join(CONLL_DIR, "valid.txt"));

  it("reads train: 1,000 sentences, 12,057 tokens, NER tags from the last column", () => {
    assert.equal(train.examples.length, 1_000);
    assert.deepEqual(train.skipped, []);
    assert.equal(train.examples.reduce((sum, example) => sum + example.words.length, 0), 12_057);
    assert.deepEqual(train.examples[0], {
      words: ["EU", "rejects", "German", "call", "to", "boycott", "British", "lamb", "."],
      tags: ["B-ORG", "O", "B-MISC", "O", "O", "O", "B-MISC", "O", "O"],
      line: 3,
    });
    assert.deepEqual(last(train.examples), {
      words: ["The", "youth", "side", "replied", "with", "246", "for", "seven", "."],
      tags: ["O", "O", "O", "O", "O", "O", "O", "O", "O"],
      line: 13_170,
    });
  });

  it("reads valid: 600 sentences, 6,829 tokens", () => {
    assert.equal(valid.examples.length, 600);
    assert.equal(valid.examples.reduce((sum, example) => sum + example.words.length, 0), 6_829);
    assert.deepEqual(valid.examples[0], {
      words: ["CRICKET", "-", "LEICESTERSHIRE", "TAKE", "OVER", "AT", "TOP", "AFTER", "INNINGS", "VICTORY", "."],
      tags: ["O", "O", "B-ORG", "O", "O", "O", "O", "O", "O", "O", "O"],
      line: 3,
    });
    assert.deepEqual(last(valid.examples), { words: ["S.", "Waugh", "b", "Muralitharan", "22"], tags: ["B-PER", "I-PER", "O", "B-PER", "O"], line: 7_478 });
  });

  it("skips -DOCSTART- lines and finds the nine CoNLL-2003 tags", () => {
    for (const { examples } of [train, valid]) {
      assert.ok(examples.every((example) => !example.words.includes("-DOCSTART-")));
      assert.deepEqual(labelsFromExamples(examples), CONLL_TAGS);
    }
  });

  it("the shared copy is IOB2 already (as its README says), so converting it changes nothing", () => {
    for (const { examples } of [train, valid]) {
      const broken = examples.find((example) => iob2Violation(example.tags ?? []) !== -1);
      assert.equal(broken, undefined, `sentence at line ${broken?.line} is not IOB2`);
    }
    const converted = readConll(join(CONLL_DIR, "valid.txt"), { iob1ToIob2: true });
    assert.deepEqual(converted.examples, valid.examples);
  });

  it("selects another tag column: POS (1) or chunk (2)", () => {
    const pos = readConll(join(CONLL_DIR, "valid.txt"), { tagColumn: 1 });
    assert.deepEqual(pos.examples[0].tags, ["NNP", ":", "NNP", "NNP", "IN", "NNP", "NNP", "NNP", "NNP", "NN", "."]);
    const chunk = readConll(join(CONLL_DIR, "valid.txt"), { tagColumn: 2 });
    assert.deepEqual(chunk.examples[0].tags, ["B-NP", "O", "B-NP", "I-NP", "B-PP", "B-NP", "I-NP", "I-NP", "I-NP", "I-NP", "O"]);
    assert.deepEqual(chunk.examples[0].words, valid.examples[0].words);
  });
});

describe("readConll (temp files)", () => {
  const temp = makeTempDir("conll");
  after(temp.cleanup);

  it("converts IOB1 to IOB2 only when asked", () => {
    const path = temp.write("iob1.txt", [
      "-DOCSTART- -X- -X- O", "",
      "Peter NNP I-NP I-PER", "Blackburn NNP I-NP I-PER", "met VBD I-VP O", "Paris NNP I-NP I-LOC", "Texas NNP I-NP B-LOC", "",
      "U.N. NNP I-NP I-ORG", "official NN I-NP O", "",
    ].join("\n"));
    assert.deepEqual(readConll(path).examples.map((example) => example.tags), [
      ["I-PER", "I-PER", "O", "I-LOC", "B-LOC"],
      ["I-ORG", "O"],
    ]);
    assert.deepEqual(readConll(path, { iob1ToIob2: true }).examples, [
      { words: ["Peter", "Blackburn", "met", "Paris", "Texas"], tags: ["B-PER", "I-PER", "O", "B-LOC", "B-LOC"], line: 3 },
      { words: ["U.N.", "official"], tags: ["B-ORG", "O"], line: 9 },
    ]);
  });

  it("a line with the wrong column count is a FormatError naming the file and line", () => {
    const path = temp.write("short.txt", "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nGerman JJ B-MISC\ncall NN I-NP O\n");
    assert.throws(() => readConll(path), (error: unknown) => {
      assert.ok(error instanceof FormatError);
      assert.equal(error.message, `${path}:4: expected 4 space-separated columns (as on line 1), got 3`);
      return true;
    });
    const declared = temp.write("declared.txt", "EU B-ORG\n");
    assertThrowsNaming(() => readConll(declared, { columns: 4 }), FormatError, [`${declared}:1: expected 4 space-separated columns (as the columns option says), got 2`]);
  });

  it("skipMalformed drops the sentence holding a bad line and lists the line", () => {
    const path = temp.write("mixed.txt", "EU NNP B-NP B-ORG\n\nGerman JJ B-MISC\ncall NN I-NP O\n\nlamb NN I-NP O\n");
    const { examples, skipped } = readConll(path, { skipMalformed: true });
    assert.deepEqual(examples, [
      { words: ["EU"], tags: ["B-ORG"], line: 1 },
      { words: ["lamb"], tags: ["O"], line: 6 },
    ]);
    assert.deepEqual(skipped, [{ line: 3, reason: "expected 4 space-separated columns (as on line 1), got 3" }]);
  });

  it("with conversion on, a tag that is not O, B-X or I-X is malformed", () => {
    const path = temp.write("bad-tag.txt", "EU NNP B-NP S-ORG\n");
    assertThrowsNaming(() => readConll(path, { iob1ToIob2: true }), FormatError, [`${path}:1: expected an IOB tag (O, B-X or I-X) in column 3, got "S-ORG"`]);
  });

  it("a words-only file gives null tags; tab-separated columns and CRLF line ends are read too", () => {
    const words = temp.write("words.txt", "EU\nrejects\n\nGerman\n");
    assert.deepEqual(readConll(words).examples, [
      { words: ["EU", "rejects"], tags: null, line: 1 },
      { words: ["German"], tags: null, line: 4 },
    ]);
    const tabs = temp.write("tabs.txt", "EU\tB-ORG\r\nrejects\tO\r\n");
    assert.deepEqual(readConll(tabs).examples, [{ words: ["EU", "rejects"], tags: ["B-ORG", "O"], line: 1 }]);
  });

  it("bad options are ConfigErrors", () => {
    const path = temp.write("options.txt", "EU NNP B-NP B-ORG\n");
    assertThrowsNaming(() => readConll(path, { tagColumn: 4 }), ConfigError, ["tagColumn 4 is out of range; token lines have 4 columns"]);
    assertThrowsNaming(() => readConll(path, { tagColumn: 0 }), ConfigError, ["expected tagColumn to be an integer >= 1 (column 0 is the word), got 0"]);
    assertThrowsNaming(() => readConll(path, { columns: 0 }), ConfigError, ["expected columns to be a positive integer, got 0"]);
  });

  it("a missing file is a ConfigError naming the path", () => {
    const path = join(temp.dir, "absent.txt");
    assertThrowsNaming(() => readConll(path), ConfigError, [path, "ENOENT"]);
  });
});
