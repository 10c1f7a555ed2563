import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { after, describe, it } from "node:test";
import { readConllU, readTreebankSplit, treebankSplitFiles, type DependencyExample, type ReadResult } from "../../src/data/index.js";
import { ConfigError, FormatError } from "../../src/errors.js";
import { assertThrowsNaming, makeTempDir, DATA } from "./helpers/data-files.js";

const EWT_DIR = join(DATA, "ud", "en-ewt");
const GUM_DIR = join(DATA, "ud", "en-gum");

function last(examples: readonly DependencyExample[]): DependencyExample {
  const example = examples.at(-1);
  assert.ok(example !== undefined, "no examples");
  return example;
}

function totals(results: readonly ReadResult<DependencyExample>[]): { sentences: number; words: number; skipped: number } {
  const examples = results.flatMap((result) => result.examples);
  return {
    sentences: examples.length,
    words: examples.reduce((sum, example) => sum + example.words.length, 0),
    skipped: results.reduce((sum, result) => sum + result.skipped.length, 0),
  };
}

describe("readConllU on the UD English treebank slices (data/ud)", () => {
  const ewtTrain = readTreebankSplit(EWT_DIR, "train");
  const ewtDev = readTreebankSplit(EWT_DIR, "dev");
  const gumTrain = readTreebankSplit(GUM_DIR, "train");
  const gumDev = readTreebankSplit(GUM_DIR, "dev");

  it("lists the train parts in order and the single dev file", () => {
    assert.deepEqual(treebankSplitFiles(EWT_DIR, "train").map((path) => basename(path)), [1, 2].map((k) => `en_ewt-ud-train.part0${k}-of-02.conllu`));
    assert.deepEqual(treebankSplitFiles(GUM_DIR, "train").map((path) => basename(path)), [1, 2].map((k) => `en_gum-ud-train-recon.part0${k}-of-02.conllu`));
    assert.deepEqual(treebankSplitFiles(EWT_DIR, "dev"), [join(EWT_DIR, "en_ewt-ud-dev.conllu")]);
    assert.deepEqual(treebankSplitFiles(GUM_DIR, "dev"), [join(GUM_DIR, "en_gum-ud-dev.conllu")]);
  });

  it("counts sentences (as data/README.md gives them) and syntactic words (counted in Python)", () => {
    assert.deepEqual(totals(ewtTrain), { sentences: 400, words: 9_323, skipped: 0 });
    assert.deepEqual(totals(ewtDev), { sentences: 200, words: 4_007, skipped: 0 });
    assert.deepEqual(totals(gumTrain), { sentences: 400, words: 10_416, skipped: 0 });
    assert.deepEqual(totals(gumDev), { sentences: 200, words: 4_264, skipped: 0 });
    // per part (data/README.md): the first 400 train sentences split 200 + 200, so part 2 starts inside a document
    assert.deepEqual(ewtTrain.map((result) => result.examples.length), [200, 200]);
    assert.deepEqual(gumTrain.map((result) => result.examples.length), [200, 200]);
  });

  it("reads the first and last sentences of EWT dev", () => {
    const { examples } = ewtDev[0];
    assert.deepEqual(examples[0], {
      words: ["From", "the", "AP", "comes", "this", "story", ":"],
      heads: [3, 3, 4, 0, 6, 4, 4],
      deprels: ["case", "det", "obl", "root", "det", "nsubj", "punct"],
      upos: ["ADP", "DET", "PROPN", "VERB", "DET", "NOUN", "PUNCT"],
      sentId: "weblog-blogspot.com_nominations_20041117172713_ENG_20041117_172713-0001",
      line: 5,
    });
    assert.deepEqual(last(examples), {
      words: ["Acquiring", "open", "source", "talent", "gives", "a", "company", "an", "inexpensive", "way", "of", "influencing", "and", "anticipating", "the", "direction", "an", "open", "source", "project", "will", "go", "."],
      heads: [5, 3, 4, 1, 0, 7, 5, 10, 10, 5, 12, 10, 14, 12, 16, 12, 20, 19, 20, 22, 22, 16, 5],
      deprels: ["csubj", "amod", "compound", "obj", "root", "det", "iobj", "det", "amod", "obj", "mark", "acl", "cc", "conj", "det", "obj", "det", "amod", "compound", "nsubj", "aux", "acl:relcl", "punct"],
      upos: ["VERB", "ADJ", "NOUN", "NOUN", "VERB", "DET", "NOUN", "DET", "ADJ", "NOUN", "SCONJ", "VERB", "CCONJ", "VERB", "DET", "NOUN", "DET", "ADJ", "NOUN", "NOUN", "AUX", "VERB", "PUNCT"],
      sentId: "weblog-typepad.com_ripples_20050410122300_ENG_20050410_122300-0036",
      line: 4_688,
    });
  });

  it("reads the first and last sentences of the train parts and of GUM dev", () => {
    const first = ewtTrain[0].examples[0];
    assert.equal(first.words.length, 29);
    assert.deepEqual(first.words.slice(0, 6), ["Al", "-", "Zaman", ":", "American", "forces"]);
    assert.deepEqual(first.heads.slice(0, 6), [0, 3, 1, 7, 6, 7]);
    assert.equal(first.line, 5);
    const ewtLast = last(ewtTrain[1].examples);
    assert.deepEqual(
      [ewtLast.sentId, ewtLast.line, ewtLast.words.length, ewtLast.words.slice(0, 6)],
      ["weblog-blogspot.com_alaindewitt_20040929103700_ENG_20040929_103700-0073", 5_619, 24, ["Earlier", ",", "Kerry", "said", ",", "“"]],
    );
    assert.deepEqual(gumTrain[0].examples[0].words, ["Aesthetic", "Appreciation", "and", "Spanish", "Art", ":"]);
    const gumLast = last(gumTrain[1].examples);
    assert.deepEqual(
      [gumLast.sentId, gumLast.line, gumLast.words.length, gumLast.words.slice(0, 6), gumLast.heads.slice(0, 6)],
      ["GUM_academic_salinity-4", 6_530, 96, ["In", "the", "past", "decade", ",", "with"], [4, 4, 4, 79, 4, 9]],
    );
    assert.deepEqual(gumDev[0].examples[0], { words: ["Introduction"], heads: [0], deprels: ["root"], upos: ["NOUN"], sentId: "GUM_academic_exposure-1", line: 24 });
    assert.deepEqual(last(gumDev[0].examples), {
      words: ["On", "the", "volleyball", "team", "."],
      heads: [4, 4, 4, 0, 4],
      deprels: ["case", "det", "compound", "root", "punct"],
      upos: ["ADP", "DET", "NOUN", "NOUN", "PUNCT"],
      sentId: "GUM_conversation_grounded-85",
      line: 5_960,
    });
  });

  it("skips multiword-token lines and empty nodes: heads index syntactic words", () => {
    const { examples } = ewtDev[0];
    const todays = examples.find((example) => example.line === 166);
    assert.ok(todays !== undefined);
    assert.deepEqual(todays.words.slice(0, 4), ["Today", "'s", "incident", "proves"]); // "1-2 Today's" skipped
    assert.deepEqual(todays.heads.slice(0, 4), [3, 1, 4, 0]);
    const withEmptyNode = examples.find((example) => example.line === 1_594);
    assert.ok(withEmptyNode !== undefined);
    assert.deepEqual(withEmptyNode.words.slice(6, 9), ["they", "like", "about"]); // "8.1 write" skipped
    for (const result of [...ewtTrain, ...ewtDev, ...gumTrain, ...gumDev]) {
      for (const example of result.examples) {
        assert.equal(example.heads.filter((head) => head === 0).length, 1, `${result.file}:${example.line}: one root`);
      }
    }
  });
});

