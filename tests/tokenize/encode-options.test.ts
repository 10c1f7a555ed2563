// Truncation (each strategy, Hugging Face fast-tokenizer semantics), padding and the option checks,
// on bert-base-uncased and RoBERTa. maxLength counts the special tokens.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../src/errors.js";
import { longestFirstLengths } from "../../src/tokenize/truncation.js";
import { models, MODELS_MISSING } from "./real-tokenizers.js";

// 6 and 3 tokens: one two three four five six / seven eight nine
const A = "one two three four five six";
const B = "seven eight nine";

describe("longest_first lengths", () => {
  it("take tokens from the longer sequence until both fit", () => {
    assert.deepEqual(longestFirstLengths(6, 3, 6), [3, 3]);
    assert.deepEqual(longestFirstLengths(6, 3, 7), [4, 3]);
    assert.deepEqual(longestFirstLengths(3, 6, 7), [3, 4]);
    assert.deepEqual(longestFirstLengths(10, 1, 5), [4, 1]);
    assert.deepEqual(longestFirstLengths(20, 30, 10), [5, 5]);
  });

  it("give the odd token to the originally longer sequence, to B on a tie (Rust's rule)", () => {
    assert.deepEqual(longestFirstLengths(6, 5, 7), [4, 3]);
    assert.deepEqual(longestFirstLengths(5, 6, 7), [3, 4]);
    // Python's slow tokenizers give (4, 3) here; the fast (Rust) tokenizers, which Transformers uses by default, (3, 4).
    assert.deepEqual(longestFirstLengths(5, 5, 7), [3, 4]);
  });
});

