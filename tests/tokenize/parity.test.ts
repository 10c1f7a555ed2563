// Parity with tokenizers.js (@huggingface/tokenizers 0.2.0) on real text: identical ids for every
// sentence and pair, identical decoded strings, for bert-base-uncased and bert-base-cased (vocab.txt),
// bert-tiny (tokenizer.json) and RoBERTa (vocab.json + merges.txt). Where tokenizers.js departs from
// Hugging Face's Rust tokenizers, hf-semantics.test.ts pins the Hugging Face behaviour instead.
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { fromBpeFiles, type Tokenizer } from "../../src/tokenize/index.js";
import { conllSentences, CORPUS_FILES, mrpcPairs, sst2Sentences, wikipediaLines, wikitextLines } from "./corpus.js";
import { models, MODELS_MISSING } from "./real-tokenizers.js";
import { bertOracle, jsonOracle, robertaOracle, type OracleTokenizer } from "./oracle.js";
import { needsData, VOCAB } from "./data-files.js";

const SKIP = MODELS_MISSING || needsData(...Object.values(CORPUS_FILES));

interface Mismatch {
  input: string;
  got: string;
  want: string;
}

function sameIds(got: ArrayLike<number>, want: readonly number[]): boolean {
  if (got.length !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) return false;
  return true;
}

function report(what: string, compared: number, mismatches: Mismatch[]): string {
  const first = mismatches.slice(0, 3).map((m) => `\n  ${JSON.stringify(m.input.slice(0, 100))}\n    got  ${m.got}\n    want ${m.want}`);
  return `${what}: ${mismatches.length} of ${compared} differ${first.join("")}`;
}

function checkParity(t: TestContext, ours: Tokenizer, oracle: OracleTokenizer): void {
  const singles = [...sst2Sentences(), ...wikipediaLines(), ...wikitextLines()];
  const pairs = mrpcPairs();
  const idMismatches: Mismatch[] = [];
  const decodeMismatches: Mismatch[] = [];
  const compare = (text: string, pair: string | null): void => {
    const got = ours.encode(text, pair);
    const want = oracle.encode(text, { text_pair: pair });
    const input = pair === null ? text : `${text} ||| ${pair}`;
    if (!sameIds(got.ids, want.ids)) idMismatches.push({ input, got: got.tokens.join(" "), want: want.tokens.join(" ") });
    for (const skip of [false, true]) {
      const gotText = ours.decode(got.ids, { skipSpecialTokens: skip });
      const wantText = oracle.decode([...got.ids], { skip_special_tokens: skip });
      if (gotText !== wantText) decodeMismatches.push({ input, got: gotText, want: wantText });
    }
  };
  for (const text of singles) compare(text, null);
  for (const [a, b] of pairs) compare(a, b);
  const compared = singles.length + pairs.length;
  t.diagnostic(`compared ${singles.length} sentences and ${pairs.length} pairs: ${idMismatches.length} id mismatches, ${decodeMismatches.length} decode mismatches`);
  // on data/ (counted in Python): 872 SST-2 dev + 71 non-ASCII Wikipedia paragraphs + 168 non-ASCII WikiText-2 lines, 408 MRPC pairs = 1,519
  assert.ok(compared >= 1500, `expected at least 1,500 inputs, got ${compared}`);
  assert.equal(idMismatches.length, 0, report("ids", compared, idMismatches));
  assert.equal(decodeMismatches.length, 0, report("decoded text", compared * 2, decodeMismatches));
}

/** encodePretokenized(words) must equal tokenizers.js run on each word alone, concatenated. */
function checkPretokenizedParity(t: TestContext, ours: Tokenizer, oracle: OracleTokenizer): void {
  const sentences = conllSentences(1000);
  const mismatches: Mismatch[] = [];
  for (const words of sentences) {
    const got = ours.encodePretokenized(words, null, { addSpecialTokens: false });
    const want = words.flatMap((word) => oracle.encode(word, { add_special_tokens: false }).ids);
    if (!sameIds(got.ids, want)) mismatches.push({ input: words.join(" "), got: got.tokens.join(" "), want: want.join(" ") });
  }
  t.diagnostic(`compared ${sentences.length} CoNLL sentences: ${mismatches.length} mismatches`);
  assert.equal(mismatches.length, 0, report("pretokenized ids", sentences.length, mismatches));
}

describe("parity with tokenizers.js on real text", { skip: SKIP }, () => {
  it("bert-base-uncased from vocab.txt: identical ids and decoded text", (t) => {
    checkParity(t, models().bertUncased, bertOracle(VOCAB.bertUncased, true));
  });

  it("bert-base-cased from vocab.txt: identical ids and decoded text", (t) => {
    checkParity(t, models().bertCased, bertOracle(VOCAB.bertCased, false));
  });

  it("bert-tiny from tokenizer.json + tokenizer_config.json: identical ids and decoded text", (t) => {
    checkParity(t, models().bertTiny, jsonOracle(VOCAB.bertTinyJson, VOCAB.bertTinyConfig));
  });

  it("RoBERTa from vocab.json + merges.txt: identical ids and decoded text", (t) => {
    checkParity(t, models().roberta, robertaOracle(VOCAB.robertaVocab, VOCAB.robertaMerges));
  });

  it("bert-base-cased encodePretokenized on CoNLL-2003 equals the words encoded one by one", (t) => {
    checkPretokenizedParity(t, models().bertCased, bertOracle(VOCAB.bertCased, false));
  });

  it("RoBERTa (addPrefixSpace) encodePretokenized on CoNLL-2003 equals the words encoded one by one", (t) => {
    const ours = fromBpeFiles(VOCAB.robertaVocab, VOCAB.robertaMerges, { addPrefixSpace: true });
    checkPretokenizedParity(t, ours, robertaOracle(VOCAB.robertaVocab, VOCAB.robertaMerges, true));
  });
});
