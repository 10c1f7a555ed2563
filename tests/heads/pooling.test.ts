// Mean pooling for sequence heads: the average over real tokens only (padding ignored), its gradient, and a
// mean-pooling head that survives the adapter folder's round trip (AdapterHub's use_pooler false).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gradcheck } from "../../src/autograd/index.js";
import { headConfig, headHubConfig, meanOverTokens, parseHeadHubConfig } from "../../src/heads/index.js";
import { float64Engine, randomTensor, Rng } from "../helpers/engines.js";

describe("mean pooling", () => {
  const B = 2;
  const T = 4;
  const H = 3;
  const mask = Int32Array.from([1, 1, 1, 0, 1, 1, 0, 0]);

  it("averages the real tokens of each sequence and ignores padding", () => {
    const e = float64Engine();
    const hidden = randomTensor(e, new Rng(1), [B, T, H]);
    const pooled = meanOverTokens(hidden, mask);
    assert.deepEqual(pooled.shape, [B, H]);
    for (let b = 0; b < B; b++) {
      const real = b === 0 ? 3 : 2;
      for (let h = 0; h < H; h++) {
        let want = 0;
        for (let t = 0; t < real; t++) want += hidden.data[(b * T + t) * H + h] / real;
        assert.ok(Math.abs(pooled.data[b * H + h] - want) < 1e-12, `b ${b} h ${h}`);
      }
    }
  });

  it("has the gradient of finite differences", () => {
    const e = float64Engine();
    const result = gradcheck(([x]) => meanOverTokens(x, mask), [randomTensor(e, new Rng(2), [B, T, H])]);
    assert.ok(result.checked > 0);
    assert.deepEqual(result.mismatches, []);
  });

  it("is written to head_config.json and read back", () => {
    const config = headConfig("classification", ["0", "1"], 0.1, "mean");
    const hub = headHubConfig(config, { name: "sst-2", modelType: "bert", hiddenSize: 256 });
    assert.equal((hub.config as Record<string, unknown>).use_pooler, false);
    assert.equal(parseHeadHubConfig(hub, "head_config.json").config.pooling, "mean");
    const pooler = headHubConfig(headConfig("classification", ["0", "1"]), { name: "sst-2", modelType: "bert", hiddenSize: 256 });
    assert.equal(parseHeadHubConfig(pooler, "head_config.json").config.pooling, "pooler");
    assert.throws(() => headConfig("classification", ["0", "1"], 0.1, "max" as "mean"), /pooling/);
  });
});
