// RoBERTa inputs of K-Adapter's tasks are the reference's: each piece between markers stripped and encoded
// without a prefix space ("@", "She"; not "Ġ@", "ĠShe"). The expected ids come from an independent byte-level
// BPE in tests/fixtures/gen/make_kadapter_roberta_ids.py, on the first real sentences of OpenEntity dev,
// LitWD1Krel dev and UD English-EWT dev.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { encodeMention, encodeRelationSpans, encodeWords } from "../../src/data/index.js";
import { ConfigError } from "../../src/errors.js";
import { fromBpeFiles } from "../../src/tokenize/index.js";
import { FIXTURES, VOCAB } from "../tokenize/data-files.js";

interface Expected {
  openentity: { text: string; start: number; end: number; ids: number[]; marker: number }[];
  relation: { words: string[]; subject: [number, number]; object: [number, number]; ids: number[]; markers: [number, number] }[];
  dependency: { words: string[]; ids: number[]; first_tokens: number[] }[];
}

const expected = JSON.parse(readFileSync(join(FIXTURES, "kadapter-roberta-ids.json"), "utf8")) as Expected;

describe("K-Adapter inputs on RoBERTa", () => {
  const roberta = fromBpeFiles(VOCAB.robertaVocab, VOCAB.robertaMerges);

  it("OpenEntity: the reference's ids and marker on real sentences", () => {
    assert.equal(expected.openentity.length, 6);
    for (const x of expected.openentity) {
      const enc = encodeMention(roberta, x.text, x.start, x.end, 256);
      assert.deepEqual([...enc.ids], x.ids, x.text);
      assert.deepEqual(enc.positions, [x.marker]);
    }
  });

  it("TACRED-format relations: the reference's ids and markers, the subject first or second", () => {
    assert.equal(expected.relation.length, 6);
    for (const x of expected.relation) {
      const enc = encodeRelationSpans(roberta, x.words, x.subject, x.object, 256);
      assert.deepEqual([...enc.ids], x.ids, x.words.join(" "));
      assert.deepEqual(enc.positions, x.markers);
      // the same spans, listed object first in the sentence, keep the subject marker first in positions
      const reversed = encodeRelationSpans(roberta, x.words, x.object, x.subject, 256);
      assert.deepEqual(reversed.positions, [...x.markers].reverse());
    }
  });

  it("dependency: the reference's ids, each word at its first token; truncation marks cut words -1", () => {
    for (const x of expected.dependency) {
      const enc = encodeWords(roberta, x.words, 256);
      assert.deepEqual([...enc.ids], x.ids);
      assert.deepEqual(enc.positions, x.first_tokens);
    }
    const x = expected.dependency[0];
    const cut = encodeWords(roberta, x.words, 4);
    assert.deepEqual([...cut.ids], [...x.ids.slice(0, 3), x.ids[x.ids.length - 1]]);
    assert.deepEqual(cut.positions, x.first_tokens.map((p) => (p <= 2 ? p : -1)));
  });

  it("refuses a tokenizer that adds a prefix space, which the reference never does", () => {
    const spaced = fromBpeFiles(VOCAB.robertaVocab, VOCAB.robertaMerges, { addPrefixSpace: true });
    assert.throws(() => encodeWords(spaced, ["a", "b"], 16), (err: unknown) => err instanceof ConfigError && /adds a prefix space/.test(err.message));
  });
});
