import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError, FormatError } from "../../src/errors.js";
import { parseCsvRecords, readGlue, readTextExamples } from "../../src/data/index.js";
import { assertThrowsNaming, GLUE_DIR, makeTempDir } from "./helpers/data-files.js";

describe("readTextExamples: TSV on the GLUE slices (data/glue)", () => {
  it("reads SST-2 train by column name exactly as the GLUE reader does", () => {
    const path = join(GLUE_DIR, "SST-2", "train.tsv");
    const generic = readTextExamples(path, { format: "tsv", textColumn: "sentence", labelColumn: "label" });
    assert.equal(generic.examples.length, 10_000);
    assert.deepEqual(generic.examples, readGlue({ dataDir: GLUE_DIR, task: "SST-2", split: "train" }).examples);
  });

  it("reads MRPC dev by column index, the header's byte-order mark dropped", () => {
    const path = join(GLUE_DIR, "MRPC", "dev.tsv");
    const byIndex = readTextExamples(path, { format: "tsv", textColumn: 3, textPairColumn: 4, labelColumn: 0 });
    const byName = readTextExamples(path, { format: "tsv", textColumn: "#1 String", textPairColumn: "#2 String", labelColumn: "Quality" });
    assert.equal(byIndex.examples.length, 408);
    assert.deepEqual(byIndex.examples, byName.examples);
    assert.deepEqual(byIndex.examples, readGlue({ dataDir: GLUE_DIR, task: "MRPC", split: "dev" }).examples);
  });

  it("reads CoLA dev without a header: 1,043 rows from line 1", () => {
    const { examples } = readTextExamples(join(GLUE_DIR, "CoLA", "dev.tsv"), { format: "tsv", header: false, textColumn: 3, labelColumn: 1 });
    assert.equal(examples.length, 1_043);
    assert.deepEqual(examples[0], { textA: "The sailors rode the breeze clear of the rocks.", label: "1", line: 1 });
  });
});

