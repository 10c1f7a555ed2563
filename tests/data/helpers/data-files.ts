// Where the data tests find the real shared files, temp files for the error cases, and an error matcher that
// checks the class and that the message names the file and the line.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// Compiled, this file is dist/tests/data/helpers/shared-data.js: the repo root is four levels up.
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const SHARED_DATA = resolve(REPO_ROOT, "../shared/data");
export const GLUE_DIR = join(SHARED_DATA, "glue");
export const CONLL_DIR = join(SHARED_DATA, "conll2003");

/** A fresh temp directory, a writer for files in it, and its cleanup. */
export function makeTempDir(tag: string): { dir: string; write: (name: string, text: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `adapterkit-data-${tag}-`));
  return {
    dir,
    write: (name, text) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

type ErrorClass = new (...args: never[]) => Error;

/** Asserts that `fn` throws an instance of `errorClass` whose message contains every one of `parts`. */
export function assertThrowsNaming(fn: () => unknown, errorClass: ErrorClass, parts: readonly string[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof errorClass, `expected ${errorClass.name}, got ${String(error)}`);
    for (const part of parts) assert.ok(error.message.includes(part), `message ${JSON.stringify(error.message)} lacks ${JSON.stringify(part)}`);
    return true;
  });
}