describe("readConllU errors name the file and line", () => {
  const temp = makeTempDir("conllu");
  after(temp.cleanup);
  const row = (id: string, form: string, head: string, deprel = "dep"): string => [id, form, "_", "X", "_", "_", head, deprel, "_", "_"].join("\t");
  const sentence = ["# sent_id = s1", row("1", "Ann", "2", "nsubj"), row("2", "sleeps", "0", "root"), ""].join("\n");

  it("reads a minimal file with CRLF line ends and no final blank line", () => {
    const path = temp.write("crlf.conllu", `${sentence}\n${[row("1", "Hi", "0", "root")].join("\n")}`.replace(/\n/g, "\r\n"));
    const result = readConllU(path);
    assert.deepEqual(result.examples, [
      { words: ["Ann", "sleeps"], heads: [2, 0], deprels: ["nsubj", "root"], upos: ["X", "X"], sentId: "s1", line: 2 },
      { words: ["Hi"], heads: [0], deprels: ["root"], upos: ["X"], sentId: null, line: 5 },
    ]);
  });

  it("keeps a form holding a space (columns split on TAB only)", () => {
    const path = temp.write("space.conllu", `${row("1", "New York", "0", "root")}\n`);
    assert.deepEqual(readConllU(path).examples[0].words, ["New York"]);
  });

  it("rejects malformed word lines", () => {
    const cases: [string, number, string][] = [
      [`${sentence}\n1\tHi\t_\tX\t_\t_\t0\troot\t_\n`, 5, "expected 10 TAB-separated columns (CoNLL-U), got 9"],
      [`${sentence}\n${row("1", "Hi", "0").replace(/\t/g, " ")}\n`, 5, "got 1"],
      [`${sentence}\n${row("1", "Hi", "_")}\n`, 5, 'expected an integer HEAD (0 for the root) in column 7, got "_"'],
      [`${sentence}\n${row("1", "Hi", "-1")}\n`, 5, 'got "-1"'],
      [`${sentence}\n${row("1", "Hi", "0")}\n${row("3", "there", "1")}\n`, 6, "expected word ID 2 (IDs count up from 1 in each sentence), got 3"],
      [`${sentence}\n${row("one", "Hi", "0")}\n`, 5, 'expected a word ID (1, 2, ...), a multiword range (1-2) or an empty node (1.1), got "one"'],
      [`${sentence}\n${row("1", "Hi", "0")}\n${row("2", "there", "3")}\n`, 6, "expected HEAD in 0..2 (the sentence has 2 words), got 3 for word 2"],
      [`${sentence}\n${row("1", "Hi", "0")}\n${row("2", "there", "2")}\n`, 6, "expected a HEAD other than the word itself, got 2 for word 2"],
    ];
    cases.forEach(([text, line, reason], i) => {
      const path = temp.write(`bad-${i}.conllu`, text);
      assertThrowsNaming(() => readConllU(path), FormatError, [`${path}:${line}: `, reason]);
    });
  });

  it("skipMalformed drops the whole sentence and lists its first bad line", () => {
    const bad = [row("1", "Hi", "0"), row("2", "there", "x"), row("3", "you", "9"), ""].join("\n");
    const path = temp.write("mixed.conllu", `${sentence}\n${bad}\n${sentence}\n`);
    const result = readConllU(path, { skipMalformed: true });
    assert.deepEqual(result.examples.map((example) => example.line), [2, 10]);
    assert.deepEqual(result.skipped, [{ line: 6, reason: 'expected an integer HEAD (0 for the root) in column 7, got "x"' }]);
    const outOfRange = temp.write("range.conllu", `${[row("1", "Hi", "0"), row("2", "there", "9")].join("\n")}\n\n${sentence}\n`);
    const ranged = readConllU(outOfRange, { skipMalformed: true });
    assert.deepEqual(ranged.examples.map((example) => example.words), [["Ann", "sleeps"]]);
    assert.deepEqual(ranged.skipped, [{ line: 2, reason: "expected HEAD in 0..2 (the sentence has 2 words), got 9 for word 2" }]);
  });

  it("a missing file is a ConfigError naming it", () => {
    assertThrowsNaming(() => readConllU(join(temp.dir, "missing.conllu")), ConfigError, ["missing.conllu", "ENOENT"]);
  });
});

