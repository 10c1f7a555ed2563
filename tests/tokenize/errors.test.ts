// Every loader error names the file and the line or key, and an unknown tokenizer.json component lists
// the supported ones. These use only the tiny fixtures, so they run without the shared data.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, FormatError } from "../../src/errors.js";
import { fromBpeFiles, fromTokenizerJson, fromVocabFile, loadTokenizer, parseTokenizerJson } from "../../src/tokenize/index.js";
import { FIXTURES } from "./data-files.js";
import { tinyWordPieceJson } from "./tiny-json.js";
import { withTempDir } from "../helpers/temp-dir.js";

const fixture = (name: string): string => join(FIXTURES, name);

/** assert.throws with the error class and a message pattern. */
function throwsWith(fn: () => unknown, type: typeof ConfigError | typeof FormatError, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}


describe("loader errors", () => {
  it("a missing file is a ConfigError naming the path", () => {
    const missing = join(FIXTURES, "no-such-vocab.txt");
    throwsWith(() => fromVocabFile(missing, { lowercase: true }), ConfigError, new RegExp(`fromVocabFile: expected a readable file at ${missing.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, got ENOENT`));
    throwsWith(() => fromBpeFiles(fixture("tiny-bpe-vocab.json"), join(FIXTURES, "nope.txt")), ConfigError, /nope\.txt, got ENOENT/);
    throwsWith(() => fromTokenizerJson(join(FIXTURES, "tokenizer.json")), ConfigError, /tokenizer\.json, got ENOENT/);
  });

  it("a malformed vocab.json names the file, and the key of a bad id", () => {
    throwsWith(() => fromBpeFiles(fixture("vocab-truncated.json"), fixture("tiny-bpe-merges.txt")), FormatError, /vocab-truncated\.json\(.*vocab-truncated\.json\): expected JSON, got a parse error/);
    throwsWith(() => fromBpeFiles(fixture("vocab-bad-id.json"), fixture("tiny-bpe-merges.txt")), FormatError, /vocab-bad-id\.json\(.*\) key "a": expected a non-negative integer, got "one"/);
  });

  it("a merges line with the wrong arity names the file and line", () => {
    throwsWith(() => fromBpeFiles(fixture("tiny-bpe-vocab.json"), fixture("merges-bad-arity.txt")), FormatError, /merges-bad-arity\.txt\(.*\) line 3: expected 2 space-separated tokens, got 3 in "ab Ġ c"/);
  });

  it("a merge of a token missing from the vocabulary names the line", () => {
    throwsWith(() => fromBpeFiles(fixture("tiny-bpe-vocab.json"), fixture("merges-unknown-token.txt")), FormatError, /merges-unknown-token\.txt\(.*\) line 3: expected "d" in the vocabulary, got none/);
  });

  it("a vocab.txt without [UNK] names the file", () => {
    throwsWith(() => fromVocabFile(fixture("vocab-without-unk.txt"), { lowercase: true }), FormatError, /vocab-without-unk\.txt\(.*\): expected the unk token "\[UNK\]" in the vocabulary, got none/);
  });

  it("vocab.txt needs the lowercase option", () => {
    throwsWith(() => fromVocabFile(fixture("tiny-vocab.txt"), {} as { lowercase: boolean }), ConfigError, /expected the lowercase option true \(uncased model\) or false \(cased\), got undefined/);
  });
});

