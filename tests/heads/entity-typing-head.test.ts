// The downstream entity-typing head (OpenEntity-style, multi-label): shapes and errors naming the head and shapes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Engine } from "../../src/autograd/index.js";
import { ShapeError } from "../../src/errors.js";
import { EntityTypingHead } from "../../src/heads/index.js";
import { refBackend } from "../../src/kernels/index.js";
import { randomTensor, Rng } from "../helpers/engines.js";

const ctx = { training: false, rng: new Rng(0) };

describe("EntityTypingHead", () => {
  const e = new Engine({ backend: refBackend });
  const rng = new Rng(3);
  const head = new EntityTypingHead(e, { hiddenSize: 6, numTypes: 9 }, rng);
  const features = randomTensor(e, rng, [2, 5, 6]);

  it("types the first @ token into (B,C) logits, with a multi-label loss", () => {
    assert.deepEqual(head.namedParameters().map(([n, t]) => `${n} ${t.shape.join("x")}`),
      ["dense.weight 6x6", "dense.bias 6", "outProj.weight 9x6", "outProj.bias 9"]);
    const logits = head.forward(features, Int32Array.of(1, 2), ctx);
    assert.deepEqual([...logits.shape], [2, 9]);
    const targets = new Float32Array(18);
    targets[3] = targets[10] = targets[17] = 1;
    assert.ok(head.loss(logits, targets).item() > 0);
    e.release();
  });

  it("names the head and the shapes when inputs do not fit", () => {
    const error = (re: RegExp) => (err: unknown): boolean => err instanceof ShapeError && re.test(err.message);
    assert.throws(() => head.forward(randomTensor(e, rng, [2, 5, 7]), Int32Array.of(1, 2), ctx), error(/^EntityTypingHead: expected features \(B,T,6\), got \[2,5,7\]$/));
    assert.throws(() => head.forward(features, Int32Array.of(1, 2, 3), ctx), error(/^EntityTypingHead: expected 2 entity positions .*\[2,5,6\].*got 3$/));
    assert.throws(() => head.forward(features, Int32Array.of(1, 5), ctx), error(/entity positions in \[0,5\) .*got 5 for batch item 1$/));
    const logits = head.forward(features, Int32Array.of(1, 2), ctx);
    assert.throws(() => head.loss(logits, new Float32Array(9)), error(/^EntityTypingHead: expected 18 targets \(B·C\) for logits \[2,9\], got 9$/));
    e.release();
  });
});
