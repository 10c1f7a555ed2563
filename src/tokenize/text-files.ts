// Reading the files a tokenizer is made of, with errors that name the file.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { ConfigError, FormatError } from "../errors.js";

/** "vocab.txt(/models/bert/vocab.txt)": how messages name a file. */
export function fileLabel(path: string): string {
  return `${basename(path)}(${path})`;
}

/** The file as UTF-8 text; a missing or unreadable file is a ConfigError naming it. */
export function readTextFile(path: string, component: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : String(error);
    throw new ConfigError(`${component}: expected a readable file at ${path}, got ${code}`);
  }
}

/** JSON.parse with the file named in the error. A leading byte-order mark is skipped. */
export function parseJsonText(text: string, label: string): unknown {
  try {
    return JSON.parse(text.startsWith("\uFEFF") ? text.slice(1) : text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FormatError(`${label}: expected JSON, got a parse error (${reason})`);
  }
}

export function readJsonFile(path: string, component: string): unknown {
  return parseJsonText(readTextFile(path, component), fileLabel(path));
}
