// Every op's backward against central finite differences, in float64 on the reference kernels.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  add, attention, bceWithLogits, concat, crossEntropy, dropout, embedding, gelu, gradcheck, layerNorm, linear, matmul,
  mean, mse, mul, relu, reshape, scale, selectTokens, slice, softmax, sum, tanh, type Engine, type Tensor,
} from "../../src/autograd/index.js";
import type { Shape } from "../../src/dtype.js";
import { float64Engine, randomTensor, Rng } from "../helpers/engines.js";

interface Case {
  name: string;
  shapes: Shape[];
  frozen?: number[]; // inputs that do not require grad
  spread?: number;
  build: (inputs: readonly Tensor[], e: Engine) => Tensor;
}

function check(c: Case): void {
  it(`${c.name} matches finite differences`, () => {
    const e = float64Engine();
    const rng = new Rng(7);
    const inputs = c.shapes.map((s, i) => randomTensor(e, rng, s, !(c.frozen ?? []).includes(i), c.spread ?? 1));
    const result = gradcheck((xs) => c.build(xs, e), inputs, { rtol: 1e-5, atol: 1e-7 });
    assert.ok(result.checked > 0, `${c.name}: no gradient element was checked`);
    assert.deepEqual(result.mismatches, [], `${c.name}: analytic and numeric gradients differ (max abs diff ${result.maxAbsDiff})`);
  });
}

const ids = (values: number[]): Int32Array => Int32Array.from(values);

describe("gradcheck: matrix products", () => {
  for (const [M, K, N] of [[1, 1, 1], [3, 17, 5], [17, 3, 129]] as const) {
    check({ name: `matmul ${M}x${K} · ${K}x${N}`, shapes: [[M, K], [K, N]], build: ([a, b]) => matmul(a, b) });
  }
  check({ name: "matmul transA", shapes: [[5, 3], [5, 4]], build: ([a, b]) => matmul(a, b, { transA: true }) });
  check({ name: "matmul transB", shapes: [[3, 5], [4, 5]], build: ([a, b]) => matmul(a, b, { transB: true }) });
  check({ name: "matmul transA transB", shapes: [[5, 3], [4, 5]], build: ([a, b]) => matmul(a, b, { transA: true, transB: true }) });
  check({ name: "matmul batched (2,3)", shapes: [[2, 3, 4, 5], [2, 3, 5, 3]], build: ([a, b]) => matmul(a, b) });
  check({ name: "matmul batched transposed", shapes: [[3, 5, 4], [3, 2, 5]], build: ([a, b]) => matmul(a, b, { transA: true, transB: true }) });
  check({ name: "matmul with b shared over the batch", shapes: [[2, 3, 4], [4, 6]], build: ([a, b]) => matmul(a, b) });
  check({ name: "matmul with b shared, transB", shapes: [[2, 3, 4], [6, 4]], build: ([a, b]) => matmul(a, b, { transB: true }) });
  check({ name: "linear with bias", shapes: [[2, 3, 17], [5, 17], [5]], build: ([x, w, b]) => linear(x, w, b) });
  check({ name: "linear without bias", shapes: [[4, 3], [1, 3]], build: ([x, w]) => linear(x, w) });
  check({ name: "linear with frozen weight", shapes: [[4, 3], [2, 3], [2]], frozen: [1], build: ([x, w, b]) => linear(x, w, b) });
});

describe("gradcheck: elementwise and broadcasting", () => {
  check({ name: "add same shape (129)", shapes: [[129], [129]], build: ([a, b]) => add(a, b) });
  check({ name: "add bias broadcast (2,3,4)+(4)", shapes: [[2, 3, 4], [4]], build: ([a, b]) => add(a, b) });
  check({ name: "add both broadcast (3,1)+(1,5)", shapes: [[3, 1], [1, 5]], build: ([a, b]) => add(a, b) });
  check({ name: "add mask-like (2,1,1,3)+(2,4,3,3)", shapes: [[2, 1, 1, 3], [2, 4, 3, 3]], build: ([a, b]) => add(a, b) });
  check({ name: "add scalar", shapes: [[3, 4], []], build: ([a, b]) => add(a, b) });
  check({ name: "mul same shape (17)", shapes: [[17], [17]], build: ([a, b]) => mul(a, b) });
  check({ name: "mul broadcast (2,3,4)*(3,1)", shapes: [[2, 3, 4], [3, 1]], build: ([a, b]) => mul(a, b) });
  check({ name: "mul by itself", shapes: [[5]], build: ([a]) => mul(a, a) });
  check({ name: "scale", shapes: [[3, 5]], build: ([a]) => scale(a, -2.5) });
});

