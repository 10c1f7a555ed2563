import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { markEntityText, markRelationWords, readEntityTypingJson, readRelationJson, type TokenSpan } from "../../src/data/index.js";
import { ConfigError } from "../../src/errors.js";
import { assertThrowsNaming, DATA } from "./helpers/data-files.js";

const KADAPTER_DIR = join(DATA, "kadapter");

describe("markEntityText (entity typing: '@' before and after the mention)", () => {
  const train = readEntityTypingJson(join(KADAPTER_DIR, "OpenEntity", "train.json")).examples;
  const dev = readEntityTypingJson(join(KADAPTER_DIR, "OpenEntity", "dev.json")).examples;

  it("marks OpenEntity train example 0 and returns the first '@' and the mention in the marked text", () => {
    const { text, start, end } = train[0];
    const marked = markEntityText(text, start, end);
    assert.deepEqual(marked, {
      text: "The British Information Commissioner 's Office invites @ Web users @ to locate its address using Google Maps .",
      firstMarker: 55,
      secondMarker: 67,
      start: 57,
      end: 66,
    });
    assert.equal(marked.text[marked.firstMarker], "@");
    assert.equal(marked.text[marked.secondMarker], "@");
    assert.equal(marked.text.slice(marked.start, marked.end), "Web users");
  });

  it("marks a mention at the very start and one at the very end", () => {
    const { text, start, end } = dev[0];
    assert.equal(markEntityText(text, start, end).text.slice(0, 12), "@ She @ said");
    assert.deepEqual(markEntityText("Ann met Bob", 8, 11), { text: "Ann met @ Bob @", firstMarker: 8, secondMarker: 14, start: 10, end: 13 });
  });

  it("returns the marker's position even when the text holds '@' before it (OpenEntity dev example 1031)", () => {
    const example = dev[1031];
    const marked = markEntityText(example.text, example.start, example.end);
    assert.ok(marked.text.indexOf("@") < marked.firstMarker, "the e-mail address's '@' comes first");
    assert.equal(marked.text.slice(marked.firstMarker, marked.firstMarker + 5), "@ I @");
  });

  it("keeps every OpenEntity mention intact between its markers", () => {
    for (const example of [...train, ...dev]) {
      const marked = markEntityText(example.text, example.start, example.end);
      assert.equal(marked.text.slice(marked.start, marked.end), example.text.slice(example.start, example.end));
      assert.equal(marked.text.slice(marked.firstMarker, marked.start), "@ ");
      assert.equal(marked.text.slice(marked.end, marked.secondMarker + 1), " @");
    }
  });

  it("rejects an empty or out-of-range span", () => {
    assertThrowsNaming(() => markEntityText("Ann", 1, 1), ConfigError, ["markEntityText: expected 0 <= start < end <= 3, got start 1 and end 1"]);
    assertThrowsNaming(() => markEntityText("Ann", 0, 4), ConfigError, ["got start 0 and end 4"]);
  });
});

describe("markRelationWords (relation classification: '@' around the subject, '#' around the object)", () => {
  const { examples } = readRelationJson(join(KADAPTER_DIR, "LitWD1Krel", "dev.json"), { repairSpansFromNames: true });

  it("marks LitWD1Krel examples 0 and 1", () => {
    assert.deepEqual(markRelationWords(examples[0].tokens, examples[0].subject, examples[0].object), {
      words: ["@", "Pieter", "Serry", "@", "#", "2019", "Tour", "of", "the", "Basque", "Country", "#", "."],
      subjectMarker: 0,
      objectMarker: 4,
    });
    assert.deepEqual(markRelationWords(examples[1].tokens, examples[1].subject, examples[1].object), {
      words: ["@", "Venezuela", "@", "#", "Malaysia", "#", "."],
      subjectMarker: 0,
      objectMarker: 3,
    });
  });

  it("marks an object that comes before the subject", () => {
    assert.deepEqual(markRelationWords(["He", "met", "Ann", "."], [2, 2], [0, 0]), {
      words: ["#", "He", "#", "met", "@", "Ann", "@", "."],
      subjectMarker: 4,
      objectMarker: 0,
    });
  });

  it("puts the markers where K-Adapter's convert_examples_to_features_tacred does, for a one-token-per-word tokenizer", () => {
    // K-Adapter (before the <s> shift): subject first -> subj_special_start = subj_start,
    // obj_special_start = obj_start + 2; object first -> obj_special_start = obj_start, subj_special_start = subj_start + 2
    const reference = (subject: TokenSpan, object: TokenSpan): [number, number] =>
      subject[0] < object[0] ? [subject[0], object[0] + 2] : [subject[0] + 2, object[0]];
    for (const example of examples) {
      const marked = markRelationWords(example.tokens, example.subject, example.object);
      assert.deepEqual([marked.subjectMarker, marked.objectMarker], reference(example.subject, example.object), `example ${example.index}`);
      assert.equal(marked.words.length, example.tokens.length + 4);
      assert.equal(marked.words[marked.subjectMarker], "@");
      assert.equal(marked.words[marked.objectMarker], "#");
    }
    assert.deepEqual(reference([2, 2], [0, 0]), [4, 0]);
  });

  it("rejects overlapping or out-of-range spans", () => {
    assertThrowsNaming(() => markRelationWords(["a", "b"], [0, 1], [1, 1]), ConfigError, ["markRelationWords: expected disjoint spans, got subject [0, 1] and object [1, 1]"]);
    assertThrowsNaming(() => markRelationWords(["a", "b"], [0, 0], [1, 2]), ConfigError, ["expected the object span inside the 2 tokens", "got [1, 2]"]);
    assertThrowsNaming(() => markRelationWords(["a", "b"], [1, 0], [1, 1]), ConfigError, ["expected the subject span inside the 2 tokens", "got [1, 0]"]);
  });
});
