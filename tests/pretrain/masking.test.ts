// BERT's masking: ~15% of body tokens predicted, split 80/10/10 into [MASK] / random / kept; [CLS], [SEP]
// and document separators never predicted; whole-word masking takes every piece of a word or none.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { maskBatch, maskingVocab, TokenStream } from "../../src/pretrain/index.js";
import { Rng } from "../../src/rng.js";
import { fromVocabFile } from "../../src/tokenize/index.js";
import { readWikiText } from "../../src/pretrain/index.js";
import { DATA } from "../helpers/data.js";

const tokenizer = fromVocabFile(join(DATA, "vocab/bert-base-uncased/vocab.txt"), { lowercase: true });
const vocab = maskingVocab(tokenizer);

function heldOutBodies(bodyLength: number, count: number): Int32Array {
  const stream = new TokenStream(tokenizer);
  stream.addDocument(readWikiText(join(DATA, "text/wikitext2-test/wiki.test.raw")).slice(0, 200));
  const packed = stream.pack(bodyLength);
  assert.ok(packed.count >= count, `expected ${count} sequences, got ${packed.count}`);
  return packed.tokens.slice(0, count * bodyLength);
}

describe("masked-LM corruption", () => {
  const L = 62;
  const B = 64;
  const bodies = heldOutBodies(L, B);

  it("predicts round(15%) of each body, 80% [MASK] / 10% random / 10% kept, never [CLS] or [SEP]", () => {
    const batch = maskBatch(bodies, B, vocab, { probability: 0.15, wholeWord: false }, new Rng(1));
    const T = L + 2;
    assert.equal(batch.input.seqLength, T);
    for (let b = 0; b < B; b++) {
      assert.equal(batch.input.ids[b * T], vocab.clsId);
      assert.equal(batch.input.ids[b * T + T - 1], vocab.sepId);
    }
    let masked = 0;
    let kept = 0;
    for (let m = 0; m < batch.positions.length; m++) {
      const at = batch.positions[m];
      const t = at % T;
      const b = Math.floor(at / T);
      assert.ok(t >= 1 && t <= L, `position ${t} is inside the body`);
      assert.equal(batch.labels[m], bodies[b * L + t - 1], "label is the original token");
      assert.notEqual(batch.labels[m], vocab.sepId);
      if (batch.input.ids[at] === vocab.maskId) masked++;
      else if (batch.input.ids[at] === batch.labels[m]) kept++;
    }
    const n = batch.positions.length;
    const separators = bodies.filter((id) => id === vocab.sepId).length;
    assert.ok(Math.abs(n - 0.15 * (B * L - separators)) <= B, `~15% predicted: ${n} of ${B * L}`);
    assert.ok(Math.abs(masked / n - 0.8) < 0.05, `[MASK] share ${masked / n}`);
    assert.ok(Math.abs(kept / n - 0.1) < 0.04, `kept share ${kept / n}`);
    // unpicked tokens are untouched
    const picked = new Set(batch.positions);
    for (let b = 0; b < B; b++) for (let t = 1; t <= L; t++) {
      if (!picked.has(b * T + t)) assert.equal(batch.input.ids[b * T + t], bodies[b * L + t - 1]);
    }
  });

  it("whole-word masking picks all the pieces of a word together", () => {
    const batch = maskBatch(bodies, B, vocab, { probability: 0.15, wholeWord: true }, new Rng(2));
    const T = L + 2;
    const picked = new Set(batch.positions);
    let pieces = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 2; t <= L; t++) {
        if (vocab.continuesWord[bodies[b * L + t - 1]] !== 1) continue;
        pieces++;
        assert.equal(picked.has(b * T + t), picked.has(b * T + t - 1), `a word piece at ${b}:${t} goes with the piece before it`);
      }
    }
    assert.ok(pieces > 50, `the text has multi-piece words (${pieces} continuation pieces)`);
  });

  it("the same seed gives the same masks", () => {
    const a = maskBatch(bodies, B, vocab, { probability: 0.15, wholeWord: false }, new Rng(9));
    const b = maskBatch(bodies, B, vocab, { probability: 0.15, wholeWord: false }, new Rng(9));
    assert.deepEqual(a, b);
  });
});
