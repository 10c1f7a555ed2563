// The real files the tokenizer tests read, from the repository's data/ (see data/README.md). Compiled tests
// run from dist/tests/tokenize/, three levels below the repository root.
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DATA } from "../helpers/data.js";

export { DATA };
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const FIXTURES = resolve(REPO_ROOT, "tests/fixtures/tokenize");

export function dataPath(...parts: string[]): string {
  return resolve(DATA, ...parts);
}

export const VOCAB = {
  bertUncased: dataPath("vocab/bert-base-uncased/vocab.txt"),
  bertCased: dataPath("vocab/bert-base-cased/vocab.txt"),
  bertTinyDir: dataPath("vocab/bert-tiny-hf"),
  bertTinyJson: dataPath("vocab/bert-tiny-hf/tokenizer.json"),
  bertTinyConfig: dataPath("vocab/bert-tiny-hf/tokenizer_config.json"),
  robertaVocab: dataPath("vocab/roberta/vocab.json"),
  robertaMerges: dataPath("vocab/roberta/merges.txt"),
};

/** For `it(name, { skip: needsData(...) }, fn)`: the files ship in data/, so a missing one is a broken
 *  checkout, which fails here rather than skipping. */
export function needsData(...paths: string[]): false {
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length) throw new Error(`data missing: ${missing.join(", ")} (data/README.md lists what the repository ships)`);
  return false;
}
