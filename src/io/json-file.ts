// A small JSON file (a config beside the weights), with errors that name the file.
import { readFile } from "node:fs/promises";
import { FormatError } from "../errors.js";

export async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new FormatError(`${path}: expected a readable file, got ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FormatError(`${path}: expected JSON, got ${(err as Error).message}`);
  }
}
