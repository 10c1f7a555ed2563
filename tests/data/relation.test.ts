import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readRelationJson, readRelationLabels, type RelationExample } from "../../src/data/index.js";
import { ConfigError, FormatError } from "../../src/errors.js";
import { assertThrowsNaming, makeTempDir, DATA } from "./helpers/data-files.js";

const LITWD_DIR = join(DATA, "kadapter", "LitWD1Krel");
const DEV = join(LITWD_DIR, "dev.json");

function last<T>(items: readonly T[]): T {
  const item = items.at(-1);
  assert.ok(item !== undefined, "no items");
  return item;
}

function words(example: RelationExample, which: "subject" | "object"): string {
  const [start, end] = example[which];
  return example.tokens.slice(start, end + 1).join(" ");
}

describe("readRelationJson on the LitWD1Krel dev.json slice (data/kadapter/LitWD1Krel)", () => {
  it("rejects the file by default, naming the first broken example (index 4: object span inside the subject)", () => {
    assertThrowsNaming(() => readRelationJson(DEV), FormatError, [DEV, "example 4", "expected disjoint subject and object spans, got subject [0, 3] and object [0, 1]"]);
  });

  it("skipping malformed examples keeps 441 of 500: 14 with obj_start > obj_end, 45 overlapping the subject", () => {
    const result = readRelationJson(DEV, { skipMalformed: true });
    assert.equal(result.file, DEV);
    assert.equal(result.examples.length, 441);
    assert.equal(result.skipped.length, 59);
    assert.equal(result.examples.length + result.skipped.length, 500);
    assert.equal(result.skipped.filter((skip) => skip.reason.startsWith("expected object start <= end")).length, 14);
    assert.equal(result.skipped.filter((skip) => skip.reason.startsWith("expected disjoint")).length, 45);
    assert.deepEqual(result.skipped[0], { index: 4, reason: "expected disjoint subject and object spans, got subject [0, 3] and object [0, 1]" });
    assert.deepEqual(result.skipped.find((skip) => skip.index === 21), { index: 21, reason: "expected object start <= end, got [4, 0]" });
    assert.deepEqual(result.repaired, []);
  });

  it("reads the first and last examples with inclusive-end spans", () => {
    const { examples } = readRelationJson(DEV, { skipMalformed: true });
    assert.deepEqual(examples[0], {
      tokens: ["Pieter", "Serry", "2019", "Tour", "of", "the", "Basque", "Country", "."],
      subject: [0, 1],
      object: [2, 7],
      relation: "participant in",
      index: 0,
    });
    assert.equal(words(examples[0], "object"), "2019 Tour of the Basque Country");
    assert.deepEqual(last(examples), {
      tokens: ["2015", "Tour", "de", "Romandie", "Chris", "Froome", "."],
      subject: [0, 3],
      object: [4, 5],
      relation: "general classification of race participants",
      index: 499,
    });
    assert.equal(words(last(examples), "object"), "Chris Froome");
  });

  it("repairSpansFromNames recovers all 59 broken examples: every example is then subject name, object name, '.'", () => {
    const result = readRelationJson(DEV, { repairSpansFromNames: true });
    assert.equal(result.examples.length, 500);
    assert.deepEqual(result.skipped, []);
    assert.equal(result.repaired.length, 59);
    for (const example of result.examples) {
      const n = example.tokens.length;
      assert.equal(example.subject[0], 0, `example ${example.index}`);
      assert.deepEqual(example.object, [example.subject[1] + 1, n - 2], `example ${example.index}`);
      assert.equal(example.tokens[n - 1], ".");
    }
    const byIndex = new Map(result.examples.map((example) => [example.index, example]));
    const spans = (index: number): unknown => {
      const example = byIndex.get(index);
      return example === undefined ? undefined : [example.subject, example.object, words(example, "subject"), words(example, "object")];
    };
    // first-occurrence bug: "2018" and "Tour" of the object found inside the subject
    assert.deepEqual(spans(4), [[0, 3], [4, 7], "2018 Tour de Suisse", "2018 UCI World Tour"]);
    // obj_start 4 > obj_end 0
    assert.deepEqual(spans(21), [[0, 3], [4, 5], "2012 Tour de France", "Orica-GreenEDGE 2012"]);
    // same words for both names: the subject keeps its span, the object moves to the other occurrence
    assert.deepEqual(spans(123), [[0, 0], [1, 1], "Lesotho", "Lesotho"]);
    assert.deepEqual(spans(290), [[0, 3], [4, 6], "1998–99 Cypriot Third Division", "Cypriot Third Division"]);
    assert.deepEqual(spans(310), [[0, 3], [4, 6], "2008–09 Cypriot First Division", "Cypriot First Division"]);
    assert.deepEqual(result.repaired[0], {
      index: 4,
      problem: "expected disjoint subject and object spans, got subject [0, 3] and object [0, 1]",
      subject: [0, 3],
      object: [4, 7],
    });
    // examples that pass the checks are returned exactly as without the repair
    const strict = readRelationJson(DEV, { skipMalformed: true }).examples;
    assert.deepEqual(strict, result.examples.filter((example) => !result.repaired.some((fix) => fix.index === example.index)));
  });

  it("uses 31 relations, all named in relation_labels_en.txt (280 Wikidata properties)", () => {
    const labels = readRelationLabels(join(LITWD_DIR, "relation_labels_en.txt"));
    assert.equal(labels.length, 280);
    assert.deepEqual(labels[0], { id: "P38", label: "currency" });
    assert.deepEqual(last(labels), { id: "P8371", label: "references work, tradition or theory" });
    const known = new Set(labels.map((entry) => entry.label));
    const used = new Set(readRelationJson(DEV, { repairSpansFromNames: true }).examples.map((example) => example.relation));
    assert.equal(used.size, 31);
    assert.deepEqual([...used].filter((relation) => !known.has(relation)), []);
  });
});

