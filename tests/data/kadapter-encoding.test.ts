// K-Adapter task encodings on the real files: the marker positions point at "@" / "#" tokens, the
// dependency targets point at each word's head, and what truncation cuts off is dropped and listed.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  collate, encodeDependencies, encodeEntityTyping, encodeRelations, OPEN_ENTITY_LABELS, readEntityTypingJson, readRelationJson, readTreebankSplit,
} from "../../src/data/index.js";
import { fromVocabFile } from "../../src/tokenize/index.js";
import { DATA } from "./helpers/data-files.js";

const tokenizer = fromVocabFile(join(DATA, "vocab/bert-base-uncased/vocab.txt"), { lowercase: true });
const at = tokenizer.tokenToId("@")!;
const hash = tokenizer.tokenToId("#")!;

describe("K-Adapter encodings", () => {
  it("entity typing: the marker is the inserted '@' (not an '@' the text already had), targets multi-hot over the 9 types", () => {
    const path = join(DATA, "kadapter/OpenEntity/dev.json");
    const { examples } = readEntityTypingJson(path);
    const ids = new Map(OPEN_ENTITY_LABELS.map((l, i) => [l, i]));
    const encoded = encodeEntityTyping(tokenizer, examples, ids, 128, path);
    assert.equal(encoded.examples.length + encoded.dropped.length, examples.length);
    assert.ok(encoded.examples.length > 1_000, `${encoded.examples.length} of 1,032 kept`); // all 1,032 fit in 128 tokens (counted in Python)
    encoded.examples.forEach((x, i) => {
      const m = x.markers![0];
      assert.equal(x.ids[m], at, `${x.source}: marker on "@"`);
      const gold = examples.find((e) => `${path}[${e.index}]` === x.source)!;
      assert.deepEqual([...(x.target as Float32Array)].flatMap((v, c) => (v === 1 ? [OPEN_ENTITY_LABELS[c]] : [])).sort(), [...gold.labels].sort());
      if (i === 0) assert.ok(m > 0);
    });
    const withAt = encoded.examples.filter((x) => x.ids.slice(0, x.markers![0]).includes(at));
    assert.ok(withAt.length > 0, "some OpenEntity sentences hold an '@' before the mention (dev example 1031)");
    const batch = collate(encoded.examples.slice(0, 4), "multilabel", 0);
    assert.equal(batch.markers!.length, 4);
    assert.equal(batch.labels!.kind, "values");
  });

  it("relations: markers on the first '@' and '#'; examples cut off by maxLength are dropped", () => {
    const path = join(DATA, "kadapter/LitWD1Krel/dev.json");
    const { examples } = readRelationJson(path, { skipMalformed: true });
    const ids = new Map([...new Set(examples.map((e) => e.relation))].map((r, i) => [r, i]));
    const encoded = encodeRelations(tokenizer, examples, ids, 128, path);
    assert.equal(encoded.examples.length + encoded.dropped.length, examples.length);
    for (const x of encoded.examples) {
      const [s, o] = x.markers!;
      assert.equal(x.ids[s], at);
      assert.equal(x.ids[o], hash);
    }
    const short = encodeRelations(tokenizer, examples, ids, 12, path);
    assert.ok(short.dropped.length > 0, "a 12-token limit cuts some markers off");
    for (const x of short.examples) assert.ok(Math.max(...x.markers!) < 12);
  });

  it("dependency: each word's first sub-token points at its head's first sub-token, the root at [CLS]", () => {
    const [part] = readTreebankSplit(join(DATA, "ud/en-ewt"), "dev");
    const examples = part.examples.slice(0, 300);
    const encoded = encodeDependencies(tokenizer, examples, 128, "ewt-dev");
    assert.equal(encoded.examples.length + encoded.dropped.length, examples.length);
    for (const [i, x] of encoded.examples.entries()) {
      const gold = examples.find((e) => `ewt-dev:${e.line}` === x.source)!;
      const enc = tokenizer.encodePretokenized(gold.words, null, { maxLength: 128, truncation: "longest_first" });
      const target = x.target as Int32Array;
      gold.heads.forEach((h, w) => {
        const t = enc.wordIds.indexOf(w);
        if (t < 0) return;
        const expected = h === 0 ? 0 : enc.wordIds.indexOf(h - 1);
        assert.equal(target[t], expected < 0 ? -100 : expected, `${x.source} word ${w}`);
      });
      if (i === 0) assert.ok(target.some((v) => v === 0), "the root points at [CLS]");
      assert.equal(target.filter((v) => v !== -100).length <= gold.words.length, true);
    }
  });
});
