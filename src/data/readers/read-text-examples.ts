// One entry point for the generic sentence / sentence-pair formats: the options' `format` picks the reader.
import { ConfigError } from "../../errors.js";
import { readDelimited } from "./delimited.js";
import type { ReadResult, TextExample } from "./examples.js";
import { readJsonl } from "./jsonl.js";
import { TEXT_FORMATS, type TextReadOptions } from "./text-read-options.js";

export function readTextExamples(path: string, options: TextReadOptions): ReadResult<TextExample> {
  switch (options.format) {
    case "tsv":
    case "csv":
      return readDelimited(path, options);
    case "jsonl":
      return readJsonl(path, options);
    default: {
      // reachable from JavaScript callers and from config files, which the type system does not check
      const format: unknown = (options as { format: unknown }).format;
      throw new ConfigError(`readTextExamples(${path}): unknown format ${JSON.stringify(format)}; expected one of ${TEXT_FORMATS.join(", ")}`);
    }
  }
}