describe("readRelationJson errors name the file and the example index", () => {
  const temp = makeTempDir("relation");
  after(temp.cleanup);
  const good = { token: ["Ann", "met", "Bob", "."], subj_start: 0, subj_end: 0, obj_start: 2, obj_end: 2, relation: "met" };
  const write = (name: string, examples: unknown): string => temp.write(name, JSON.stringify(examples));

  it("reads a TACRED-style file, the object before the subject, extra keys ignored", () => {
    const path = write("tacred.json", [{ ...good, id: "e1", subj_type: "PERSON", obj_start: 0, obj_end: 0, subj_start: 2, subj_end: 2 }]);
    assert.deepEqual(readRelationJson(path).examples, [{ tokens: ["Ann", "met", "Bob", "."], subject: [2, 2], object: [0, 0], relation: "met", index: 0 }]);
  });

  it("rejects a file that is not a JSON array", () => {
    assertThrowsNaming(() => readRelationJson(temp.write("object.json", '{"token": []}')), FormatError, ["object.json", "expected a JSON array of examples, got an object"]);
    assertThrowsNaming(() => readRelationJson(temp.write("broken.json", "[{")), FormatError, ["broken.json", "expected a JSON array of examples, got a parse error"]);
    assertThrowsNaming(() => readRelationJson(join(temp.dir, "missing.json")), ConfigError, ["missing.json", "ENOENT"]);
  });

  it("rejects bad fields and bad spans", () => {
    const cases: [unknown, string][] = [
      ["text", 'expected an object, got the string "text"'],
      [{ ...good, token: "Ann met Bob" }, 'expected field "token" to be an array of strings, got the string "Ann met Bob"'],
      [{ ...good, token: ["Ann", 3] }, 'expected field "token" to be an array of strings, got the number 3 at [1]'],
      [{ ...good, token: [] }, 'expected field "token" to hold at least one token'],
      [{ ...good, obj_end: -1 }, 'expected field "obj_end" to be a non-negative integer, got the number -1'],
      [{ ...good, subj_start: 0.5 }, 'expected field "subj_start" to be a non-negative integer, got the number 0.5'],
      [{ ...good, subj_end: undefined }, 'expected field "subj_end" to be a non-negative integer, got no such field'],
      [{ ...good, relation: "" }, 'expected field "relation" to be a relation name, got an empty string'],
      [{ ...good, obj_start: 3, obj_end: 4 }, "expected the object span [3, 4] inside the 4 tokens (end inclusive)"],
      [{ ...good, subj_start: 1, subj_end: 0 }, "expected subject start <= end, got [1, 0]"],
      [{ ...good, subj_end: 2 }, "expected disjoint subject and object spans, got subject [0, 2] and object [2, 2]"],
    ];
    cases.forEach(([example, reason], i) => {
      const path = write(`bad-${i}.json`, [good, good, example]);
      assertThrowsNaming(() => readRelationJson(path), FormatError, [`${path}: example 2: `, reason]);
    });
  });

  it("skipMalformed lists the dropped examples by index and keeps the rest", () => {
    const path = write("mixed.json", [good, { ...good, obj_end: 9 }, good]);
    const result = readRelationJson(path, { skipMalformed: true });
    assert.deepEqual(result.examples.map((example) => example.index), [0, 2]);
    assert.deepEqual(result.skipped, [{ index: 1, reason: "expected the object span [2, 9] inside the 4 tokens (end inclusive)" }]);
  });

  it("repairSpansFromNames leaves an example malformed when the names are missing or do not settle the spans", () => {
    const tokens = ["A", "B", "A", "B", "."];
    const ambiguous = { token: tokens, subj_start: 0, subj_end: 0, obj_start: 0, obj_end: 0, relation: "r", h: { name: "A" }, t: { name: "B" } };
    const nameless = { ...good, obj_start: 0, obj_end: 0 };
    const absent = { ...ambiguous, t: { name: "C" } };
    const path = write("ambiguous.json", [ambiguous, nameless, absent]);
    const result = readRelationJson(path, { repairSpansFromNames: true, skipMalformed: true });
    assert.deepEqual(result.examples, []);
    assert.deepEqual(result.skipped.map((skip) => skip.index), [0, 1, 2]);
    assert.deepEqual(result.repaired, []);
    assertThrowsNaming(() => readRelationJson(path, { repairSpansFromNames: true }), FormatError, [`${path}: example 0: expected disjoint subject and object spans`]);
  });
});

describe("readRelationLabels", () => {
  const temp = makeTempDir("relation-labels");
  after(temp.cleanup);

  it("names the file and line of a malformed or repeated entry", () => {
    const noTab = temp.write("no-tab.txt", "P1\tone\nP2 two\n");
    assertThrowsNaming(() => readRelationLabels(noTab), FormatError, [`${noTab}:2:`, 'expected "id<TAB>label", got "P2 two"']);
    const repeatedId = temp.write("repeated-id.txt", "P1\tone\nP1\ttwo\n");
    assertThrowsNaming(() => readRelationLabels(repeatedId), FormatError, [`${repeatedId}:2:`, "got P1 again (first on line 1)"]);
    const repeatedLabel = temp.write("repeated-label.txt", "P1\tone\r\n\r\nP2\tone\r\n");
    assertThrowsNaming(() => readRelationLabels(repeatedLabel), FormatError, [`${repeatedLabel}:3:`, 'got "one" again (first on line 1)']);
    const empty = temp.write("empty.txt", "\n");
    assertThrowsNaming(() => readRelationLabels(empty), FormatError, [empty, "expected at least one"]);
  });
});
