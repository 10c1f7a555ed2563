// A small tokenizer.json object built in the test (WordPiece over tests/fixtures/tokenize/tiny-vocab.txt),
// to check tokenizer.json reading without third-party files.

export function tinyWordPieceJson(): Record<string, unknown> {
  const tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "", "hello", "world", "##s", ","];
  const vocab = Object.fromEntries(tokens.map((token, id) => [token, id]));
  const special = (content: string): object => ({ id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map(special),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: { type: "BertProcessing", sep: ["[SEP]", 3], cls: ["[CLS]", 2] },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  };
}
