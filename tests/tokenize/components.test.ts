// The pipeline pieces one at a time, on hand-made inputs (no vocabulary files needed).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AddedTokenMatcher, type AddedToken } from "../../src/tokenize/added-tokens.js";
import { BYTE_TO_CHAR, CHAR_TO_BYTE, utf8Bytes } from "../../src/tokenize/byte-alphabet.js";
import { ByteLevelDecoder } from "../../src/tokenize/decoders/byte-level-decoder.js";
import { cleanUpTokenizationSpaces } from "../../src/tokenize/decoders/clean-up-spaces.js";
import { WordPieceDecoder } from "../../src/tokenize/decoders/wordpiece-decoder.js";
import { Bpe } from "../../src/tokenize/models/bpe.js";
import { Vocab } from "../../src/tokenize/models/vocab.js";
import { WordPiece } from "../../src/tokenize/models/wordpiece.js";
import { NormalizedString } from "../../src/tokenize/normalized-string.js";
import { BertNormalizer, type BertNormalizerOptions } from "../../src/tokenize/normalizers/bert-normalizer.js";
import { bertTemplate, robertaTemplate } from "../../src/tokenize/post-processors/template.js";
import { BertPreTokenizer } from "../../src/tokenize/pre-tokenizers/bert-pre-tokenizer.js";
import { ByteLevelPreTokenizer } from "../../src/tokenize/pre-tokenizers/byte-level.js";

const words = (pieces: NormalizedString[]): string[] => pieces.map((piece) => piece.text());
const normalize = (text: string, options: Partial<BertNormalizerOptions> = {}): string =>
  new BertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: null, lowercase: true, ...options }).normalize(NormalizedString.fromText(text)).text();

describe("byte alphabet", () => {
  it("maps the 256 bytes to 256 distinct printable characters", () => {
    assert.equal(new Set(BYTE_TO_CHAR).size, 256);
    assert.equal(BYTE_TO_CHAR[0x20], "Ġ");
    assert.equal(BYTE_TO_CHAR[0x0a], "Ċ");
    assert.equal(BYTE_TO_CHAR[0x21], "!");
    assert.equal(BYTE_TO_CHAR[0xa0], "ł");
    for (let b = 0; b < 256; b++) assert.equal(CHAR_TO_BYTE.get(BYTE_TO_CHAR[b]), b);
  });

  it("utf8Bytes agrees with TextEncoder, lone surrogates included", () => {
    const encoder = new TextEncoder();
    for (const ch of ["a", "é", "€", "北", "🤗", "\ud800"]) {
      assert.deepEqual(utf8Bytes(ch.codePointAt(0) ?? 0), [...encoder.encode(ch)], JSON.stringify(ch));
    }
  });
});

describe("NormalizedString", () => {
  it("keeps each output code point's span in the original text", () => {
    const s = NormalizedString.fromText("aé🤗b").map((ch) => (ch === "é" ? "e\u0301" : ch === "b" ? "" : ch));
    assert.deepEqual(s.chars, ["a", "e", "\u0301", "🤗"]);
    assert.deepEqual(s.starts, [0, 1, 1, 2]);
    assert.deepEqual(s.ends, [1, 2, 2, 4]);
    assert.deepEqual(s.prepend(" ").starts, [0, 0, 1, 1, 2]);
  });
});

