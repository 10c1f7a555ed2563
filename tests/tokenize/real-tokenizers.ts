// The four real tokenizers the tests use (shared data), loaded once per test process.
import { fromBpeFiles, fromTokenizerJson, fromVocabFile, type Tokenizer } from "../../src/tokenize/index.js";
import { needsData, VOCAB } from "./data-files.js";

export const MODELS_MISSING = needsData(VOCAB.bertUncased, VOCAB.bertCased, VOCAB.bertTinyJson, VOCAB.bertTinyConfig, VOCAB.robertaVocab, VOCAB.robertaMerges);

export interface Models {
  bertUncased: Tokenizer;
  bertCased: Tokenizer;
  bertTiny: Tokenizer;
  roberta: Tokenizer;
}

let cached: Models | null = null;

export function models(): Models {
  cached ??= {
    bertUncased: fromVocabFile(VOCAB.bertUncased, { lowercase: true }),
    bertCased: fromVocabFile(VOCAB.bertCased, { lowercase: false }),
    bertTiny: fromTokenizerJson(VOCAB.bertTinyJson, { tokenizerConfig: VOCAB.bertTinyConfig }),
    roberta: fromBpeFiles(VOCAB.robertaVocab, VOCAB.robertaMerges),
  };
  return cached;
}