describe("readTextExamples: TSV and CSV (temp files)", () => {
  const temp = makeTempDir("delimited");
  after(temp.cleanup);

  it("CSV: quoted fields hold commas, doubled quotes and line breaks; lines count physical lines", () => {
    const path = temp.write("reviews.csv",
      'text,label\r\n' +
      '"Good, really good",pos\r\n' +
      '"She said ""wow""",pos\r\n' +
      '"two\nlines",neg\r\n' +
      'plain 5" screen,neg\r\n' +
      '\r\n' +
      '"",neg\r\n');
    const { examples, skipped } = readTextExamples(path, { format: "csv", textColumn: "text", labelColumn: "label" });
    assert.deepEqual(skipped, []);
    assert.deepEqual(examples, [
      { textA: "Good, really good", label: "pos", line: 2 },
      { textA: 'She said "wow"', label: "pos", line: 3 },
      { textA: "two\nlines", label: "neg", line: 4 },
      { textA: 'plain 5" screen', label: "neg", line: 6 },
      { textA: "", label: "neg", line: 8 },
    ]);
  });

  it("CSV: text after a closing quote and an unterminated quote are malformed rows", () => {
    const path = temp.write("broken.csv", 'text,label\n"He said "hi" there",pos\nfine,neg\n"never closed,pos\nlast,neg\n');
    assertThrowsNaming(() => readTextExamples(path, { format: "csv", textColumn: "text", labelColumn: "label" }), FormatError, [
      `${path}:2: unexpected character "h" after the closing quote of field 1`,
    ]);
    const { examples, skipped } = readTextExamples(path, { format: "csv", textColumn: "text", labelColumn: "label", skipMalformed: true });
    assert.deepEqual(examples, [{ textA: "fine", label: "neg", line: 3 }]);
    assert.deepEqual(skipped, [
      { line: 2, reason: 'unexpected character "h" after the closing quote of field 1' },
      { line: 4, reason: "unterminated quoted field 1 (the file ends inside it)" },
    ]);
  });

  it("parseCsvRecords: trailing empty field, CRLF inside quotes kept, no final line break", () => {
    assert.deepEqual(parseCsvRecords('a,b,\r\n"x\r\ny",z'), [
      { line: 1, fields: ["a", "b", ""] },
      { line: 2, fields: ["x\r\ny", "z"] },
    ]);
  });

  it("TSV: quotes are ordinary characters, blank lines are skipped, pairs read from two columns", () => {
    const path = temp.write("pairs.tsv", 'premise\thypothesis\tlabel\n"Quoted\tnot quoted"\tyes\n\n  \nA\tB\tno\n');
    const { examples } = readTextExamples(path, { format: "tsv", textColumn: "premise", textPairColumn: "hypothesis", labelColumn: "label" });
    assert.deepEqual(examples, [
      { textA: '"Quoted', textB: 'not quoted"', label: "yes", line: 2 },
      { textA: "A", textB: "B", label: "no", line: 5 },
    ]);
  });

  it("a row with the wrong column count is a FormatError naming the file, the line and the header", () => {
    const path = temp.write("extra.tsv", "sentence\tlabel\nok\t1\ntoo\tmany\t1\n");
    assert.throws(() => readTextExamples(path, { format: "tsv", textColumn: "sentence", labelColumn: "label" }), (error: unknown) => {
      assert.ok(error instanceof FormatError);
      assert.equal(error.message, `${path}:3: expected 2 tab-separated columns (sentence, label), got 3`);
      return true;
    });
    const noHeader = temp.write("short.csv", "a,1\nb\n");
    assertThrowsNaming(() => readTextExamples(noHeader, { format: "csv", header: false, textColumn: 0, labelColumn: 1 }), FormatError, [
      `${noHeader}:2: expected 2 comma-separated columns (as on line 1), got 1`,
    ]);
  });

  it("skipMalformed returns the good rows and one entry per skipped row", () => {
    const path = temp.write("mixed.tsv", "text\tscore\na\t0.5\nb\n\nc\tnot-a-number\nd\t-1e-2\n");
    const result = readTextExamples(path, { format: "tsv", textColumn: "text", labelColumn: "score", labelKind: "float", skipMalformed: true });
    assert.deepEqual(result.examples, [{ textA: "a", label: 0.5, line: 2 }, { textA: "d", label: -0.01, line: 6 }]);
    assert.deepEqual(result.skipped, [
      { line: 3, reason: "expected 2 tab-separated columns (text, score), got 1" },
      { line: 5, reason: 'label column "score": expected a number label, got "not-a-number"' },
    ]);
    assert.equal(result.file, path);
  });

  it("multilabel fields split on labelSeparator (default a comma); an empty field has no labels", () => {
    const path = temp.write("types.tsv", "sent\ttypes\nParis\tplace, location\nit\t\n");
    assert.deepEqual(readTextExamples(path, { format: "tsv", textColumn: "sent", labelColumn: "types", labelKind: "multilabel" }).examples, [
      { textA: "Paris", label: ["place", "location"], line: 2 },
      { textA: "it", label: [], line: 3 },
    ]);
    const spaced = temp.write("types-spaced.csv", "sent,types\nParis,place location\n");
    assert.deepEqual(readTextExamples(spaced, { format: "csv", textColumn: 0, labelColumn: 1, labelKind: "multilabel", labelSeparator: " " }).examples, [
      { textA: "Paris", label: ["place", "location"], line: 2 },
    ]);
  });

  it("without a labelColumn every example is unlabelled (label null); an empty class label is malformed", () => {
    const path = temp.write("unlabelled.tsv", "index\tsentence\tlabel\n0\tfirst\t\n");
    assert.deepEqual(readTextExamples(path, { format: "tsv", textColumn: "sentence" }).examples, [{ textA: "first", label: null, line: 2 }]);
    assertThrowsNaming(() => readTextExamples(path, { format: "tsv", textColumn: "sentence", labelColumn: "label" }), FormatError, [
      `${path}:2: label column "label": expected a class label, got an empty field`,
    ]);
  });

  it("bad options are ConfigErrors; a column missing from the header is a FormatError naming the header line", () => {
    const path = temp.write("options.tsv", "sentence\tlabel\nok\t1\n");
    assertThrowsNaming(() => readTextExamples(path, { format: "tsv", header: false, textColumn: "sentence" }), ConfigError, ['column "sentence" is a name, but header is false']);
    assertThrowsNaming(() => readTextExamples(path, { format: "tsv", textColumn: 5 }), ConfigError, ["column #5 is out of range; the header has 2 columns"]);
    assertThrowsNaming(() => readTextExamples(path, { format: "tsv", textColumn: -1 }), ConfigError, ["expected textColumn to be a column name or a 0-based index, got -1"]);
    assertThrowsNaming(() => readTextExamples(path, { format: "tsv", textColumn: "sentence", labelKind: "ordinal" as "class" }), ConfigError, ['unknown labelKind "ordinal"']);
    assertThrowsNaming(() => readTextExamples(path, { format: "xlsx" as "tsv", textColumn: 0 }), ConfigError, ['unknown format "xlsx"; expected one of tsv, csv, jsonl']);
    assertThrowsNaming(() => readTextExamples(path, { format: "tsv", textColumn: "text" }), FormatError, [`${path}:1: expected a column named "text" in the header, got "sentence", "label"`]);
  });

  it("a missing file is a ConfigError naming the path", () => {
    const path = join(temp.dir, "absent.csv");
    assertThrowsNaming(() => readTextExamples(path, { format: "csv", textColumn: 0 }), ConfigError, [path, "ENOENT"]);
  });
});
