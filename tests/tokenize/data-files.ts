// Where the real data lives: <repoRoot>/../shared/data (see ../shared/data/README.md). Compiled tests run
// from dist/tests/tokenize/, three levels below the repository root.
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const SHARED_DATA = resolve(REPO_ROOT, "../shared/data");
export const FIXTURES = resolve(REPO_ROOT, "tests/fixtures/tokenize");

export function dataPath(...parts: string[]): string {
  return resolve(SHARED_DATA, ...parts);
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

/** For `it(name, { skip: needsData(...) }, fn)`: a reason naming what is missing, or false when all is there. */
export function needsData(...paths: string[]): string | false {
  const missing = paths.filter((path) => !existsSync(path));
  return missing.length === 0 ? false : `shared data missing: ${missing.join(", ")} (see ../shared/data/README.md)`;
}
