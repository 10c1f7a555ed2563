import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError, FormatError } from "../../src/errors.js";
import { readTextExamples } from "../../src/data/index.js";
import { assertThrowsNaming, makeTempDir } from "./helpers/data-files.js";

describe("readTextExamples: JSONL (temp files)", () => {
  const temp = makeTempDir("jsonl");
  after(temp.cleanup);

  it("reads fields by key: class names, integer class ids (as strings), pairs; blank lines skipped", () => {
    const path = temp.write("nli.jsonl", [
      '{"premise": "A man sleeps.", "hypothesis": "A man rests.", "label": "entailment"}',
      "",
      '{"premise": "Café \\"au lait\\"", "hypothesis": "Coffee.", "label": 2, "extra": [1, 2]}',
    ].join("\n") + "\n");
    const { examples, skipped } = readTextExamples(path, { format: "jsonl", textColumn: "premise", textPairColumn: "hypothesis", labelColumn: "label" });
    assert.deepEqual(skipped, []);
    assert.deepEqual(examples, [
      { textA: "A man sleeps.", textB: "A man rests.", label: "entailment", line: 1 },
      { textA: 'Café "au lait"', textB: "Coffee.", label: "2", line: 3 },
    ]);
  });

  it("reads float and multi-label fields (a multi-label field is an array of strings)", () => {
    const scores = temp.write("scores.jsonl", '{"s": "a", "y": 3.8}\n{"s": "b", "y": 0}\n');
    assert.deepEqual(readTextExamples(scores, { format: "jsonl", textColumn: "s", labelColumn: "y", labelKind: "float" }).examples, [
      { textA: "a", label: 3.8, line: 1 },
      { textA: "b", label: 0, line: 2 },
    ]);
    const types = temp.write("types.jsonl", '{"sent": "Born in London", "labels": ["place", "location"]}\n{"sent": "They hope", "labels": []}\n');
    assert.deepEqual(readTextExamples(types, { format: "jsonl", textColumn: "sent", labelColumn: "labels", labelKind: "multilabel" }).examples, [
      { textA: "Born in London", label: ["place", "location"], line: 1 },
      { textA: "They hope", label: [], line: 2 },
    ]);
  });

  it("a line that is not JSON is a FormatError naming the file and line", () => {
    const path = temp.write("bad.jsonl", '{"text": "fine", "label": "a"}\n{"text": "broken", "label": \n');
    assertThrowsNaming(() => readTextExamples(path, { format: "jsonl", textColumn: "text", labelColumn: "label" }), FormatError, [
      `${path}:2: expected a JSON object, got a parse error`,
    ]);
  });

  it("a line that is not an object, or lacks a field of the right type, is malformed", () => {
    const path = temp.write("shapes.jsonl", [
      '["text", "label"]',
      '{"label": "a"}',
      '{"text": 7, "label": "a"}',
      '{"text": "ok", "label": 1.5}',
      '{"text": "ok", "label": "b"}',
    ].join("\n"));
    const options = { format: "jsonl", textColumn: "text", labelColumn: "label" } as const;
    assertThrowsNaming(() => readTextExamples(path, options), FormatError, [`${path}:1: expected a JSON object, got an array`]);
    const { examples, skipped } = readTextExamples(path, { ...options, skipMalformed: true });
    assert.deepEqual(examples, [{ textA: "ok", label: "b", line: 5 }]);
    assert.deepEqual(skipped, [
      { line: 1, reason: "expected a JSON object, got an array" },
      { line: 2, reason: 'expected field "text" to be a string, got no such field' },
      { line: 3, reason: 'expected field "text" to be a string, got a number' },
      { line: 4, reason: 'expected field "label" to be a class name or an integer class id, got a number' },
    ]);
  });

  it("a multi-label field that is not an array of strings is malformed", () => {
    const path = temp.write("multi.jsonl", '{"t": "x", "l": "place"}\n{"t": "y", "l": ["a", 1]}\n');
    const { skipped } = readTextExamples(path, { format: "jsonl", textColumn: "t", labelColumn: "l", labelKind: "multilabel", skipMalformed: true });
    assert.deepEqual(skipped, [
      { line: 1, reason: 'expected field "l" to be an array of strings, got a string' },
      { line: 2, reason: 'expected field "l" to be an array of strings, got an array holding a non-string' },
    ]);
  });

  it("JSONL columns are keys: an index or a header option is a ConfigError", () => {
    const path = temp.write("keys.jsonl", '{"text": "a"}\n');
    assertThrowsNaming(() => readTextExamples(path, { format: "jsonl", textColumn: 0 }), ConfigError, ["expected textColumn to be a field name, got the index #0"]);
    const withHeader = { format: "jsonl", textColumn: "text", header: true } as unknown as Parameters<typeof readTextExamples>[1];
    assertThrowsNaming(() => readTextExamples(path, withHeader), ConfigError, ["header applies to tsv and csv only"]);
  });

  it("a missing file is a ConfigError naming the path", () => {
    const path = join(temp.dir, "absent.jsonl");
    assertThrowsNaming(() => readTextExamples(path, { format: "jsonl", textColumn: "text" }), ConfigError, [path, "ENOENT"]);
  });
});