describe("truncation", { skip: MODELS_MISSING }, () => {
  it("longest_first cuts the longer sequence first", () => {
    const bert = models().bertUncased;
    assert.deepEqual(bert.encode(A, B, { maxLength: 9, truncation: "longest_first" }).tokens,
      ["[CLS]", "one", "two", "three", "[SEP]", "seven", "eight", "nine", "[SEP]"]);
    assert.deepEqual(bert.encode(A, B, { maxLength: 10, truncation: "longest_first" }).tokens,
      ["[CLS]", "one", "two", "three", "four", "[SEP]", "seven", "eight", "nine", "[SEP]"]);
    assert.deepEqual(bert.encode("one two three four five", "six seven eight nine ten", { maxLength: 10 }).tokens,
      ["[CLS]", "one", "two", "three", "[SEP]", "six", "seven", "eight", "nine", "[SEP]"]);
  });

  it("maxLength alone means longest_first; a single sequence keeps its first maxLength - 2 tokens", () => {
    const bert = models().bertUncased;
    const e = bert.encode(A, null, { maxLength: 5 });
    assert.deepEqual(e.tokens, ["[CLS]", "one", "two", "three", "[SEP]"]);
    assert.deepEqual(e.wordIds, [null, 0, 1, 2, null]);
    assert.deepEqual(bert.encode(A, B, { maxLength: 9 }).tokens, bert.encode(A, B, { maxLength: 9, truncation: "longest_first" }).tokens);
    assert.deepEqual(bert.encode(A, null, { maxLength: 50 }).tokens.length, 8);
  });

  it("only_first and only_second cut just that sequence", () => {
    const bert = models().bertUncased;
    assert.deepEqual(bert.encode(A, B, { maxLength: 10, truncation: "only_first" }).tokens,
      ["[CLS]", "one", "two", "three", "four", "[SEP]", "seven", "eight", "nine", "[SEP]"]);
    assert.deepEqual(bert.encode(A, B, { maxLength: 10, truncation: "only_second" }).tokens,
      ["[CLS]", "one", "two", "three", "four", "five", "six", "[SEP]", "seven", "[SEP]"]);
    assert.deepEqual(bert.encode(A, null, { maxLength: 4, truncation: "only_first" }).tokens, ["[CLS]", "one", "two", "[SEP]"]);
  });

  it("only_first / only_second refuse when that sequence is too short, or absent", () => {
    const bert = models().bertUncased;
    assert.throws(() => bert.encode(A, B, { maxLength: 9, truncation: "only_second" }), (e: unknown) => e instanceof ConfigError && /only_second.*second sequence longer than the 3 tokens to remove, got 3/.test(e.message));
    assert.throws(() => bert.encode(B, A, { maxLength: 9, truncation: "only_first" }), ConfigError);
    assert.throws(() => bert.encode(A, null, { maxLength: 5, truncation: "only_second" }), /expected a second sequence, got none/);
  });

  it("truncation keeps words, offsets and type ids of the kept tokens", () => {
    const bert = models().bertUncased;
    const full = bert.encode(A, B);
    const cut = bert.encode(A, B, { maxLength: 9 });
    assert.deepEqual(cut.offsets.slice(1, 4), full.offsets.slice(1, 4));
    assert.deepEqual(cut.wordIds, [null, 0, 1, 2, null, 0, 1, 2, null]);
    assert.deepEqual([...cut.typeIds], [0, 0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it("a maxLength of only the special tokens empties the sequences; less is an error", () => {
    const bert = models().bertUncased;
    assert.deepEqual(bert.encode(A, null, { maxLength: 2 }).tokens, ["[CLS]", "[SEP]"]);
    assert.deepEqual(bert.encode(A, B, { maxLength: 3 }).tokens, ["[CLS]", "[SEP]", "[SEP]"]);
    assert.throws(() => bert.encode(A, null, { maxLength: 1 }), /expected maxLength at least 2, the special tokens of a single sequence, got 1/);
    assert.throws(() => models().roberta.encode(A, B, { maxLength: 3 }), /expected maxLength at least 4, the special tokens of a pair, got 3/);
    assert.deepEqual(bert.encode(A, null, { maxLength: 1, addSpecialTokens: false }).tokens, ["one"]);
  });

  it("RoBERTa leaves room for its 4 pair special tokens", () => {
    const e = models().roberta.encode("Hello world again", "How are you?", { maxLength: 8 });
    assert.deepEqual(e.tokens, ["<s>", "Hello", "Ġworld", "</s>", "</s>", "How", "Ġare", "</s>"]);
  });
});

describe("padding", { skip: MODELS_MISSING }, () => {
  it("longest pads every encoding of a batch to the longest, on the right", () => {
    const [short, long] = models().bertUncased.encodeBatch(["Hello", "Hello world again"], { padding: "longest" });
    assert.deepEqual([...long.ids], [101, 7592, 2088, 2153, 102]);
    assert.deepEqual([...short.ids], [101, 7592, 102, 0, 0]);
    assert.deepEqual(short.tokens, ["[CLS]", "hello", "[SEP]", "[PAD]", "[PAD]"]);
    assert.deepEqual([...short.attentionMask], [1, 1, 1, 0, 0]);
    assert.deepEqual([...short.specialTokensMask], [1, 0, 1, 1, 1]);
    assert.deepEqual([...short.typeIds], [0, 0, 0, 0, 0]);
    assert.deepEqual(short.wordIds, [null, 0, null, null, null]);
    assert.deepEqual(short.sequenceIds, [null, 0, null, null, null]);
    assert.deepEqual(short.offsets, [[0, 0], [0, 5], [0, 0], [0, 0], [0, 0]]);
  });

  it("padToMultipleOf rounds up; max_length pads to maxLength", () => {
    const bert = models().bertUncased;
    const batch = bert.encodeBatch(["Hello", ["Hello world", "again"]], { padding: "longest", padToMultipleOf: 8 });
    assert.deepEqual(batch.map((e) => e.ids.length), [8, 8]);
    assert.deepEqual([...batch[1].typeIds], [0, 0, 0, 0, 1, 1, 0, 0]);
    assert.deepEqual(bert.encode("Hello", null, { padding: "max_length", maxLength: 12 }).ids.length, 12);
    assert.deepEqual(bert.encode("Hello", null, { padding: "longest" }).ids.length, 3);
    assert.deepEqual(bert.encode("Hello", null, { padding: "longest", padToMultipleOf: 4 }).tokens, ["[CLS]", "hello", "[SEP]", "[PAD]"]);
  });

  it("truncation and max_length padding together give exactly maxLength", () => {
    const batch = models().bertUncased.encodeBatch(["Hello", "Hello world again and again"], { padding: "max_length", maxLength: 4 });
    assert.deepEqual(batch.map((e) => e.tokens), [["[CLS]", "hello", "[SEP]", "[PAD]"], ["[CLS]", "hello", "world", "[SEP]"]]);
  });

  it("without truncation an encoding longer than maxLength stays longer (as in Hugging Face)", () => {
    const e = models().bertUncased.encode(A, null, { padding: "max_length", maxLength: 4, truncation: false });
    assert.equal(e.ids.length, 8);
  });

  it("RoBERTa pads with <pad> = 1", () => {
    const [short] = models().roberta.encodeBatch(["Hi", "Hello there world"], { padding: "longest" });
    assert.deepEqual([...short.ids], [0, 30086, 2, 1, 1]);
    assert.deepEqual([...short.attentionMask], [1, 1, 1, 0, 0]);
  });
});

describe("option checks", { skip: MODELS_MISSING }, () => {
  it("reject bad values with a ConfigError naming the option", () => {
    const bert = models().bertUncased;
    const bad: Array<[object, RegExp]> = [
      [{ maxLength: 0 }, /maxLength a positive integer, got 0/],
      [{ maxLength: 2.5 }, /maxLength a positive integer, got 2.5/],
      [{ padToMultipleOf: -8, padding: "longest" }, /padToMultipleOf a positive integer, got -8/],
      [{ truncation: "longest", maxLength: 8 }, /truncation one of longest_first, only_first, only_second or false, got "longest"/],
      [{ padding: "max" }, /padding one of longest, max_length or false, got "max"/],
      [{ truncation: "only_first" }, /expected maxLength with truncation "only_first", got none/],
      [{ padding: "max_length" }, /expected maxLength with padding "max_length", got none/],
      [{ padding: "max_length", maxLength: 10, padToMultipleOf: 8 }, /maxLength a multiple of padToMultipleOf when truncating and padding, got maxLength 10 and padToMultipleOf 8/],
    ];
    for (const [options, message] of bad) assert.throws(() => bert.encode("x", null, options), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(options));
  });

  it("reject non-string text", () => {
    const bert = models().bertUncased;
    assert.throws(() => bert.encode(42 as unknown as string), /encode: text: expected a string, got number/);
    assert.throws(() => bert.encodeBatch(["ok", null as unknown as string]), /encodeBatch: input 1: expected a string or a \[text, pair\], got null/);
  });
});
