// Where the data tests find the real files (the repository's data/ slices), temp files for the error cases,
// and an error matcher that checks the class and that the message names the file and the line.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATA } from "../../helpers/data.js";

export { DATA };
export const GLUE_DIR = join(DATA, "glue");
export const CONLL_DIR = join(DATA, "conll2003");

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
