import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { iob1ToIob2, iob2Violation, parseIobTag } from "../../src/data/index.js";

describe("IOB schemes", () => {
  it("parses O, B-X and I-X and nothing else", () => {
    assert.deepEqual(parseIobTag("B-PER"), { prefix: "B", type: "PER" });
    assert.deepEqual(parseIobTag("I-MISC"), { prefix: "I", type: "MISC" });
    assert.deepEqual(parseIobTag("O"), { prefix: "O", type: "" });
    assert.equal(parseIobTag("S-PER"), null);
    assert.equal(parseIobTag("B-"), null);
    assert.equal(parseIobTag("PER"), null);
  });

  it("IOB1 -> IOB2: an I-X that starts an entity becomes B-X; B-X between same-type entities stays", () => {
    assert.deepEqual(iob1ToIob2(["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-LOC", "I-ORG"]), ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC", "B-ORG"]);
    assert.deepEqual(iob1ToIob2([]), []);
  });

  it("IOB2 input is left unchanged", () => {
    const iob2 = ["B-ORG", "I-ORG", "O", "B-PER", "B-PER", "I-PER"];
    assert.deepEqual(iob1ToIob2(iob2), iob2);
    assert.equal(iob2Violation(iob2), -1);
  });

  it("iob2Violation points at the first I-X that does not continue B-X / I-X, or at a foreign tag", () => {
    assert.equal(iob2Violation(["O", "I-PER"]), 1);
    assert.equal(iob2Violation(["I-PER"]), 0);
    assert.equal(iob2Violation(["B-PER", "I-LOC"]), 1);
    assert.equal(iob2Violation(["B-PER", "E-PER"]), 1);
  });
});