describe("gradcheck: activations and normalisation", () => {
  check({ name: "gelu tanh", shapes: [[129]], spread: 4, build: ([x]) => gelu(x, "tanh") });
  check({ name: "gelu erf", shapes: [[129]], spread: 4, build: ([x]) => gelu(x, "erf") });
  check({ name: "tanh", shapes: [[17]], spread: 3, build: ([x]) => tanh(x) });
  check({ name: "relu", shapes: [[3, 17]], build: ([x]) => relu(x) });
  check({ name: "softmax rows of 1", shapes: [[3, 1]], build: ([x]) => softmax(x) });
  check({ name: "softmax (2,3,17)", shapes: [[2, 3, 17]], spread: 3, build: ([x]) => softmax(x) });
  check({ name: "layerNorm (3,17)", shapes: [[3, 17], [17], [17]], build: ([x, w, b]) => layerNorm(x, w, b, 1e-5) });
  check({ name: "layerNorm (2,2,129)", shapes: [[2, 2, 129], [129], [129]], build: ([x, w, b]) => layerNorm(x, w, b, 1e-12) });
  check({ name: "layerNorm with frozen input", shapes: [[4, 3], [3], [3]], frozen: [0], build: ([x, w, b]) => layerNorm(x, w, b) });
});

describe("gradcheck: attention and dropout", () => {
  check({ name: "attention 1 head, no mask", shapes: [[1, 3, 4], [1, 3, 4], [1, 3, 4]], build: ([q, k, v]) => attention(q, k, v, { numHeads: 1 }) });
  check({
    name: "attention 2 heads, padding mask, Tq != Tk",
    shapes: [[2, 3, 6], [2, 5, 6], [2, 5, 6]],
    build: ([q, k, v], e) => attention(q, k, v, { numHeads: 2, mask: e.tensor([0, 0, 0, -1e4, -1e4, 0, 0, 0, 0, 0], [2, 5]) }),
  });
  check({
    name: "attention with dropout on probabilities",
    shapes: [[2, 4, 6], [2, 4, 6], [2, 4, 6]],
    build: ([q, k, v]) => attention(q, k, v, { numHeads: 3, dropout: { p: 0.3, rng: new Rng(5) } }),
  });
  check({ name: "dropout p=0.4", shapes: [[3, 17]], build: ([x]) => dropout(x, 0.4, new Rng(3), true) });
});

describe("gradcheck: indexing, shapes and reductions", () => {
  check({ name: "embedding with repeated ids", shapes: [[5, 3]], build: ([t]) => embedding(t, ids([4, 0, 4, 2, 4, 1]), [2, 3]) });
  check({ name: "selectTokens ([CLS] and markers)", shapes: [[2, 5, 3]], build: ([x]) => selectTokens(x, ids([0, 3, 0, 0]), 2) });
  check({ name: "concat last axis", shapes: [[2, 3, 2], [2, 3, 4]], build: ([a, b]) => concat([a, b], -1) });
  check({ name: "concat axis 0", shapes: [[1, 3], [2, 3], [1, 3]], build: ([a, b, c]) => concat([a, b, c], 0) });
  check({ name: "slice middle axis", shapes: [[2, 5, 3]], build: ([x]) => slice(x, 1, 1, 4) });
  check({ name: "reshape then matmul", shapes: [[2, 6], [3, 2]], build: ([a, b]) => matmul(reshape(a, [4, 3]), b) });
  check({ name: "sum all", shapes: [[3, 17]], build: ([x]) => sum(x) });
  check({ name: "sum axis 1", shapes: [[2, 3, 4]], build: ([x]) => sum(x, { axis: 1 }) });
  check({ name: "mean last axis keepDim", shapes: [[2, 3, 4]], build: ([x]) => mean(x, { axis: -1, keepDim: true }) });
  check({ name: "mean all", shapes: [[129]], build: ([x]) => mean(x) });
});

describe("gradcheck: losses", () => {
  check({ name: "crossEntropy", shapes: [[4, 3]], spread: 3, build: ([x]) => crossEntropy(x, ids([0, 2, 1, 2])) });
  check({ name: "crossEntropy with ignored rows", shapes: [[5, 17]], build: ([x]) => crossEntropy(x, ids([16, -100, 0, -100, 3])) });
  check({ name: "bceWithLogits", shapes: [[3, 9], [3, 9]], frozen: [1], spread: 4, build: ([x, y], e) => bceWithLogits(x, e.tensor(y.toArray().map((v) => (v > 0 ? 1 : 0)), y.shape)) });
  check({ name: "mse", shapes: [[17], [17]], frozen: [1], build: ([p, t]) => mse(p, t) });
});

describe("gradcheck itself", () => {
  it("reports a backward that is off by 1%", () => {
    const e = float64Engine();
    const x = randomTensor(e, new Rng(1), [4]);
    const wrongSquare = (xs: readonly Tensor[]): Tensor => {
      const [a] = xs;
      const out = e.output(a.shape);
      for (let i = 0; i < a.size; i++) out.data[i] = a.data[i] * a.data[i];
      e.record("wrongSquare", out, [a], (dOut) => {
        const dA = e.gradOf(a);
        if (dA) for (let i = 0; i < a.size; i++) dA[i] += 1.01 * 2 * a.data[i] * dOut[i];
      });
      return out;
    };
    const result = gradcheck(wrongSquare, [x]);
    assert.equal(result.checked, 4);
    assert.equal(result.mismatches.length, 4);
  });
});
