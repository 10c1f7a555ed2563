// Loading: vocab.txt ids are line numbers (an empty line counts), vocab.json + merges.txt, tokenizer.json
// with tokenizer_config.json on top, and the model-directory autoloader's choice of files.
import assert from "node:assert/strict";
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fromBpeFiles, fromVocabFile, loadTokenizer, parseTokenizerJson, parseVocabTxt } from "../../src/tokenize/index.js";
import { models, MODELS_MISSING } from "./real-tokenizers.js";
import { FIXTURES, VOCAB } from "./data-files.js";
import { tinyWordPieceJson } from "./tiny-json.js";
import { withTempDir } from "../helpers/temp-dir.js";

const fixture = (name: string): string => join(FIXTURES, name);
const SAMPLE = "Héllo, World! The café's naïve résumé costs $5.99 in 北京 — [MASK] ok?";


describe("vocab.txt", () => {
  it("one token per line; an empty line is a token; a final newline is not", () => {
    assert.deepEqual(parseVocabTxt("a\n\nb\n"), ["a", "", "b"]);
    assert.deepEqual(parseVocabTxt("a\r\nb"), ["a", "b"]);
    assert.deepEqual(parseVocabTxt("a\n\n"), ["a", ""]);
    assert.deepEqual(parseVocabTxt(" a \n"), [" a "]);
  });

  it("ids are 0-based line numbers, counting the empty line", () => {
    const tokenizer = fromVocabFile(fixture("tiny-vocab.txt"), { lowercase: true });
    assert.deepEqual([...tokenizer.encode("Hello worlds,").ids], [2, 6, 7, 8, 9, 3]);
    assert.equal(tokenizer.idToToken(5), "");
    assert.equal(tokenizer.tokenToId("hello"), 6);
    assert.equal(tokenizer.vocabSize, 10);
    assert.deepEqual(tokenizer.specialTokenIds, { cls: 2, sep: 3, pad: 0, unk: 1, mask: 4, bos: null, eos: null });
  });

  it("lowercase false keeps case; stripAccents and handleChineseChars follow BERT's options", () => {
    const cased = fromVocabFile(fixture("tiny-vocab.txt"), { lowercase: false });
    assert.deepEqual(cased.encode("Hello hello").tokens, ["[CLS]", "[UNK]", "hello", "[SEP]"]);
    const strip = fromVocabFile(fixture("tiny-vocab.txt"), { lowercase: false, stripAccents: true });
    assert.deepEqual(strip.encode("hèllo").tokens, ["[CLS]", "hello", "[SEP]"]);
    const keep = fromVocabFile(fixture("tiny-vocab.txt"), { lowercase: true, stripAccents: false });
    assert.deepEqual(keep.encode("Hèllo").tokens, ["[CLS]", "[UNK]", "[SEP]"]);
  });
});

describe("vocab.json + merges.txt", () => {
  it("applies merges by rank and finds <mask> with the space before it", () => {
    const tokenizer = fromBpeFiles(fixture("tiny-bpe-vocab.json"), fixture("tiny-bpe-merges.txt"));
    const e = tokenizer.encode("ab ab<mask> c");
    assert.deepEqual(e.tokens, ["<s>", "ab", "Ġab", "<mask>", "Ġ", "c", "</s>"]);
    assert.deepEqual([...e.ids], [0, 6, 8, 9, 7, 10, 2]);
    assert.equal(tokenizer.decode(e.ids), "<s>ab ab<mask> c</s>");
  });
});

