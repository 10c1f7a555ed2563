// Forward values of every op on small inputs checked by hand (or by a one-line formula in the comment).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  add, attention, bceWithLogits, concat, crossEntropy, dropout, embedding, Engine, gelu, layerNorm, linear, matmul,
  mean, mse, mul, relu, reshape, scale, selectTokens, slice, softmax, sum, tanh, type Tensor,
} from "../../src/autograd/index.js";
import { refBackend } from "../../src/kernels/ref/index.js";
import { Rng } from "../../src/rng.js";

const e = new Engine({ backend: refBackend });
const t = (values: number[], shape: number[]): Tensor => e.tensor(values, shape);

function near(got: Tensor, want: number[], shape: number[], tol = 1e-6): void {
  assert.deepEqual([...got.shape], shape, `shape ${got.shape} != ${shape}`);
  got.toArray().forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= tol, `element ${i}: got ${g}, want ${want[i]}`));
}

describe("forward values", () => {
  it("matmul, plain and transposed, batched and with a shared b", () => {
    const a = t([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = t([1, 0, 0, 1, 1, 1], [3, 2]);
    near(matmul(a, b), [4, 5, 10, 11], [2, 2]);
    near(matmul(a, a, { transB: true }), [14, 32, 32, 77], [2, 2]);
    near(matmul(a, a, { transA: true }), [17, 22, 27, 22, 29, 36, 27, 36, 45], [3, 3]);
    const batched = t([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    near(matmul(batched, t([1, 0, 0, 2], [2, 2])), [1, 4, 3, 8, 5, 12, 7, 16], [2, 2, 2]);
    near(matmul(batched, batched), [7, 10, 15, 22, 67, 78, 91, 106], [2, 2, 2]);
  });

  it("linear computes x·Wᵀ + b with W stored [out, in]", () => {
    const x = t([1, 2, 3], [1, 3]);
    const w = t([1, 0, 0, 0, 1, 1], [2, 3]);
    near(linear(x, w, t([0.5, -1], [2])), [1.5, 4], [1, 2]);
  });

  it("add and mul broadcast like NumPy", () => {
    near(add(t([1, 2, 3, 4], [2, 2]), t([10, 20], [2])), [11, 22, 13, 24], [2, 2]);
    near(add(t([1, 2], [2, 1]), t([10, 20, 30], [1, 3])), [11, 21, 31, 12, 22, 32], [2, 3]);
    near(mul(t([1, 2, 3, 4], [2, 2]), t([2, 3], [2, 1])), [2, 4, 9, 12], [2, 2]);
    near(scale(t([1, -2], [2]), 0.5), [0.5, -1], [2]);
  });

  it("activations", () => {
    // tanh GELU(1) = 0.5(1 + tanh(√(2/π)·1.044715)) = 0.8411920; erf GELU(1) = Φ(1) = 0.8413447
    near(gelu(t([-1, 0, 1], [3]), "tanh"), [-0.158808, 0, 0.841192], [3]);
    near(gelu(t([-1, 0, 1], [3]), "erf"), [-0.1586553, 0, 0.8413447], [3]);
    near(tanh(t([0, 1], [2])), [0, 0.7615942], [2]);
    near(relu(t([-1, 0, 2], [3])), [0, 0, 2], [3]);
  });

  it("softmax is stable for large logits", () => {
    near(softmax(t([0, Math.log(3), 1000, 1000], [2, 2])), [0.25, 0.75, 0.5, 0.5], [2, 2]);
  });

  it("layerNorm normalises each row with biased variance", () => {
    // row [1,2,3]: mean 2, var 2/3, xhat = [-1.2247449, 0, 1.2247449]
    near(layerNorm(t([1, 2, 3], [1, 3]), t([1, 1, 2], [3]), t([0, 1, 0], [3]), 0), [-1.2247449, 1, 2.4494897], [1, 3]);
  });

  it("attention averages values by softmax of scaled scores, and the mask removes keys", () => {
    // one head, HS = 1: scores q·k = [0, 0] -> uniform weights -> mean of v
    const q = t([1], [1, 1, 1]);
    const k = t([0, 0], [1, 2, 1]);
    const v = t([2, 4], [1, 2, 1]);
    near(attention(q, k, v, { numHeads: 1 }), [3], [1, 1, 1]);
    near(attention(q, k, v, { numHeads: 1, mask: t([0, -1e9], [1, 2]) }), [2], [1, 1, 1]);
    // HS = 4 -> scale 1/2: scores [2·1/2, 0] -> weights softmax([1, 0])
    const w = Math.E / (Math.E + 1);
    near(attention(t([1, 1, 1, 1], [1, 1, 4]), t([0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0], [1, 2, 4]), t([1, 1, 1, 1, 0, 0, 0, 0], [1, 2, 4]), { numHeads: 1 }), [w, w, w, w], [1, 1, 4]);
  });

  it("dropout keeps about 1-p of the elements scaled by 1/(1-p), and is the identity in evaluation", () => {
    const x = e.tensor(new Array(10000).fill(1), [10000]);
    const out = dropout(x, 0.25, new Rng(1), true).toArray();
    const kept = out.filter((v) => v !== 0);
    assert.ok(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6));
    assert.ok(Math.abs(kept.length / 10000 - 0.75) < 0.02, `kept fraction ${kept.length / 10000}`);
    assert.equal(dropout(x, 0.25, new Rng(1), false), x);
  });

  it("embedding, selectTokens, concat, slice, reshape", () => {
    const table = t([0, 1, 10, 11, 20, 21], [3, 2]);
    near(embedding(table, Int32Array.of(2, 0), [1, 2]), [20, 21, 0, 1], [1, 2, 2]);
    const seq = t([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2]);
    near(selectTokens(seq, Int32Array.of(1, 0), 1), [2, 3, 4, 5], [2, 1, 2]);
    near(concat([t([1, 2], [2, 1]), t([3, 4, 5, 6], [2, 2])], 1), [1, 3, 4, 2, 5, 6], [2, 3]);
    near(slice(t([1, 2, 3, 4, 5, 6], [2, 3]), 1, 1, 3), [2, 3, 5, 6], [2, 2]);
    const flat = t([1, 2, 3, 4, 5, 6], [2, 3]);
    const view = reshape(flat, [3, -1]);
    assert.deepEqual([...view.shape], [3, 2]);
    assert.equal(view.data, flat.data, "reshape must share the buffer, not copy it");
  });

  it("sum and mean", () => {
    const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
    near(sum(x), [21], []);
    near(sum(x, { axis: 0 }), [5, 7, 9], [3]);
    near(mean(x, { axis: 1, keepDim: true }), [2, 5], [2, 1]);
  });

  it("losses", () => {
    // CE of uniform logits over 4 classes = ln 4; the ignored row does not count
    near(crossEntropy(t([0, 0, 0, 0, 9, 9, 9, 9], [2, 4]), Int32Array.of(3, -100)), [Math.log(4)], []);
    // BCE(x=0, y=1) = ln 2; BCE(x=0, y=0) = ln 2
    near(bceWithLogits(t([0, 0], [2]), t([1, 0], [2])), [Math.LN2], []);
    // large logits stay finite: BCE(100, 0) = 100
    near(bceWithLogits(t([100], [1]), t([0], [1])), [100], [], 1e-4);
    near(mse(t([1, 2], [2]), t([0, 4], [2])), [2.5], []);
  });
});
