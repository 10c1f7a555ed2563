// BERT WordPiece by hand: text -> tokens, ids, decoded, for bert-base-uncased and bert-base-cased
// (vocab.txt). Ids are the vocabulary line numbers; every row was checked against the vocab files and
// agrees with tokenizers.js; decoded is decode(ids, { skipSpecialTokens: true }).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Tokenizer } from "../../src/tokenize/index.js";
import { models, MODELS_MISSING } from "./real-tokenizers.js";

interface Row {
  text: string;
  tokens: string[];
  ids: number[];
  decoded: string;
  why: string;
}

function checkTable(tokenizer: Tokenizer, rows: readonly Row[]): void {
  for (const row of rows) {
    const encoding = tokenizer.encode(row.text);
    assert.deepEqual(encoding.tokens, ["[CLS]", ...row.tokens, "[SEP]"], `${row.why}: tokens of ${JSON.stringify(row.text)}`);
    assert.deepEqual([...encoding.ids], [101, ...row.ids, 102], `${row.why}: ids of ${JSON.stringify(row.text)}`);
    assert.equal(tokenizer.decode(encoding.ids, { skipSpecialTokens: true }), row.decoded, `${row.why}: decode of ${JSON.stringify(row.text)}`);
  }
}

const UNCASED: Row[] = [
  { why: "lowercase", text: "Hello, world!", tokens: ["hello", ",", "world", "!"], ids: [7592, 1010, 2088, 999], decoded: "hello, world!" },
  { why: "accents stripped (NFD, drop Mn)", text: "Héllo wörld", tokens: ["hello", "world"], ids: [7592, 2088], decoded: "hello world" },
  { why: "accents stripped", text: "naïve café résumé", tokens: ["naive", "cafe", "resume"], ids: [15743, 7668, 13746], decoded: "naive cafe resume" },
  { why: "decomposed accent", text: "e\u0301", tokens: ["e"], ids: [1041], decoded: "e" },
  { why: "CJK ideographs split, unknown ones [UNK]", text: "北京欢迎你", tokens: ["北", "京", "[UNK]", "[UNK]", "[UNK]"], ids: [1781, 1755, 100, 100, 100], decoded: "北 京" },
  { why: "punctuation split; contraction pieces", text: "don't stop.", tokens: ["don", "'", "t", "stop", "."], ids: [2123, 1005, 1056, 2644, 1012], decoded: "don't stop." },
  { why: "## continuation pieces", text: "unaffable", tokens: ["una", "##ffa", "##ble"], ids: [14477, 20961, 3468], decoded: "unaffable" },
  {
    why: "long word, many pieces",
    text: "supercalifragilisticexpialidocious",
    tokens: ["super", "##cal", "##if", "##rag", "##ilis", "##tic", "##ex", "##pia", "##lid", "##oc", "##ious"],
    ids: [3565, 9289, 10128, 29181, 24411, 4588, 10288, 19312, 21273, 10085, 6313],
    decoded: "supercalifragilisticexpialidocious",
  },
  { why: "symbols: ♥ known, ☃ unknown", text: "I ♥ NY ☃", tokens: ["i", "♥", "ny", "[UNK]"], ids: [1045, 1625, 6396, 100], decoded: "i ♥ ny" },
  {
    why: "ASCII symbols are punctuation; decode keeps BERT's spacing",
    text: "The price is $5.99 (approx).",
    tokens: ["the", "price", "is", "$", "5", ".", "99", "(", "approx", ")", "."],
    ids: [1996, 3976, 2003, 1002, 1019, 1012, 5585, 1006, 22480, 1007, 1012],
    decoded: "the price is $ 5. 99 ( approx ).",
  },
  { why: "a word with an uncoverable part is one [UNK]", text: "Ａbc", tokens: ["[UNK]"], ids: [100], decoded: "" },
  { why: "special tokens in the text stay whole", text: "Hello [MASK] world", tokens: ["hello", "[MASK]", "world"], ids: [7592, 103, 2088], decoded: "hello world" },
  { why: "special tokens are matched in the raw text, before lowercasing", text: "[mask]", tokens: ["[", "mask", "]"], ids: [1031, 7308, 1033], decoded: "[ mask ]" },
  { why: "control characters dropped, whitespace normalized", text: "a\u0000b\u200b\tc\u00a0d", tokens: ["ab", "c", "d"], ids: [11113, 1039, 1040], decoded: "ab c d" },
  { why: "empty text", text: "", tokens: [], ids: [], decoded: "" },
];

const CASED: Row[] = [
  { why: "case kept", text: "Hello, world!", tokens: ["Hello", ",", "world", "!"], ids: [8667, 117, 1362, 106], decoded: "Hello, world!" },
  { why: "accents kept", text: "Héllo wörld", tokens: ["H", "##é", "##llo", "w", "##ö", "##rl", "##d"], ids: [145, 2744, 6643, 192, 19593, 17670, 1181], decoded: "Héllo wörld" },
  { why: "accents kept", text: "naïve café résumé", tokens: ["na", "##ï", "##ve", "café", "r", "##és", "##um", "##é"], ids: [9468, 28203, 2707, 20583, 187, 10051, 1818, 2744], decoded: "naïve café résumé" },
  { why: "a combining mark is a piece of its word", text: "e\u0301", tokens: ["e", "##\u0301"], ids: [174, 28310], decoded: "e\u0301" },
  { why: "CJK ideographs split", text: "北京欢迎你", tokens: ["北", "京", "[UNK]", "[UNK]", "[UNK]"], ids: [993, 984, 100, 100, 100], decoded: "北 京" },
  { why: "## continuation pieces", text: "unaffable", tokens: ["un", "##af", "##fa", "##ble"], ids: [8362, 9823, 8057, 2165], decoded: "unaffable" },
  { why: "special tokens in the text stay whole", text: "[CLS] x [SEP]", tokens: ["[CLS]", "x", "[SEP]"], ids: [101, 193, 102], decoded: "x" },
];

