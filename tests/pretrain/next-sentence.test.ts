// BERT's next-sentence pairs: A [SEP] B with B the true continuation (label 0) or text from elsewhere (label 1),
// token types 0 then 1, and masked-LM masks that never fall on a [SEP].
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { IS_NEXT, maskingVocab, maskPairBatch, NOT_NEXT, readWikiText, TokenStream } from "../../src/pretrain/index.js";
import { Rng } from "../../src/rng.js";
import { fromVocabFile } from "../../src/tokenize/index.js";
import { DATA } from "../helpers/data.js";

const tokenizer = fromVocabFile(join(DATA, "vocab/bert-base-uncased/vocab.txt"), { lowercase: true });
const vocab = maskingVocab(tokenizer);

describe("next-sentence pairs", () => {
  const L = 30;
  const B = 200;
  const stream = new TokenStream(tokenizer);
  stream.addDocument(readWikiText(join(DATA, "text/wikitext2-test/wiki.test.raw")).slice(0, 400));
  const packed = stream.pack(L);
  const bodies = packed.tokens.slice(0, B * L);
  const others = packed.tokens.slice(B * L, (B + 20) * L);
  const noMask = { probability: 0, wholeWord: false };
  const batch = maskPairBatch(bodies, B, vocab, noMask, new Rng(4), (r) => others.subarray(r.int(20) * L, (r.int(20) + 1) * L));
  const T = L + 2;
  const unmasked = Int32Array.from(batch.input.ids); // masking predicts at least one token per sequence: put it back
  batch.positions.forEach((p, m) => { unmasked[p] = batch.labels[m]; });

  it("cuts each body into A [SEP] B with token types 0 then 1, half of them true continuations", () => {
    const labels = batch.nextSentenceLabels!;
    const isNext = labels.filter((l) => l === IS_NEXT).length;
    assert.ok(isNext > 70 && isNext < 130, `about half are true continuations: ${isNext}/${B}`);
    for (let b = 0; b < B; b++) {
      const ids = unmasked.subarray(b * T, (b + 1) * T);
      const types = batch.input.typeIds!.subarray(b * T, (b + 1) * T);
      assert.equal(ids[0], vocab.clsId);
      assert.equal(ids[T - 1], vocab.sepId);
      const k = types.indexOf(1) - 2; // length of A
      assert.ok(k >= Math.floor(L / 4) && k < Math.floor(L / 4) + Math.ceil(L / 2), `A has ${k} tokens`);
      assert.equal(ids[k + 1], vocab.sepId, "[SEP] between the segments");
      assert.ok(types.subarray(0, k + 2).every((t) => t === 0) && types.subarray(k + 2).every((t) => t === 1));
      const body = bodies.subarray(b * L, (b + 1) * L);
      assert.deepEqual(ids.subarray(1, k + 1), body.subarray(0, k), "A is the start of the body");
      if (labels[b] === IS_NEXT) assert.deepEqual(ids.subarray(k + 2, T - 1), body.subarray(k, L - 1), "B follows A");
      else assert.equal(labels[b], NOT_NEXT);
    }
  });

  it("never masks a [SEP]", () => {
    const masked = maskPairBatch(bodies, B, vocab, { probability: 0.15, wholeWord: false }, new Rng(5), (r) => others.subarray(r.int(20) * L, (r.int(20) + 1) * L));
    const original = maskPairBatch(bodies, B, vocab, noMask, new Rng(5), (r) => others.subarray(r.int(20) * L, (r.int(20) + 1) * L));
    assert.ok(masked.positions.length > 0);
    for (const p of masked.positions) assert.notEqual(original.input.ids[p], vocab.sepId);
  });
});