describe("treebankSplitFiles", () => {
  const temp = makeTempDir("treebank");
  after(temp.cleanup);
  const folder = (name: string, files: readonly string[]): string => {
    const dir = join(temp.dir, name);
    mkdirSync(dir);
    for (const file of files) writeFileSync(join(dir, file), "");
    return dir;
  };

  it("orders parts by number and ignores other files", () => {
    const dir = folder("ok", ["x-ud-train.part02-of-02.conllu", "x-ud-train.part01-of-02.conllu", "x-ud-dev.conllu", "README.md"]);
    assert.deepEqual(treebankSplitFiles(dir, "train").map((path) => basename(path)), ["x-ud-train.part01-of-02.conllu", "x-ud-train.part02-of-02.conllu"]);
    assert.deepEqual(treebankSplitFiles(dir, "dev").map((path) => basename(path)), ["x-ud-dev.conllu"]);
  });

  it("rejects a missing split, a missing part, a whole file beside parts, and an unknown split", () => {
    const dir = folder("gaps", ["x-ud-train.part01-of-03.conllu", "x-ud-train.part03-of-03.conllu", "x-ud-dev.conllu", "x-ud-dev.part01-of-01.conllu"]);
    assertThrowsNaming(() => treebankSplitFiles(dir, "test"), ConfigError, [dir, "expected a test file", "got none"]);
    assertThrowsNaming(() => treebankSplitFiles(dir, "train"), ConfigError, [dir, "expected train parts 1..3 once each, got part 2 0 times"]);
    assertThrowsNaming(() => treebankSplitFiles(dir, "dev"), ConfigError, [dir, "expected one dev file or one set of parts, got x-ud-dev.conllu, x-ud-dev.part01-of-01.conllu"]);
    assertThrowsNaming(() => treebankSplitFiles(dir, "valid" as "dev"), ConfigError, ['unknown split "valid"; expected one of train, dev, test']);
    assertThrowsNaming(() => treebankSplitFiles(join(temp.dir, "nowhere"), "dev"), ConfigError, ["nowhere", "ENOENT"]);
  });
});
