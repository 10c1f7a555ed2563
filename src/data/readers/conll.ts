// Tagged sentences from a CoNLL-2003 style file: one token per line ("EU NNP B-NP B-ORG": word, POS, chunk,
// NER), a blank line between sentences, "-DOCSTART-" lines between documents (skipped). The word is column 0;
// the tag column is selectable and defaults to the last. Tags are returned as written: the shared CoNLL-2003
// copy is IOB2 already, so IOB1 -> IOB2 conversion is an option, off by default.
import { ConfigError } from "../../errors.js";
import type { ReadResult, TaggedExample } from "./examples.js";
import { iob1ToIob2, parseIobTag } from "./iob.js";
import { MalformedRows } from "./malformed-rows.js";
import { readSourceText, splitLines } from "./source-text.js";

export interface ConllReadOptions {
  /** 0-based column holding the tag (1 = POS, 2 = chunk, 3 = NER in CoNLL-2003); default the last column. */
  tagColumn?: number;
  /** Columns on every token line; default as many as the file's first token line has. */
  columns?: number;
  /** Rewrite IOB1 tags as IOB2 (then a tag other than O, B-X or I-X is an error); default false. */
  iob1ToIob2?: boolean;
  /**
   * Drop a sentence holding a malformed line and list that line in `skipped` instead of throwing;
   * default false. The whole sentence goes: its words and tags no longer line up once a line is bad.
   */
  skipMalformed?: boolean;
}

const DOCUMENT_START = "-DOCSTART-";

/** Sentences in file order; tags are null for a file with one column (words only). */
export function readConll(path: string, options: ConllReadOptions = {}): ReadResult<TaggedExample> {
  const component = `conll(${path})`;
  if (options.columns !== undefined && !(Number.isSafeInteger(options.columns) && options.columns >= 1)) {
    throw new ConfigError(`${component}: expected columns to be a positive integer, got ${JSON.stringify(options.columns)}`);
  }
  if (options.tagColumn !== undefined && !(Number.isSafeInteger(options.tagColumn) && options.tagColumn >= 1)) {
    throw new ConfigError(`${component}: expected tagColumn to be an integer >= 1 (column 0 is the word), got ${JSON.stringify(options.tagColumn)}`);
  }
  const convert = options.iob1ToIob2 ?? false;
  const malformed = new MalformedRows(path, options.skipMalformed ?? false);

  let width = options.columns;
  let widthSource = "as the columns option says";
  let tagIndex: number | null = null;
  const examples: TaggedExample[] = [];
  let words: string[] = [];
  let tags: string[] = [];
  let sentenceLine = 0;
  let sentenceBroken = false;

  const endSentence = (): void => {
    if (words.length > 0 && !sentenceBroken) {
      const sentenceTags = tagIndex === null ? null : convert ? iob1ToIob2(tags) : tags;
      examples.push({ words, tags: sentenceTags, line: sentenceLine });
    }
    words = [];
    tags = [];
    sentenceBroken = false;
  };

  splitLines(readSourceText(path, component)).forEach((text, index) => {
    const line = index + 1;
    const trimmed = text.trim();
    if (trimmed === "") return endSentence();
    const fields = trimmed.split(/[ \t]+/);
    if (fields[0] === DOCUMENT_START) return endSentence();
    if (width === undefined) {
      width = fields.length;
      widthSource = `as on line ${line}`;
    }
    if (tagIndex === null && width > 1) tagIndex = resolveTagColumn(options.tagColumn, width, component);
    if (tagIndex === null && options.tagColumn !== undefined) {
      throw new ConfigError(`${component}: tagColumn ${options.tagColumn} is out of range; token lines have 1 column (the word)`);
    }
    if (words.length === 0) sentenceLine = line;
    if (fields.length !== width) {
      sentenceBroken = true;
      return malformed.report(line, `expected ${width} space-separated columns (${widthSource}), got ${fields.length}`);
    }
    if (tagIndex !== null) {
      const tag = fields[tagIndex];
      if (convert && parseIobTag(tag) === null) {
        sentenceBroken = true;
        return malformed.report(line, `expected an IOB tag (O, B-X or I-X) in column ${tagIndex}, got ${JSON.stringify(tag)}`);
      }
      tags.push(tag);
    }
    words.push(fields[0]);
  });
  endSentence();
  return { file: path, examples, skipped: malformed.skipped };
}

function resolveTagColumn(tagColumn: number | undefined, width: number, component: string): number {
  if (tagColumn === undefined) return width - 1;
  if (tagColumn >= width) {
    throw new ConfigError(`${component}: tagColumn ${tagColumn} is out of range; token lines have ${width} columns (0-based, 0 is the word)`);
  }
  return tagColumn;
}
