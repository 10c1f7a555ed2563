// Tokenizers: BERT WordPiece and RoBERTa byte-level BPE, reading the files users already have
// (vocab.txt, vocab.json + merges.txt, tokenizer.json) and encoding exactly as Hugging Face does.

// the one interface, what it returns, and its options
export type { DecodeOptions, SpecialTokenIds, SpecialTokenNames, Tokenizer } from "./tokenizer.js";
export type { Encoding } from "./encoding.js";
export type { EncodeOptions, PaddingStrategy, TruncationStrategy } from "./encode-options.js";
export type { AddedToken } from "./added-tokens.js";

// loaders
export { fromVocabFile, parseVocabTxt, type VocabFileOptions } from "./load-vocab-txt.js";
export { fromBpeFiles, parseMergesTxt, type BpeFilesOptions } from "./load-bpe-files.js";
export { fromTokenizerJson, parseTokenizerJson, type TokenizerJsonOptions } from "./from-json.js";
export { loadTokenizer, type LoadTokenizerOptions } from "./auto-load.js";

// word-level labels for tagging tasks
export { firstSubtokenMask, labelsToTokens } from "./word-labels.js";
