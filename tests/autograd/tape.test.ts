// The tape's contract: what records, accumulation, no-grad scopes, frozen weights, release, and errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { add, attention, Engine, linear, matmul, mul, reshape, sum, type Tensor } from "../../src/autograd/index.js";
import { EngineError, ShapeError } from "../../src/errors.js";
import type { Backend } from "../../src/kernels/interface.js";
import { refBackend } from "../../src/kernels/ref/index.js";

function countingBackend(): { backend: Backend; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const backend: Record<string, unknown> = { ...refBackend };
  for (const [key, value] of Object.entries(refBackend)) {
    if (typeof value !== "function") continue;
    backend[key] = (...args: unknown[]) => {
      calls.set(key, (calls.get(key) ?? 0) + 1);
      return (value as (...a: unknown[]) => unknown)(...args);
    };
  }
  return { backend: backend as unknown as Backend, calls };
}

describe("tape", () => {
  it("records only ops whose inputs need a gradient", () => {
    const e = new Engine({ backend: refBackend });
    const frozen = e.tensor([1, 2], [2]);
    const param = e.tensor([3, 4], [2], { requiresGrad: true });
    const a = add(frozen, frozen);
    assert.equal(a.requiresGrad, false);
    assert.equal(e.tape.length, 0);
    const b = mul(a, param);
    assert.equal(b.requiresGrad, true);
    assert.equal(e.tape.length, 1);
  });

  it("accumulates gradients across backward calls until zeroGrad", () => {
    const e = new Engine({ backend: refBackend });
    const x = e.tensor([1, 2, 3], [3], { requiresGrad: true });
    const w = e.tensor([2, 2, 2], [3]);
    for (let step = 0; step < 2; step++) {
      e.backward(sum(mul(x, w)));
      e.release();
    }
    assert.deepEqual(Array.from(x.grad ?? []), [4, 4, 4]);
    x.zeroGrad();
    assert.deepEqual(Array.from(x.grad ?? []), [0, 0, 0]);
  });

  it("sums the gradients of a tensor used twice (fan-out)", () => {
    const e = new Engine({ backend: refBackend });
    const x = e.tensor([3], [1], { requiresGrad: true });
    e.backward(sum(add(mul(x, x), x))); // d/dx (x² + x) = 2x + 1 = 7
    assert.deepEqual(Array.from(x.grad ?? []), [7]);
  });

  it("records nothing inside noGrad, and restores recording afterwards", () => {
    const e = new Engine({ backend: refBackend });
    const x = e.tensor([1], [1], { requiresGrad: true });
    const y = e.noGrad(() => mul(x, x));
    assert.equal(y.requiresGrad, false);
    assert.equal(e.tape.length, 0);
    assert.equal(mul(x, x).requiresGrad, true);
  });

  it("propagates gradients through a reshape view into the original tensor", () => {
    const e = new Engine({ backend: refBackend });
    const x = e.tensor([1, 2, 3, 4], [2, 2], { requiresGrad: true });
    e.backward(sum(mul(reshape(x, [4]), e.tensor([1, 2, 3, 4], [4]))));
    assert.deepEqual(Array.from(x.grad ?? []), [1, 2, 3, 4]);
  });

  it("a frozen linear costs one GEMM in backward (dX), a trainable one two", () => {
    for (const trainable of [false, true]) {
      const { backend, calls } = countingBackend();
      const e = new Engine({ backend });
      const x = e.tensor(new Array(12).fill(0.5), [4, 3], { requiresGrad: true });
      const w = e.tensor(new Array(6).fill(0.1), [2, 3], { requiresGrad: trainable });
      const b = e.tensor([0, 0], [2], { requiresGrad: trainable });
      const y = linear(x, w, b);
      calls.clear();
      e.backward(sum(y));
      assert.equal(calls.get("matmul"), trainable ? 2 : 1, `trainable=${trainable}`);
      assert.equal(calls.get("biasAddBackward"), trainable ? 1 : undefined);
    }
  });

  it("release returns op outputs to the pool; reading one afterwards is an error, leaves stay readable", () => {
    const e = new Engine({ backend: refBackend });
    const w = e.tensor([1, 2], [2], { requiresGrad: true });
    const y = mul(w, w);
    e.backward(sum(y));
    e.release();
    assert.throws(() => y.data, /released by engine.release/);
    assert.deepEqual(Array.from(w.data), [1, 2]);
    assert.deepEqual(Array.from(w.grad ?? []), [2, 4]);
  });

  it("backward on a non-scalar root needs an explicit dLoss", () => {
    const e = new Engine({ backend: refBackend });
    const w = e.tensor([1, 2], [2], { requiresGrad: true });
    assert.throws(() => e.backward(mul(w, w)), ShapeError);
    e.backward(mul(w, w), [1, 0]);
    assert.deepEqual(Array.from(w.grad ?? []), [2, 0]);
  });

  it("refuses tensors from two engines", () => {
    const a = new Engine({ backend: refBackend }).tensor([1], [1], { requiresGrad: true });
    const b = new Engine({ backend: refBackend }).tensor([1], [1]);
    assert.throws(() => mul(a, b), EngineError);
  });
});

describe("shape errors name the op and every shape", () => {
  const e = new Engine({ backend: refBackend });
  const z = (shape: number[]): Tensor => e.zeros(shape);
  const cases: [string, () => unknown, RegExp][] = [
    ["matmul", () => matmul(z([2, 3]), z([4, 5])), /^matmul: .*a \[2,3\].*b \[4,5\]/],
    ["linear", () => linear(z([2, 3]), z([4, 5])), /^linear: .*input \[2,3\].*weight \[4,5\]/],
    ["add", () => add(z([2, 3]), z([4])), /^add: .*\[2,3\] and \[4\]/],
    ["attention", () => attention(z([1, 2, 4]), z([1, 2, 6]), z([1, 2, 6]), { numHeads: 2 }), /^attention: .*q \[1,2,4\], k \[1,2,6\]/],
    ["reshape", () => reshape(z([2, 3]), [4, 2]), /^reshape: .*\[2,3\].*\[4,2\]/],
  ];
  for (const [op, call, pattern] of cases) {
    it(op, () => assert.throws(call, (err: unknown) => err instanceof ShapeError && pattern.test(err.message)));
  }
});
