// Sinusoidal position init: every row has the asked norm, and the row k places on is the same linear map
// (a rotation of each sin/cos pair) of every row, which is what lets one attention head find a neighbour.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Engine } from "../../src/autograd/index.js";
import { ConfigError } from "../../src/errors.js";
import { fillSinusoidalPositions } from "../../src/pretrain/index.js";
import { testBackend } from "../helpers/backend.js";

describe("sinusoidal position init", () => {
  const engine = new Engine({ backend: testBackend() });
  const P = 40;
  const H = 16;
  const table = engine.zeros([P, H], { requiresGrad: true });
  fillSinusoidalPositions(table, 1.5);
  const row = (p: number): Float32Array => table.data.subarray(p * H, (p + 1) * H) as Float32Array;

  it("gives every row the asked norm", () => {
    for (let p = 0; p < P; p++) assert.ok(Math.abs(Math.hypot(...row(p)) - 1.5) < 1e-5, `row ${p}`);
  });

  it("makes position p+k a fixed rotation of position p", () => {
    const k = 3;
    for (let i = 0; i < H / 2; i++) {
      const angle = k / 10000 ** ((2 * i) / H);
      for (const p of [0, 7, 30]) {
        const [s, c] = [row(p)[2 * i], row(p)[2 * i + 1]];
        const rotated = [s * Math.cos(angle) + c * Math.sin(angle), c * Math.cos(angle) - s * Math.sin(angle)];
        assert.ok(Math.abs(rotated[0] - row(p + k)[2 * i]) < 1e-5 && Math.abs(rotated[1] - row(p + k)[2 * i + 1]) < 1e-5, `pair ${i}, position ${p}`);
      }
    }
  });

  it("refuses an odd hidden size or a non-positive norm", () => {
    assert.throws(() => fillSinusoidalPositions(engine.zeros([4, 5]), 1), ConfigError);
    assert.throws(() => fillSinusoidalPositions(engine.zeros([4, 4]), 0), ConfigError);
  });
});