describe("BertNormalizer", () => {
  it("cleans text: drops U+0000, U+FFFD and C* characters, turns whitespace into spaces", () => {
    assert.equal(normalize("a\u0000b\uFFFDc\u200Bd\u0007e\tf\ng\u00A0h\u3000i\u0085j"), "abcde f g h ij");
  });

  it("puts spaces around CJK ideographs, supplementary planes included, not around kana or Hangul", () => {
    assert.equal(normalize("北京"), " 北  京 ");
    assert.equal(normalize("x\u{20000}y"), "x \u{20000} y");
    assert.equal(normalize("\u{2B820}"), " \u{2B820} ");
    assert.equal(normalize("かな"), "かな");
    assert.equal(normalize("北", { handleChineseChars: false }), "北");
  });

  it("strips accents (NFD, drop Mn) when lowercasing unless told otherwise", () => {
    assert.equal(normalize("Héllo Ça"), "hello ca");
    assert.equal(normalize("Héllo", { stripAccents: false }), "héllo");
    assert.equal(normalize("Héllo", { lowercase: false }), "Héllo");
    assert.equal(normalize("Héllo", { lowercase: false, stripAccents: true }), "Hello");
    // NFD also splits Hangul syllables into jamo, as Hugging Face's normalizer does.
    assert.equal(normalize("한"), "\u1112\u1161\u11AB");
  });

  it("lowercases one code point at a time (Rust's char::to_lowercase): a final Σ becomes σ, not ς", () => {
    assert.equal(normalize("ΟΔΟΣ"), "οδοσ");
    assert.equal(normalize("İ"), "i");
  });
});

describe("pre-tokenizers", () => {
  it("BertPreTokenizer splits on whitespace and isolates each punctuation character", () => {
    assert.deepEqual(words(new BertPreTokenizer().split(NormalizedString.fromText("  don't stop... $5 ^_^ «ok»"))),
      ["don", "'", "t", "stop", ".", ".", ".", "$", "5", "^", "_", "^", "«", "ok", "»"]);
  });

  it("ByteLevel cuts with GPT-2's pattern and spells bytes", () => {
    const split = (text: string, addPrefixSpace = false): string[] =>
      words(new ByteLevelPreTokenizer({ addPrefixSpace, useRegex: true }).split(NormalizedString.fromText(text)));
    assert.deepEqual(split("Hello  world's 123!! x"), ["Hello", "Ġ", "Ġworld", "'s", "Ġ123", "!!", "Ġx"]);
    assert.deepEqual(split("Hello", true), ["ĠHello"]);
    assert.deepEqual(split(" Hello", true), ["ĠHello"]);
    assert.deepEqual(split("é\n"), ["Ã©", "Ċ"]);
    // \s is Unicode White_Space (Oniguruma): U+0085 is whitespace, U+FEFF is not.
    assert.deepEqual(split("a \u0085b"), ["a", "Ġ", "Âħ", "b"]);
    assert.deepEqual(split("a \uFEFFb"), ["a", "Ġï»¿", "b"]);
  });
});

describe("models", () => {
  const tiny = Vocab.fromTokens(["[UNK]", "un", "##aff", "##able", "##a", "u", "##n", "a", "b", "ab", "Ġ", "Ġa", "<unk>"]);

  it("WordPiece takes the longest piece from the left, and [UNK]s a word it cannot cover", () => {
    const model = new WordPiece(tiny, { unkToken: "[UNK]", continuingSubwordPrefix: "##", maxInputCharsPerWord: 8 });
    const pieces = (word: string): string[] => model.tokenize(NormalizedString.fromText(word)).map((p) => p.token);
    // Over maxInputCharsPerWord (8 here) is [UNK] even when the pieces exist.
    assert.deepEqual(pieces("unaaaaaa"), ["un", "##a", "##a", "##a", "##a", "##a", "##a"]);
    assert.deepEqual(pieces("unaaaaaaa"), ["[UNK]"]);
    assert.deepEqual(pieces("unaff"), ["un", "##aff"]);
    assert.deepEqual(pieces("una"), ["un", "##a"]);
    assert.deepEqual(pieces("unx"), ["[UNK]"]);
    assert.deepEqual(model.tokenize(NormalizedString.fromText("unaff")).map((p) => [p.from, p.to]), [[0, 2], [2, 5]]);
  });

  it("BPE merges the lowest rank first, leftmost on a tie", () => {
    const vocab = Vocab.fromTokens(["a", "b", "c", "ab", "bc", "abc", "aa", "<unk>"]);
    const bpe = (merges: Array<[string, string]>, options = {}): Bpe =>
      new Bpe(vocab, merges, { unkToken: null, fuseUnk: false, ignoreMerges: false, cacheCapacity: 10, ...options });
    const pieces = (model: Bpe, word: string): string[] => model.tokenize(NormalizedString.fromText(word)).map((p) => p.token);
    assert.deepEqual(pieces(bpe([["b", "c"], ["a", "b"]]), "abc"), ["a", "bc"]);
    assert.deepEqual(pieces(bpe([["a", "b"], ["b", "c"]]), "abc"), ["ab", "c"]);
    assert.deepEqual(pieces(bpe([["a", "b"], ["ab", "c"]]), "abc"), ["abc"]);
    assert.deepEqual(pieces(bpe([["a", "a"]]), "aaa"), ["aa", "a"]);
    assert.deepEqual(pieces(bpe([]), "axb"), ["a", "b"]);
    assert.deepEqual(pieces(bpe([], { unkToken: "<unk>" }), "axxb"), ["a", "<unk>", "<unk>", "b"]);
    assert.deepEqual(pieces(bpe([], { unkToken: "<unk>", fuseUnk: true }), "axxb"), ["a", "<unk>", "b"]);
    assert.deepEqual(pieces(bpe([], { ignoreMerges: true }), "abc"), ["abc"]);
    const cached = bpe([["a", "b"]]);
    assert.equal(cached.tokenize(NormalizedString.fromText("ab")), cached.tokenize(NormalizedString.fromText("ab")));
  });
});

