// tokenizers.js (@huggingface/tokenizers), the independent oracle. It reads only tokenizer.json objects,
// so for vocab.txt and vocab.json + merges.txt the tests build the tokenizer.json that Hugging Face's
// BertTokenizerFast / RobertaTokenizerFast would save for those files.
import { readFileSync } from "node:fs";
import * as tokenizersJs from "@huggingface/tokenizers";
import { parseMergesTxt, parseVocabTxt } from "../../src/tokenize/index.js";

export interface OracleEncoding {
  ids: number[];
  tokens: string[];
}

export interface OracleTokenizer {
  encode(text: string, options?: { text_pair?: string | null; add_special_tokens?: boolean }): OracleEncoding;
  decode(ids: number[], options?: { skip_special_tokens?: boolean }): string;
}

// The package's .d.ts files use extensionless relative imports that NodeNext cannot follow, so the class
// is typed here by the part of its API the tests use.
type OracleConstructor = new (tokenizerJson: object, tokenizerConfig: object) => OracleTokenizer;
const OracleClass = (tokenizersJs as unknown as { Tokenizer: OracleConstructor }).Tokenizer;

function addedSpecial(id: number | undefined, content: string, lstrip = false): object {
  if (id === undefined) throw new Error(`oracle: ${content} missing from the vocabulary`);
  return { id, content, single_word: false, lstrip, rstrip: false, normalized: false, special: true };
}

/** BertTokenizerFast's tokenizer.json for a vocab.txt. */
export function bertOracle(vocabPath: string, lowercase: boolean): OracleTokenizer {
  const vocab: Record<string, number> = {};
  parseVocabTxt(readFileSync(vocabPath, "utf8")).forEach((token, id) => {
    vocab[token] = id;
  });
  const cls = vocab["[CLS]"];
  const sep = vocab["[SEP]"];
  const json = {
    added_tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map((t) => addedSpecial(vocab[t], t)),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } }, { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: { "[CLS]": { id: "[CLS]", ids: [cls], tokens: ["[CLS]"] }, "[SEP]": { id: "[SEP]", ids: [sep], tokens: ["[SEP]"] } },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  };
  return new OracleClass(json, { clean_up_tokenization_spaces: true });
}

/** RobertaTokenizerFast's tokenizer.json for vocab.json + merges.txt. */
export function robertaOracle(vocabPath: string, mergesPath: string, addPrefixSpace = false): OracleTokenizer {
  const vocab = JSON.parse(readFileSync(vocabPath, "utf8")) as Record<string, number>;
  const merges = parseMergesTxt(readFileSync(mergesPath, "utf8"), "merges.txt").map(([a, b]) => `${a} ${b}`);
  const json = {
    added_tokens: [addedSpecial(vocab["<s>"], "<s>"), addedSpecial(vocab["<pad>"], "<pad>"), addedSpecial(vocab["</s>"], "</s>"),
      addedSpecial(vocab["<unk>"], "<unk>"), addedSpecial(vocab["<mask>"], "<mask>", true)],
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: addPrefixSpace, trim_offsets: true, use_regex: true },
    post_processor: { type: "RobertaProcessing", sep: ["</s>", vocab["</s>"]], cls: ["<s>", vocab["<s>"]], trim_offsets: true, add_prefix_space: addPrefixSpace },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: "", end_of_word_suffix: "", fuse_unk: false, byte_fallback: false, vocab, merges },
  };
  return new OracleClass(json, { clean_up_tokenization_spaces: false });
}

/** tokenizers.js on a tokenizer.json file with its tokenizer_config.json. */
export function jsonOracle(tokenizerJsonPath: string, configPath: string): OracleTokenizer {
  const json = JSON.parse(readFileSync(tokenizerJsonPath, "utf8")) as object;
  const config = JSON.parse(readFileSync(configPath, "utf8")) as object;
  return new OracleClass(json, config);
}