describe("BERT WordPiece tables", { skip: MODELS_MISSING }, () => {
  it("bert-base-uncased: text -> tokens, ids, decoded", () => checkTable(models().bertUncased, UNCASED));

  it("bert-base-cased: text -> tokens, ids, decoded", () => checkTable(models().bertCased, CASED));

  it("the bert-tiny tokenizer.json (uncased vocabulary) gives the uncased table", () => checkTable(models().bertTiny, UNCASED));

  it("a word over 100 characters is one [UNK]; 100 characters is still split", () => {
    const bert = models().bertUncased;
    assert.deepEqual(bert.encode("a".repeat(101)).tokens, ["[CLS]", "[UNK]", "[SEP]"]);
    assert.deepEqual(bert.encode(`x ${"é".repeat(101)} y`).tokens, ["[CLS]", "x", "[UNK]", "y", "[SEP]"]);
    const hundred = bert.encode("a".repeat(100));
    assert.ok(!hundred.tokens.includes("[UNK]"));
    assert.equal(hundred.tokens[1], "aaa");
    assert.equal(bert.decode(hundred.ids, { skipSpecialTokens: true }), "a".repeat(100));
  });

  it("offsets point into the original text and word ids count pre-tokenizer words", () => {
    const bert = models().bertUncased;
    const text = "Héllo, unaffable 北京!";
    const e = bert.encode(text);
    assert.deepEqual(e.tokens, ["[CLS]", "hello", ",", "una", "##ffa", "##ble", "北", "京", "!", "[SEP]"]);
    assert.deepEqual(e.offsets, [[0, 0], [0, 5], [5, 6], [7, 10], [10, 13], [13, 16], [17, 18], [18, 19], [19, 20], [0, 0]]);
    assert.deepEqual(e.wordIds, [null, 0, 1, 2, 2, 2, 3, 4, 5, null]);
    assert.deepEqual([...e.specialTokensMask], [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual([...e.attentionMask], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    assert.deepEqual(e.offsets.slice(1, -1).map(([s, t]) => text.slice(s, t)), ["Héllo", ",", "una", "ffa", "ble", "北", "京", "!"]);
  });

  it("a pair is [CLS] A [SEP] B [SEP] with type ids 0 then 1; word ids restart in B", () => {
    const e = models().bertUncased.encode("Hello world", "How are you?");
    assert.deepEqual(e.tokens, ["[CLS]", "hello", "world", "[SEP]", "how", "are", "you", "?", "[SEP]"]);
    assert.deepEqual([...e.ids], [101, 7592, 2088, 102, 2129, 2024, 2017, 1029, 102]);
    assert.deepEqual([...e.typeIds], [0, 0, 0, 0, 1, 1, 1, 1, 1]);
    assert.deepEqual(e.wordIds, [null, 0, 1, null, 0, 1, 2, 3, null]);
    assert.deepEqual(e.sequenceIds, [null, 0, 0, null, 1, 1, 1, 1, null]);
    assert.deepEqual(e.offsets, [[0, 0], [0, 5], [6, 11], [0, 0], [0, 3], [4, 7], [8, 11], [11, 12], [0, 0]]);
  });

  it("addSpecialTokens false leaves the text tokens; a pair keeps its type ids", () => {
    const e = models().bertUncased.encode("Hello world", "How", { addSpecialTokens: false });
    assert.deepEqual(e.tokens, ["hello", "world", "how"]);
    assert.deepEqual([...e.typeIds], [0, 0, 1]);
  });

  it("special token ids, vocabulary size and lookups", () => {
    const { bertUncased, bertCased } = models();
    assert.deepEqual(bertUncased.specialTokenIds, { cls: 101, sep: 102, pad: 0, unk: 100, mask: 103, bos: null, eos: null });
    assert.equal(bertUncased.vocabSize, 30522);
    assert.equal(bertCased.vocabSize, 28996);
    assert.equal(bertUncased.kind, "wordpiece");
    assert.equal(bertUncased.tokenToId("hello"), 7592);
    assert.equal(bertUncased.tokenToId("##ffa"), 20961);
    assert.equal(bertUncased.idToToken(7592), "hello");
    assert.equal(bertUncased.tokenToId("not-a-token"), undefined);
    assert.equal(bertUncased.idToToken(99999), undefined);
  });

  it("decode without skipping keeps special tokens; clean-up can be turned off", () => {
    const bert = models().bertUncased;
    const ids = bert.encode("Hello, world! It's here.").ids;
    assert.equal(bert.decode(ids), "[CLS] hello, world! it's here. [SEP]");
    assert.equal(bert.decode(ids, { skipSpecialTokens: true, cleanUpTokenizationSpaces: false }), "hello, world! it ' s here.");
    assert.equal(bert.decode([]), "");
  });
});