describe("tokenizer.json components", () => {
  const withField = (key: string, value: unknown): Record<string, unknown> => ({ ...tinyWordPieceJson(), [key]: value });

  it("the tiny tokenizer.json loads", () => {
    assert.deepEqual([...parseTokenizerJson(tinyWordPieceJson()).encode("Hello worlds,").ids], [2, 6, 7, 8, 9, 3]);
  });

  it("an unknown component is a FormatError listing the supported ones", () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ["normalizer", { type: "NFC" }, /tokenizer\.json normalizer\.type: expected one of BertNormalizer, got "NFC"/],
      ["pre_tokenizer", { type: "Metaspace" }, /tokenizer\.json pre_tokenizer\.type: expected one of BertPreTokenizer, ByteLevel, got "Metaspace"/],
      ["pre_tokenizer", null, /tokenizer\.json pre_tokenizer: expected one of BertPreTokenizer, ByteLevel, got null/],
      ["post_processor", { type: "Foo" }, /post_processor\.type: expected one of TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence, got "Foo"/],
      ["decoder", { type: "Metaspace" }, /decoder\.type: expected one of WordPiece, ByteLevel, got "Metaspace"/],
      ["model", { type: "Unigram", vocab: [] }, /tokenizer\.json model\.type: expected one of WordPiece, BPE, got "Unigram"/],
    ];
    for (const [key, value, message] of cases) throwsWith(() => parseTokenizerJson(withField(key, value)), FormatError, message);
  });

  it("malformed fields name their key", () => {
    const json = tinyWordPieceJson();
    const model = json.model as Record<string, unknown>;
    throwsWith(() => parseTokenizerJson({ ...json, model: { ...model, vocab: { a: -1 } } }), FormatError, /model\.vocab\["a"\]: expected a non-negative integer, got number -1/);
    throwsWith(() => parseTokenizerJson({ ...json, normalizer: { type: "BertNormalizer", lowercase: "yes" } }), FormatError, /normalizer\.lowercase: expected true or false, got "yes"/);
    throwsWith(() => parseTokenizerJson({ ...json, model: { ...model, unk_token: "<unk>" } }), FormatError, /model\.unk_token: expected a token of .*model\.vocab, got "<unk>"/);
    throwsWith(() => parseTokenizerJson([]), FormatError, /tokenizer\.json: expected an object, got an array of 0/);
  });

  it("BPE options that change the algorithm are refused rather than ignored", () => {
    const bpe = { type: "BPE", vocab: { a: 0, b: 1, ab: 2 }, merges: ["a b"], dropout: 0.1 };
    throwsWith(() => parseTokenizerJson({ ...tinyWordPieceJson(), model: bpe }), FormatError, /model\.dropout: expected null or its default \(not supported\), got number 0\.1/);
    throwsWith(() => parseTokenizerJson({ ...tinyWordPieceJson(), model: { ...bpe, dropout: null, merges: ["a b c"] } }), FormatError, /model\.merges\[0\]: expected "left right", got "a b c"/);
  });
});

describe("loadTokenizer errors", () => {
  it("names the directory and the files it looked for", () => {
    withTempDir((dir) => {
      throwsWith(() => loadTokenizer(dir), ConfigError, new RegExp(`loadTokenizer\\(${dir}\\): expected tokenizer\\.json, vocab\\.txt, or vocab\\.json with merges\\.txt, got an empty directory`));
      writeFileSync(join(dir, "vocab.json"), "{}");
      throwsWith(() => loadTokenizer(dir), ConfigError, /got only vocab\.json; hint: vocab\.json needs merges\.txt beside it/);
    });
    throwsWith(() => loadTokenizer(join(FIXTURES, "no-such-dir")), ConfigError, /no-such-dir\): expected a model directory holding tokenizer\.json, vocab\.txt, or vocab\.json with merges\.txt, got no such directory/);
  });

  it("a vocab.txt directory needs do_lower_case or the lowercase option, and they must agree", () => {
    withTempDir((dir) => {
      writeFileSync(join(dir, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n");
      throwsWith(() => loadTokenizer(dir), ConfigError, /expected do_lower_case in tokenizer_config\.json or the lowercase option for vocab\.txt, got neither/);
      writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ do_lower_case: true }));
      throwsWith(() => loadTokenizer(dir, { lowercase: false }), ConfigError, /expected the lowercase option to agree with do_lower_case in tokenizer_config\.json, got false and true/);
      writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ do_lower_case: "yes" }));
      throwsWith(() => loadTokenizer(dir), FormatError, /tokenizer_config\.json\(.*\) do_lower_case: expected true or false, got "yes"/);
    });
  });
});

describe("encode and decode errors", () => {
  it("decode names a bad id and its position", () => {
    const tokenizer = fromVocabFile(fixture("tiny-vocab.txt"), { lowercase: true });
    throwsWith(() => tokenizer.decode([2, 6, 42]), ConfigError, /decode: expected token ids of this vocabulary \(0\.\.9\), got 42 at position 2/);
    throwsWith(() => tokenizer.decode([1.5]), ConfigError, /got 1\.5 at position 0/);
  });

  it("padding needs a pad token", () => {
    const tokenizer = fromVocabFile(fixture("tiny-vocab.txt"), { lowercase: true, specialTokens: { pad: null } });
    throwsWith(() => tokenizer.encode("hello", null, { padding: "longest" }), ConfigError, /expected a pad token for padding "longest", got none/);
  });
});
