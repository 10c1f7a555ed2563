// Real sentences for the parity tests, chosen deterministically from the shared data: all of SST-2 dev,
// all MRPC dev pairs, the first 1,000 Wikipedia paragraphs with non-ASCII characters plus every one with
// CJK ideographs (part 1), the first 300 non-ASCII lines of WikiText-2 test, and CoNLL-2003 valid sentences.
import { readFileSync } from "node:fs";
import { dataPath } from "./data-files.js";

export const CORPUS_FILES = {
  sst2: dataPath("glue/SST-2/dev.tsv"),
  mrpc: dataPath("glue/MRPC/dev.tsv"),
  wikipedia: dataPath("text/wikipedia-en/enwiki-wikiextractor.part01.txt"),
  wikitext: dataPath("text/wikitext2-test/wiki.test.raw"),
  conll: dataPath("conll2003/valid.txt"),
};

const NON_ASCII = /[^\x00-\x7f]/;
const CJK = /[\u3400-\u4dbf\u4e00-\u9fff]/;

/** SST-2 dev sentences (header row skipped). */
export function sst2Sentences(): string[] {
  return readFileSync(CORPUS_FILES.sst2, "utf8").split("\n").slice(1).filter((line) => line !== "").map((line) => line.split("\t")[0]);
}

/** MRPC dev (#1 String, #2 String) pairs. */
export function mrpcPairs(): Array<[string, string]> {
  return readFileSync(CORPUS_FILES.mrpc, "utf8").split("\n").slice(1).filter((line) => line !== "").map((line) => {
    const cols = line.split("\t");
    return [cols[3], cols[4]];
  });
}

export function wikipediaLines(): string[] {
  const lines = readFileSync(CORPUS_FILES.wikipedia, "utf8").split("\n").filter((line) => line.trim() !== "");
  const nonAscii = lines.filter((line) => NON_ASCII.test(line)).slice(0, 1000);
  const cjk = lines.filter((line) => CJK.test(line) && !nonAscii.includes(line));
  return [...nonAscii, ...cjk];
}

export function wikitextLines(): string[] {
  return readFileSync(CORPUS_FILES.wikitext, "utf8").split(/\r?\n/).filter((line) => NON_ASCII.test(line)).slice(0, 300);
}

/** CoNLL-2003 sentences as word lists (first column; -DOCSTART- lines dropped). */
export function conllSentences(limit: number): string[][] {
  const sentences: string[][] = [];
  let words: string[] = [];
  for (const line of readFileSync(CORPUS_FILES.conll, "utf8").split("\n")) {
    if (line.trim() === "") {
      if (words.length > 0) sentences.push(words);
      words = [];
      if (sentences.length >= limit) break;
      continue;
    }
    const word = line.split(" ")[0];
    if (word !== "-DOCSTART-") words.push(word);
  }
  if (words.length > 0 && sentences.length < limit) sentences.push(words);
  return sentences;
}
