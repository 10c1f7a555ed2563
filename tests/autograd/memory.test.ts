// No growth across steps: a 1,000-step training loop ends with the memory it had after step 10.
import assert from "node:assert/strict";
import { it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { crossEntropy, Engine, gelu, linear, type Tensor } from "../../src/autograd/index.js";
import { Rng } from "../../src/rng.js";
import { testBackend } from "../helpers/backend.js";
import { randomTensor } from "../helpers/engines.js";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

function externalBytes(): number {
  collectGarbage();
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.arrayBuffers + usage.heapUsed;
}

it("a 1,000-step loop of forward+backward on a two-layer network does not grow memory", () => {
  const e = new Engine({ backend: testBackend() });
  const rng = new Rng(11);
  const params: Tensor[] = [
    randomTensor(e, rng, [64, 32], true, 0.2), randomTensor(e, rng, [64], true, 0.1),
    randomTensor(e, rng, [4, 64], true, 0.2), randomTensor(e, rng, [4], true, 0.1),
  ];
  const [w1, b1, w2, b2] = params;
  const x = randomTensor(e, rng, [16, 32], false);
  const labels = Int32Array.from({ length: 16 }, (_, i) => i % 4);

  let pooledAfter10 = 0;
  let bytesAfter10 = 0;
  let firstLoss = 0;
  let lastLoss = 0;
  for (let step = 1; step <= 1000; step++) {
    for (const p of params) p.zeroGrad();
    const loss = crossEntropy(linear(gelu(linear(x, w1, b1)), w2, b2), labels);
    e.backward(loss);
    lastLoss = loss.item();
    if (step === 1) firstLoss = lastLoss;
    e.release();
    for (const p of params) {
      const g = p.grad;
      if (g) for (let i = 0; i < p.size; i++) p.data[i] -= 0.1 * g[i];
    }
    if (step === 10) {
      pooledAfter10 = e.pooledBytes;
      bytesAfter10 = externalBytes();
    }
  }
  assert.ok(lastLoss < firstLoss * 0.5, `the loop should learn: loss ${firstLoss} -> ${lastLoss}`);
  assert.equal(e.pooledBytes, pooledAfter10, "the buffer pool allocated new buffers after step 10");
  const growth = externalBytes() - bytesAfter10;
  assert.ok(growth < 1 << 20, `heap + array buffers grew by ${growth} bytes between step 10 and step 1000`);
});