describe("added tokens", () => {
  const token = (content: string, id: number, extra: Partial<AddedToken> = {}): AddedToken => ({
    id, content, special: true, lstrip: false, rstrip: false, singleWord: false, normalized: false, ...extra,
  });
  const split = (matcher: AddedTokenMatcher, text: string): Array<string | [string]> =>
    matcher.split(NormalizedString.fromText(text)).map((s) => (s.token === null ? s.text.text() : [s.text.text()]));

  it("match leftmost, longest first, with the whitespace lstrip and rstrip take", () => {
    const matcher = new AddedTokenMatcher([token("<m>", 1), token("<mask>", 2, { lstrip: true }), token("[X]", 3, { rstrip: true })]);
    assert.deepEqual(split(matcher, "a  <mask> b<m>c [X]  d"), ["a", ["  <mask>"], " b", ["<m>"], "c ", ["[X]  "], "d"]);
  });

  it("single_word tokens match only between non-word characters", () => {
    const matcher = new AddedTokenMatcher([token("ok", 1, { singleWord: true })]);
    assert.deepEqual(split(matcher, "ok book ok."), [["ok"], " book ", ["ok"], "."]);
  });
});

describe("templates and decoders", () => {
  it("count the special tokens they add", () => {
    assert.equal(bertTemplate(["[CLS]", 101], ["[SEP]", 102]).addedTokens(false), 2);
    assert.equal(bertTemplate(["[CLS]", 101], ["[SEP]", 102]).addedTokens(true), 3);
    assert.equal(robertaTemplate(["<s>", 0], ["</s>", 2]).addedTokens(true), 4);
  });

  it("WordPiece joins ## pieces; clean-up removes spaces before punctuation and contractions", () => {
    assert.equal(new WordPieceDecoder("##", false).decode(["un", "##aff", "##able", ",", "ok"]), "unaffable , ok");
    assert.equal(new WordPieceDecoder("##", true).decode(["un", "##aff", "##able", ",", "ok"]), "unaffable, ok");
    assert.equal(cleanUpTokenizationSpaces("it ' s here . is n't they 're we 've i 'm , ok ?"), "it's here. isn't they're we've i'm, ok?");
  });

  it("ByteLevel decodes bytes as UTF-8, a cut character as U+FFFD", () => {
    const decoder = new ByteLevelDecoder();
    assert.equal(decoder.decode(["Hello", "Ġw", "orld", "Ċ", "Ã©"]), "Hello world\né");
    assert.equal(decoder.decode(["åĮ"]), "\uFFFD");
  });
});
