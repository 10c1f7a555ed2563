import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { OPEN_ENTITY_LABELS, readEntityTypingJson, type EntityTypingExample } from "../../src/data/index.js";
import { FormatError } from "../../src/errors.js";
import { assertThrowsNaming, makeTempDir, DATA } from "./helpers/data-files.js";

const OPEN_ENTITY_DIR = join(DATA, "kadapter", "OpenEntity");

function last(examples: readonly EntityTypingExample[]): EntityTypingExample {
  const example = examples.at(-1);
  assert.ok(example !== undefined, "no examples");
  return example;
}

function mention(example: EntityTypingExample): string {
  return example.text.slice(example.start, example.end);
}

describe("readEntityTypingJson on the OpenEntity slices (data/kadapter/OpenEntity)", () => {
  const train = readEntityTypingJson(join(OPEN_ENTITY_DIR, "train.json"));
  const dev = readEntityTypingJson(join(OPEN_ENTITY_DIR, "dev.json"));

  it("reads 400 train and 1,032 dev examples", () => {
    assert.equal(train.examples.length, 400);
    assert.equal(dev.examples.length, 1_032);
    assert.deepEqual(train.skipped, []);
    assert.deepEqual(dev.skipped, []);
  });

  it("start and end are character offsets into sent: the first and last examples", () => {
    assert.deepEqual(train.examples[0], {
      text: "The British Information Commissioner 's Office invites Web users to locate its address using Google Maps .",
      start: 55,
      end: 64,
      labels: ["person"],
      index: 0,
    });
    assert.equal(mention(train.examples[0]), "Web users");
    assert.equal(mention(train.examples[1]), "he");
    assert.equal(mention(train.examples[2]), "They");
    assert.equal(mention(last(train.examples)), "he");
    assert.deepEqual(last(train.examples).labels, ["person"]);
    assert.equal(last(train.examples).start, 121);
    assert.equal(last(train.examples).index, 399);
    assert.equal(mention(dev.examples[0]), "She");
    assert.equal(mention(dev.examples[2]), "shareholders");
    assert.deepEqual(dev.examples[2].labels, ["group", "person"]);
    assert.deepEqual(last(dev.examples), {
      text: "The e-mail address is am @ cnn.com . and I 'm sure we 'll hear from many of you and we will select some of the responses and share them with you a bit later .",
      start: 41,
      end: 42,
      labels: ["person"],
      index: 1_031,
    });
    assert.equal(mention(last(dev.examples)), "I");
  });

  it("every mention is whole words of the space-tokenised sentence", () => {
    for (const { examples } of [train, dev]) {
      const bad = examples.find((example) => {
        const { text, start, end } = example;
        const boundaryBefore = start === 0 || text[start - 1] === " ";
        const boundaryAfter = end === text.length || text[end] === " ";
        return !(boundaryBefore && boundaryAfter && text[start] !== " " && text[end - 1] !== " ");
      });
      assert.equal(bad, undefined, `example ${bad?.index} does not cover whole words`);
    }
  });

  it("uses K-Adapter's 9 labels; some examples have none, some several", () => {
    const seen = new Set(train.examples.flatMap((example) => example.labels));
    assert.deepEqual([...seen].sort(), [...OPEN_ENTITY_LABELS].sort());
    assert.ok(dev.examples.every((example) => example.labels.every((label) => OPEN_ENTITY_LABELS.includes(label))));
    assert.equal(train.examples.filter((example) => example.labels.length === 0).length, 71);
    assert.equal(dev.examples.filter((example) => example.labels.length === 0).length, 195);
    assert.equal(train.examples.filter((example) => example.labels.length > 1).length, 61);
    assert.equal(dev.examples.filter((example) => example.labels.length > 1).length, 142);
  });
});

describe("readEntityTypingJson errors name the file and the example index", () => {
  const temp = makeTempDir("entity-typing");
  after(temp.cleanup);
  const good = { sent: "Ann met Bob .", start: 0, end: 3, labels: ["person"], ents: [] };
  const write = (name: string, examples: unknown): string => temp.write(name, JSON.stringify(examples));

  it("converts Python code-point offsets to UTF-16 units past characters outside the BMP", () => {
    const path = write("emoji.json", [{ sent: "😀 Ann met 😀 Bob", start: 2, end: 5, labels: [] }, { sent: "😀 Ann met 😀 Bob", start: 12, end: 15, labels: ["person"] }]);
    const { examples } = readEntityTypingJson(path);
    assert.deepEqual(examples.map((example) => [example.start, example.end, mention(example)]), [[3, 6, "Ann"], [14, 17, "Bob"]]);
  });

  it("rejects bad fields and bad spans", () => {
    const cases: [unknown, string][] = [
      [[1], "expected an object, got an array"],
      [{ ...good, sent: 3 }, 'expected field "sent" to be a string, got the number 3'],
      [{ ...good, start: "0" }, 'expected field "start" to be a non-negative integer, got the string "0"'],
      [{ ...good, end: undefined }, 'expected field "end" to be a non-negative integer, got no such field'],
      [{ ...good, labels: "person" }, 'expected field "labels" to be an array of strings, got the string "person"'],
      [{ ...good, start: 3, end: 3 }, "expected 0 <= start < end <= 13 (characters in \"sent\"), got start 3 and end 3"],
      [{ ...good, end: 14 }, "expected 0 <= start < end <= 13 (characters in \"sent\"), got start 0 and end 14"],
      [{ ...good, labels: ["person", ""] }, 'expected label names in "labels", got an empty string at [1]'],
      [{ ...good, labels: ["person", "person"] }, 'expected distinct labels, got "person" twice'],
    ];
    cases.forEach(([example, reason], i) => {
      const path = write(`bad-${i}.json`, [good, example]);
      assertThrowsNaming(() => readEntityTypingJson(path), FormatError, [`${path}: example 1: `, reason]);
    });
  });

  it("skipMalformed lists the dropped examples by index", () => {
    const path = write("mixed.json", [{ ...good, end: 99 }, good]);
    const result = readEntityTypingJson(path, { skipMalformed: true });
    assert.deepEqual(result.examples, [{ text: "Ann met Bob .", start: 0, end: 3, labels: ["person"], index: 1 }]);
    assert.deepEqual(result.skipped, [{ index: 0, reason: "expected 0 <= start < end <= 13 (characters in \"sent\"), got start 0 and end 99" }]);
  });
});
