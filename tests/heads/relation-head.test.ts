// The factual adapter's pretraining head: shapes, the tokens it reads, and errors naming the head and shapes.
// Parity with PyTorch is in tests/parity/kadapter.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Engine } from "../../src/autograd/index.js";
import { ShapeError } from "../../src/errors.js";
import { RelationHead } from "../../src/heads/index.js";
import { refBackend } from "../../src/kernels/index.js";
import { randomTensor, Rng } from "../helpers/engines.js";

const ctx = { training: false, rng: new Rng(0) };

describe("RelationHead", () => {
  const e = new Engine({ backend: refBackend });
  const rng = new Rng(1);
  const head = new RelationHead(e, { hiddenSize: 6, numRelations: 5 }, rng);
  const plm = randomTensor(e, rng, [2, 4, 6]);
  const adapter = randomTensor(e, rng, [2, 4, 6]);

  it("has the reference's layers and gives (B,R) logits read from the subject and object tokens only", () => {
    assert.deepEqual(head.namedParameters().map(([n, t]) => `${n} ${t.shape.join("x")}`),
      ["comDense.weight 6x12", "comDense.bias 6", "dense.weight 6x12", "dense.bias 6", "outProj.weight 5x6", "outProj.bias 5"]);
    const logits = head.forward(plm, adapter, Int32Array.of(1, 0), Int32Array.of(3, 2), ctx);
    assert.deepEqual([...logits.shape], [2, 5]);
    e.backward(head.loss(logits, Int32Array.of(4, 0)));
    const grad = plm.grad ?? new Float32Array(0);
    const touched = [0, 1, 2, 3, 4, 5, 6, 7].filter((row) => grad.subarray(row * 6, row * 6 + 6).some((v) => v !== 0));
    assert.deepEqual(touched, [1, 3, 4, 6], "rows b·T + t of the picked tokens");
    e.release();
  });

  it("names the head and the shapes when inputs do not fit", () => {
    const error = (re: RegExp) => (err: unknown): boolean => err instanceof ShapeError && re.test(err.message);
    assert.throws(() => head.forward(plm, randomTensor(e, rng, [2, 3, 6]), Int32Array.of(1, 0), Int32Array.of(3, 2), ctx),
      error(/^RelationHead: expected the PLM's and the adapter's last hidden states of one shape \(B,T,6\), got \[2,4,6\] and \[2,3,6\]$/));
    assert.throws(() => head.forward(randomTensor(e, rng, [2, 4, 5]), randomTensor(e, rng, [2, 4, 5]), Int32Array.of(1, 0), Int32Array.of(3, 2), ctx), error(/\(B,T,6\), got \[2,4,5\]/));
    assert.throws(() => head.forward(plm, adapter, Int32Array.of(1), Int32Array.of(3, 2), ctx), error(/^RelationHead: expected 2 subject positions .*features \[2,4,6\].*got 1$/));
    assert.throws(() => head.forward(plm, adapter, Int32Array.of(1, 0), Int32Array.of(3, 4), ctx), error(/^RelationHead: expected object positions in \[0,4\) .*got 4 for batch item 1$/));
    const logits = head.forward(plm, adapter, Int32Array.of(1, 0), Int32Array.of(3, 2), ctx);
    assert.throws(() => head.loss(logits, Int32Array.of(1, 2, 3)), error(/^RelationHead: expected one label per row of logits \[2,5\], got 3 labels$/));
    e.release();
  });
});