describe("tokenizer.json", () => {
  it("gives the same encodings as the vocab.txt it was made from", () => {
    const fromJson = parseTokenizerJson(tinyWordPieceJson());
    const fromTxt = fromVocabFile(fixture("tiny-vocab.txt"), { lowercase: true });
    for (const text of ["Hello worlds, hello", "HELLO [MASK] world", ""]) {
      assert.deepEqual(fromJson.encode(text, "worlds"), fromTxt.encode(text, "worlds"), text);
    }
  });

  it("tokenizer_config.json's do_lower_case wins over the stored normalizer (BertTokenizerFast)", () => {
    const cased = parseTokenizerJson(tinyWordPieceJson(), { tokenizerConfig: { do_lower_case: false } });
    assert.deepEqual(cased.encode("Hello hello").tokens, ["[CLS]", "[UNK]", "hello", "[SEP]"]);
  });

  it("added tokens: special ones match the raw text, normalized ones the lowercased text", () => {
    const json = tinyWordPieceJson();
    const added = [...(json.added_tokens as object[]), { id: 10, content: "<new>", single_word: false, lstrip: false, rstrip: false, normalized: true, special: false }];
    const tokenizer = parseTokenizerJson({ ...json, added_tokens: added });
    assert.deepEqual([...tokenizer.encode("HELLO<NEW>world").ids], [2, 6, 10, 7, 3]);
    assert.equal(tokenizer.vocabSize, 11);
    assert.equal(tokenizer.decode([6, 10], { skipSpecialTokens: true }), "hello <new>");
  });

  it("added_tokens_decoder in tokenizer_config.json adds tokens to a vocab.txt", () => {
    withTempDir((dir) => {
      symlinkSync(fixture("tiny-vocab.txt"), join(dir, "vocab.txt"));
      const addedTokensDecoder: Record<string, object> = {};
      ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].forEach((content, id) => {
        addedTokensDecoder[String(id)] = { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true };
      });
      addedTokensDecoder["10"] = { content: "[ENT]", lstrip: false, normalized: false, rstrip: false, single_word: false, special: true };
      writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ do_lower_case: true, added_tokens_decoder: addedTokensDecoder }));
      const tokenizer = loadTokenizer(dir);
      assert.deepEqual([...tokenizer.encode("hello [ENT] world").ids], [2, 6, 10, 7, 3]);
      assert.equal(tokenizer.decode([6, 10, 7], { skipSpecialTokens: true }), "hello world");
    });
  });
});

describe("loadTokenizer", { skip: MODELS_MISSING }, () => {
  it("prefers tokenizer.json (bert-tiny) and applies its tokenizer_config.json", () => {
    const tokenizer = loadTokenizer(VOCAB.bertTinyDir);
    assert.deepEqual(tokenizer.encode(SAMPLE), models().bertTiny.encode(SAMPLE));
    assert.deepEqual(tokenizer.encode(SAMPLE).ids, models().bertUncased.encode(SAMPLE).ids);
  });

  it("takes tokenizer.json over a vocab.txt beside it", () => {
    withTempDir((dir) => {
      writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(tinyWordPieceJson()));
      symlinkSync(fixture("vocab-without-unk.txt"), join(dir, "vocab.txt"));
      assert.deepEqual([...loadTokenizer(dir).encode("Hello").ids], [2, 6, 3]);
    });
  });

  it("reads vocab.txt with do_lower_case from tokenizer_config.json, or from the option", () => {
    withTempDir((dir) => {
      symlinkSync(VOCAB.bertCased, join(dir, "vocab.txt"));
      assert.deepEqual(loadTokenizer(dir, { lowercase: false }).encode(SAMPLE), models().bertCased.encode(SAMPLE));
      writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ do_lower_case: false, tokenizer_class: "BertTokenizer" }));
      assert.deepEqual(loadTokenizer(dir).encode(SAMPLE), models().bertCased.encode(SAMPLE));
    });
  });

  it("reads vocab.json + merges.txt, with add_prefix_space from tokenizer_config.json or the option", () => {
    withTempDir((dir) => {
      symlinkSync(VOCAB.robertaVocab, join(dir, "vocab.json"));
      symlinkSync(VOCAB.robertaMerges, join(dir, "merges.txt"));
      assert.deepEqual(loadTokenizer(dir).encode(SAMPLE), models().roberta.encode(SAMPLE));
      assert.deepEqual(loadTokenizer(dir, { addPrefixSpace: true }).encode("Hello").tokens, ["<s>", "ĠHello", "</s>"]);
      writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ add_prefix_space: true }));
      assert.deepEqual(loadTokenizer(dir).encode("Hello").tokens, ["<s>", "ĠHello", "</s>"]);
      assert.deepEqual(loadTokenizer(dir, { addPrefixSpace: false }).encode("Hello").tokens, ["<s>", "Hello", "</s>"]);
    });
  });
});
