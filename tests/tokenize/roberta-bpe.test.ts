// RoBERTa byte-level BPE by hand: text -> tokens, ids, decoded (roberta vocab.json + merges.txt). "Ġ" is a
// space and "Ċ" a newline in GPT-2's byte alphabet; rows agree with tokenizers.js. Byte-level decoding
// gives back the exact input, so decoded is always the text itself.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromBpeFiles } from "../../src/tokenize/index.js";
import { models, MODELS_MISSING } from "./real-tokenizers.js";
import { VOCAB } from "./data-files.js";

interface Row {
  text: string;
  tokens: string[];
  ids: number[];
  why: string;
}

const ROWS: Row[] = [
  { why: "first word has no space before it", text: "Hello world", tokens: ["Hello", "Ġworld"], ids: [31414, 232] },
  { why: "a leading space is part of the first token", text: " Hello world", tokens: ["ĠHello", "Ġworld"], ids: [20920, 232] },
  { why: "a run of spaces leaves its last space to the next word", text: "Hello  world", tokens: ["Hello", "Ġ", "Ġworld"], ids: [31414, 1437, 232] },
  { why: "two leading spaces", text: "  leading", tokens: ["Ġ", "Ġleading"], ids: [1437, 981] },
  { why: "accents are UTF-8 bytes", text: "naïve café", tokens: ["na", "Ã¯ve", "ĠcafÃ©"], ids: [2133, 48350, 26059] },
  { why: "CJK: 3 bytes per character, merged across characters", text: "北京", tokens: ["åĮ", "Ĺ", "äº", "¬"], ids: [48418, 6800, 46499, 11582] },
  { why: "emoji: 4 bytes", text: "🤗 hugs", tokens: ["ðŁ", "¤", "Ĺ", "Ġhugs"], ids: [6569, 10470, 6800, 27401] },
  { why: "contractions and numbers are their own pieces", text: "it's 3.14", tokens: ["it", "'s", "Ġ3", ".", "14"], ids: [405, 18, 155, 4, 1570] },
  { why: "tab and newline are bytes too", text: "tab\there\nline", tokens: ["tab", "ĉ", "here", "Ċ", "line"], ids: [34108, 50117, 10859, 50118, 1902] },
  { why: "<mask> takes the space before it (lstrip)", text: "Hello world <mask>.", tokens: ["Hello", "Ġworld", "<mask>", "."], ids: [31414, 232, 50264, 4] },
  { why: "empty text", text: "", tokens: [], ids: [] },
];

describe("RoBERTa byte-level BPE tables", { skip: MODELS_MISSING }, () => {
  it("text -> tokens, ids; decode gives the text back", () => {
    const roberta = models().roberta;
    for (const row of ROWS) {
      const e = roberta.encode(row.text);
      assert.deepEqual(e.tokens, ["<s>", ...row.tokens, "</s>"], `${row.why}: tokens of ${JSON.stringify(row.text)}`);
      assert.deepEqual([...e.ids], [0, ...row.ids, 2], `${row.why}: ids of ${JSON.stringify(row.text)}`);
      const expected = row.text.replace(" <mask>", "");
      assert.equal(roberta.decode(e.ids, { skipSpecialTokens: true }), expected, `${row.why}: decode of ${JSON.stringify(row.text)}`);
    }
  });

  it("decode keeps <s> and </s> unless asked to skip them", () => {
    const roberta = models().roberta;
    const ids = roberta.encode("Hello world <mask>!").ids;
    assert.equal(roberta.decode(ids), "<s>Hello world<mask>!</s>");
    assert.equal(roberta.decode(ids, { skipSpecialTokens: true }), "Hello world!");
  });

  it("decode round-trips arbitrary text byte for byte", () => {
    const roberta = models().roberta;
    for (const text of ["Crème brûlée – 5 €", "日本語のテキスト", "한국어", "a\u0000b\u200bc", "  spaced\t\tout  \r\n", "İstanbul ΟΔΟΣ", "🤗🥰👍🏽"]) {
      assert.equal(roberta.decode(roberta.encode(text).ids, { skipSpecialTokens: true }), text, JSON.stringify(text));
    }
  });

  it("a pair is <s> A </s></s> B </s>, all type ids 0", () => {
    const e = models().roberta.encode("Hello world", "How are you?");
    assert.deepEqual(e.tokens, ["<s>", "Hello", "Ġworld", "</s>", "</s>", "How", "Ġare", "Ġyou", "?", "</s>"]);
    assert.deepEqual([...e.ids], [0, 31414, 232, 2, 2, 6179, 32, 47, 116, 2]);
    // RoBERTa has one segment embedding (type_vocab_size 1); tokenizers.js's RobertaProcessing gives B type 1.
    assert.deepEqual([...e.typeIds], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(e.wordIds, [null, 0, 1, null, null, 0, 1, 2, 3, null]);
    assert.deepEqual([...e.specialTokensMask], [1, 0, 0, 1, 1, 0, 0, 0, 0, 1]);
  });

  it("offsets leave out the leading space; a token inside a character spans the whole character", () => {
    const roberta = models().roberta;
    const text = "naïve 🤗 world";
    const e = roberta.encode(text);
    assert.deepEqual(e.tokens, ["<s>", "na", "Ã¯ve", "ĠðŁ", "¤", "Ĺ", "Ġworld", "</s>"]);
    assert.deepEqual(e.offsets, [[0, 0], [0, 2], [2, 5], [6, 8], [6, 8], [6, 8], [9, 14], [0, 0]]);
    assert.deepEqual(e.wordIds, [null, 0, 0, 1, 1, 1, 2, null]);
    assert.equal(text.slice(9, 14), "world");
    // <mask>'s offsets include the space it took.
    assert.deepEqual(roberta.encode("Hello world <mask>.").offsets[3], [11, 18]);
  });

  it("addPrefixSpace spells the first word like any other", () => {
    const roberta = fromBpeFiles(VOCAB.robertaVocab, VOCAB.robertaMerges, { addPrefixSpace: true });
    const e = roberta.encode("Hello world");
    assert.deepEqual(e.tokens, ["<s>", "ĠHello", "Ġworld", "</s>"]);
    assert.deepEqual(e.offsets, [[0, 0], [0, 5], [6, 11], [0, 0]]);
    assert.deepEqual(roberta.encode(" Hello").tokens, ["<s>", "ĠHello", "</s>"]);
    assert.deepEqual(roberta.encode("Hello", "world").tokens, ["<s>", "ĠHello", "</s>", "</s>", "Ġworld", "</s>"]);
    assert.equal(roberta.decode(e.ids, { skipSpecialTokens: true }), " Hello world");
  });

  it("special token ids, vocabulary size and lookups", () => {
    const roberta = models().roberta;
    assert.deepEqual(roberta.specialTokenIds, { cls: 0, sep: 2, pad: 1, unk: 3, mask: 50264, bos: 0, eos: 2 });
    // vocab.json has 50,262 entries but ids up to 50,264 (50261..50263 unused): the embedding needs 50,265 rows.
    assert.equal(roberta.vocabSize, 50265);
    assert.equal(roberta.kind, "bpe");
    assert.equal(roberta.tokenToId("Ġworld"), 232);
    assert.equal(roberta.idToToken(31414), "Hello");
    assert.equal(roberta.idToToken(50262), undefined);
  });
});
