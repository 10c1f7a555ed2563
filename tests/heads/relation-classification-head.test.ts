// The downstream relation-classification head (TACRED-style): shapes and errors naming the head and shapes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Engine } from "../../src/autograd/index.js";
import { ShapeError } from "../../src/errors.js";
import { RelationClassificationHead } from "../../src/heads/index.js";
import { refBackend } from "../../src/kernels/index.js";
import { randomTensor, Rng } from "../helpers/engines.js";

const ctx = { training: false, rng: new Rng(0) };

describe("RelationClassificationHead", () => {
  const e = new Engine({ backend: refBackend });
  const rng = new Rng(2);
  const head = new RelationClassificationHead(e, { hiddenSize: 6, numRelations: 4 }, rng);
  const features = randomTensor(e, rng, [3, 5, 6]);

  it("classifies cat(first @, first #) into (B,C) logits with dense (2H -> H) and out_proj", () => {
    assert.deepEqual(head.namedParameters().map(([n, t]) => `${n} ${t.shape.join("x")}`),
      ["dense.weight 6x12", "dense.bias 6", "outProj.weight 4x6", "outProj.bias 4"]);
    const logits = head.forward(features, Int32Array.of(1, 2, 0), Int32Array.of(3, 4, 4), ctx);
    assert.deepEqual([...logits.shape], [3, 4]);
    assert.ok(Number.isFinite(head.loss(logits, Int32Array.of(0, 3, 1)).item()));
    e.release();
  });

  it("names the head and the shapes when inputs do not fit", () => {
    const error = (re: RegExp) => (err: unknown): boolean => err instanceof ShapeError && re.test(err.message);
    assert.throws(() => head.forward(randomTensor(e, rng, [3, 6]), Int32Array.of(1, 2, 0), Int32Array.of(3, 4, 4), ctx),
      error(/^RelationClassificationHead: expected features \(B,T,6\), got \[3,6\]$/));
    assert.throws(() => head.forward(features, Int32Array.of(1, 2), Int32Array.of(3, 4, 4), ctx), error(/expected 3 subject positions .*\[3,5,6\].*got 2$/));
    assert.throws(() => head.forward(features, Int32Array.of(1, -1, 0), Int32Array.of(3, 4, 4), ctx), error(/subject positions in \[0,5\) .*got -1 for batch item 1$/));
    const logits = head.forward(features, Int32Array.of(1, 2, 0), Int32Array.of(3, 4, 4), ctx);
    assert.throws(() => head.loss(logits, Int32Array.of(0)), error(/^RelationClassificationHead: expected one label per row of logits \[3,4\], got 1 labels$/));
    e.release();
  });
});
