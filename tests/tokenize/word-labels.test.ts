// Tagging: encodePretokenized keeps the caller's words (word ids index them, offsets are within each
// word), and labelsToTokens puts each word's label on its first sub-token, -100 elsewhere.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ConfigError } from "../../src/errors.js";
import { firstSubtokenMask, fromBpeFiles, labelsToTokens } from "../../src/tokenize/index.js";
import { CORPUS_FILES } from "./corpus.js";
import { models, MODELS_MISSING } from "./real-tokenizers.js";
import { needsData, VOCAB } from "./data-files.js";

const WORDS = ["EU", "rejects", "German", "U.S.-led", "call"];

describe("word-level labels", () => {
  it("firstSubtokenMask marks where a new word starts", () => {
    assert.deepEqual([...firstSubtokenMask([null, 0, 1, 1, 1, 2, null, null])], [0, 1, 1, 0, 0, 1, 0, 0]);
    assert.deepEqual([...firstSubtokenMask([])], []);
  });

  it("labelsToTokens labels first sub-tokens and ignores the rest", () => {
    assert.deepEqual([...labelsToTokens([3, 0, 7], [null, 0, 1, 1, 2, null])], [-100, 3, 0, -100, 7, -100]);
    assert.deepEqual([...labelsToTokens([5], [null, 0, 0, null], -1)], [-1, 5, -1, -1]);
    assert.throws(() => labelsToTokens([1], [null, 0, 1, null]), (e: unknown) => e instanceof ConfigError && /expected a label for word 1, got 1 word labels/.test(e.message));
  });
});

describe("encodePretokenized", { skip: MODELS_MISSING }, () => {
  it("BERT: a word the pre-tokenizer splits keeps one word id; offsets are within the word", () => {
    const e = models().bertCased.encodePretokenized(WORDS);
    assert.deepEqual(e.tokens, ["[CLS]", "EU", "rejects", "German", "U", ".", "S", ".", "-", "led", "call", "[SEP]"]);
    assert.deepEqual([...e.ids], [101, 7270, 22961, 1528, 158, 119, 156, 119, 118, 1521, 1840, 102]);
    assert.deepEqual(e.wordIds, [null, 0, 1, 2, 3, 3, 3, 3, 3, 3, 4, null]);
    assert.deepEqual(e.offsets, [[0, 0], [0, 2], [0, 7], [0, 6], [0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 8], [0, 4], [0, 0]]);
    assert.deepEqual([...labelsToTokens([1, 0, 2, 2, 0], e.wordIds)], [-100, 1, 0, 2, 2, -100, -100, -100, -100, -100, 0, -100]);
  });

  it("RoBERTa loaded with addPrefixSpace puts a space before every word, the first included", () => {
    const roberta = fromBpeFiles(VOCAB.robertaVocab, VOCAB.robertaMerges, { addPrefixSpace: true });
    const e = roberta.encodePretokenized(WORDS);
    assert.deepEqual(e.tokens, ["<s>", "ĠEU", "Ġrejects", "ĠGerman", "ĠU", ".", "S", ".-", "led", "Ġcall", "</s>"]);
    assert.deepEqual(e.wordIds, [null, 0, 1, 2, 3, 3, 3, 3, 3, 4, null]);
    assert.deepEqual(e.offsets, [[0, 0], [0, 2], [0, 7], [0, 6], [0, 1], [1, 2], [2, 3], [3, 5], [5, 8], [0, 4], [0, 0]]);
  });

  it("RoBERTa without addPrefixSpace refuses pre-tokenized input, as Hugging Face does", () => {
    assert.throws(() => models().roberta.encodePretokenized(WORDS), (e: unknown) => e instanceof ConfigError && /addPrefixSpace true/.test(e.message));
  });

  it("pairs, batches with padding, and bad input", () => {
    const bert = models().bertCased;
    const pair = bert.encodePretokenized(["Hello"], ["big", "world"]);
    assert.deepEqual(pair.wordIds, [null, 0, null, 0, 1, null]);
    assert.deepEqual([...pair.typeIds], [0, 0, 0, 1, 1, 1]);
    const batch = bert.encodePretokenizedBatch([["a"], ["a", "b", "c"]], { padding: "longest" });
    assert.deepEqual(batch.map((e) => e.wordIds), [[null, 0, null, null, null], [null, 0, 1, 2, null]]);
    assert.throws(() => bert.encodePretokenized("not words" as unknown as string[]), /expected an array of words/);
    assert.throws(() => bert.encodePretokenized(["ok", 3 as unknown as string]), /encodePretokenized: words\[1\]: expected a string, got number/);
  });

  it("on CoNLL-2003 every word gets exactly one label, in order", { skip: needsData(CORPUS_FILES.conll) }, () => {
    const bert = models().bertCased;
    const lines = readFileSync(CORPUS_FILES.conll, "utf8").split("\n");
    const sentences: Array<{ words: string[]; tags: string[] }> = [];
    let current = { words: [] as string[], tags: [] as string[] };
    for (const line of lines) {
      const cols = line.split(" ");
      if (line.trim() === "" || cols[0] === "-DOCSTART-") {
        if (current.words.length > 0) sentences.push(current);
        current = { words: [], tags: [] };
        continue;
      }
      current.words.push(cols[0]);
      current.tags.push(cols[3]);
    }
    const tagIds = new Map<string, number>();
    let labelled = 0;
    for (const { words, tags } of sentences.slice(0, 500)) {
      const wordLabels = tags.map((tag) => tagIds.get(tag) ?? tagIds.set(tag, tagIds.size).size - 1);
      const e = bert.encodePretokenized(words);
      const labels = labelsToTokens(wordLabels, e.wordIds);
      const kept = [...labels].filter((label) => label !== -100);
      assert.deepEqual(kept, wordLabels, words.join(" "));
      labelled += kept.length;
    }
    assert.ok(labelled > 5000, `labelled ${labelled} words`);
  });
});
