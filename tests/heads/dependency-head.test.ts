// The linguistic adapter's pretraining head: per-token logits over head positions, the padding mask in its
// attention and its loss, and errors naming the head and shapes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Engine } from "../../src/autograd/index.js";
import { ShapeError } from "../../src/errors.js";
import { DependencyHead } from "../../src/heads/index.js";
import { refBackend } from "../../src/kernels/index.js";
import { randomTensor, Rng } from "../helpers/engines.js";

const ctx = { training: false, rng: new Rng(0) };

describe("DependencyHead", () => {
  const e = new Engine({ backend: refBackend });
  const rng = new Rng(4);
  const head = new DependencyHead(e, { hiddenSize: 6, maxSeqLength: 8 }, rng);
  const plm = randomTensor(e, rng, [2, 5, 6]);
  const adapter = randomTensor(e, rng, [2, 5, 6]);
  const mask = Int32Array.of(1, 1, 1, 1, 1, 1, 1, 1, 0, 0);

  it("has the reference's layers (a one-head BertAttention) and gives (B,T,maxSeqLength) logits", () => {
    assert.deepEqual(head.namedParameters().map(([n, t]) => `${n} ${t.shape.join("x")}`), [
      "comDense.weight 6x12", "comDense.bias 6",
      "attention.query.weight 6x6", "attention.query.bias 6", "attention.key.weight 6x6", "attention.key.bias 6",
      "attention.value.weight 6x6", "attention.value.bias 6", "attention.output.weight 6x6", "attention.output.bias 6",
      "attention.norm.weight 6", "attention.norm.bias 6",
      "dense.weight 6x6", "dense.bias 6", "outProj.weight 8x6", "outProj.bias 8",
    ]);
    assert.deepEqual([...head.forward(plm, adapter, mask, ctx).shape], [2, 5, 8]);
    e.release();
  });

  it("masks padding: pads change neither the real tokens' logits nor the loss, whatever their labels", () => {
    const logits = Float32Array.from(head.forward(plm, adapter, mask, ctx).data);
    const changed = adapter.toArray();
    for (let i = 8 * 6; i < 10 * 6; i++) changed[i] += 5; // the two pad tokens' features
    const again = head.forward(plm, e.tensor(changed, [2, 5, 6]), mask, ctx);
    for (let i = 0; i < 8 * 8; i++) assert.ok(Math.abs(again.data[i] - logits[i]) < 1e-6, `real-token logit ${i}`);
    const labels = Int32Array.of(0, 2, 0, 1, 3, 0, 0, 1, 7, 7);
    const loss = head.loss(again, labels, mask).item();
    assert.equal(head.loss(again, Int32Array.of(0, 2, 0, 1, 3, 0, 0, 1, -100, 99), mask).item(), loss);
    e.release();
  });

  it("names the head and the shapes when inputs do not fit", () => {
    const error = (re: RegExp) => (err: unknown): boolean => err instanceof ShapeError && re.test(err.message);
    assert.throws(() => head.forward(plm, randomTensor(e, rng, [2, 4, 6]), mask, ctx),
      error(/^DependencyHead: expected the PLM's and the adapter's last hidden states of one shape \(B,T,6\), got \[2,5,6\] and \[2,4,6\]$/));
    assert.throws(() => head.forward(plm, adapter, mask.subarray(0, 9), ctx), error(/^DependencyHead: expected an attention mask of B·T = 10 values for hidden states \[2,5,6\], got 9$/));
    const long = randomTensor(e, rng, [1, 9, 6]);
    assert.throws(() => head.forward(long, long, new Int32Array(9).fill(1), ctx), error(/at most maxSeqLength = 8 tokens .*got hidden states \[1,9,6\]$/));
    const logits = head.forward(plm, adapter, mask, ctx);
    assert.throws(() => head.loss(logits, new Int32Array(5), mask), error(/^DependencyHead: expected B·T labels and mask values for logits \[2,5,8\], got 5 labels and 10 mask values$/));
    e.release();
  });
});
