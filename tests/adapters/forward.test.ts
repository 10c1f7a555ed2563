// Mixed-adapter batches: every row of a batch that mixes Houlsby, Pfeiffer, LayerNorm-only and no adapter,
// with classification, regression, multi-label and tagging heads, gets what it gets run alone with its
// adapter; a batch with one adapter on every row computes bit for bit what the path before routing did.
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { forwardAdapters, type Adapter } from "../../src/adapters/index.js";
import { add, type Engine, type Tensor } from "../../src/autograd/index.js";
import { refBackend, type Backend } from "../../src/kernels/index.js";
import { BertModel, type EncoderInput } from "../../src/models/index.js";
import { applyActivation, paddingMask, Routing, type InsertionPointName } from "../../src/nn/index.js";
import { Rng } from "../../src/rng.js";
import { nativeOrSkip } from "../helpers/backend.js";
import { HEADS, randomAdapter, tinyBase } from "./helpers.js";

const ctx = { training: false, rng: new Rng(0) };

/** Rows of different lengths, right-padded with id 0. */
const ROWS = [
  [2, 7, 9, 3],
  [2, 5, 3],
  [2, 11, 12, 13, 14, 3],
  [2, 4, 3],
  [2, 8, 8, 6, 3],
  [2, 21, 3],
  [2, 17, 18, 3],
];

function batchOf(rows: readonly (readonly number[])[]): EncoderInput {
  const T = Math.max(...rows.map((r) => r.length));
  const ids = new Int32Array(rows.length * T);
  const attentionMask = new Int32Array(rows.length * T);
  rows.forEach((r, b) => {
    ids.set(r, b * T);
    attentionMask.fill(1, b * T, b * T + r.length);
  });
  return { ids, typeIds: new Int32Array(rows.length * T), attentionMask, batchSize: rows.length, seqLength: T };
}

function adaptersOf(e: Engine, base: BertModel): Adapter[] {
  return [
    randomAdapter(e, base, "houlsby-cls", "houlsby", HEADS.classification, 1),
    randomAdapter(e, base, "pfeiffer-reg", "pfeiffer", HEADS.regression, 2),
    randomAdapter(e, base, "ln-multi", "layernorm-only", HEADS.multilabel, 3),
    randomAdapter(e, base, "houlsby-tag", "houlsby", HEADS.tagging, 4),
    randomAdapter(e, base, "head-only", "head-only", HEADS.classification, 5), // the plain base under a head
  ];
}

/** Row b's logits: (C) or, for tagging, its real tokens' (n,C). */
function rowLogits(e: Engine, base: BertModel, rows: readonly (readonly number[])[], rowAdapters: Adapter[]): Float32Array[] {
  const input = batchOf(rows);
  const out: Float32Array[] = new Array(input.batchSize);
  e.noGrad(() => {
    for (const g of forwardAdapters(base, input, rowAdapters, ctx).groups) {
      const width = g.logits.size / g.rows.length;
      g.rows.forEach((b, j) => {
        const C = g.adapter.head.config.labels.length;
        const real = g.adapter.head.readsTokens ? rows[b].length : 1;
        out[b] = Float32Array.from(g.logits.data.subarray(j * width, j * width + real * C));
      });
    }
  });
  e.release();
  return out;
}

function mixedMatchesAlone(t: TestContext, backend: Backend | null): void {
  if (!backend) return;
  const { e, base } = tinyBase(backend);
  const adapters = adaptersOf(e, base);
  const assignment = [0, 1, 2, 3, 4, 1, 0].map((i) => adapters[i]); // rows of one adapter apart, on purpose
  const together = rowLogits(e, base, ROWS, assignment);
  let worst = 0;
  ROWS.forEach((row, b) => {
    const alone = rowLogits(e, base, [row], [assignment[b]])[0];
    assert.equal(together[b].length, alone.length, `row ${b}: logits length`);
    alone.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - together[b][i]));
    });
  });
  assert.ok(worst <= 1e-5, `max abs diff between a row in the mixed batch and run alone: ${worst}`);
  t.diagnostic(`${backend.name}: max abs diff ${worst.toExponential(2)}`);
}

/** The path before routing: the adapter's LayerNorm values written into a copy of the base (as the old
 *  TaskModel.activate did), its bottlenecks applied at the insertion points, the base's own LayerNorms run. */
function oldPathHidden(e: Engine, base: BertModel, adapter: Adapter, input: EncoderInput): Float32Array {
  const copy = new BertModel(e, base.config);
  const values = new Map(base.namedParameters().map(([n, t]) => [n, Float32Array.from(t.data)]));
  for (const [n, t] of adapter.layerNorms?.namedParameters() ?? []) values.set(n, Float32Array.from(t.data));
  copy.loadWeights(values);
  // adapter-bert's feedforward_adapter as the old path computed it: h + up(act(down(h)))
  const bottleneck = (layer: number, point: InsertionPointName, h: Tensor): Tensor => {
    const b = adapter.bottleneck?.at(layer, point);
    return b ? add(h, b.up.forward(applyActivation(b.down.forward(h), adapter.bottleneck?.config.activation ?? "relu"))) : h;
  };
  return e.noGrad(() => {
    const mask = paddingMask(e, input.attentionMask, input.batchSize, input.seqLength);
    let h = copy.embeddings.forward(input, ctx, Routing.uniform(input.batchSize, null));
    copy.layers.items.forEach((layer, i) => {
      const x = h;
      const a = layer.attn.forward(x, mask, ctx);
      const attended = layer.attn.norm.forward(add(bottleneck(i, "afterAttention", a), x));
      const f = layer.ffn.forward(attended, ctx);
      h = layer.ffn.norm.forward(add(bottleneck(i, "afterFfn", f), attended));
    });
    return Float32Array.from(h.data);
  });
}

describe("mixed-adapter batches", () => {
  it("each row equals its row run alone, on the ref kernels", (t) => mixedMatchesAlone(t, refBackend));
  it("each row equals its row run alone, on the native kernels", (t) => mixedMatchesAlone(t, nativeOrSkip(t)));

  it("rows with no adapter run the plain base while other rows run theirs", () => {
    const { e, base } = tinyBase(refBackend);
    const [houlsby] = adaptersOf(e, base);
    const input = batchOf(ROWS.slice(0, 3));
    const plain = e.noGrad(() => Float32Array.from(base.forward(input, ctx).lastHidden.data));
    const mixed = e.noGrad(() => Float32Array.from(base.forward(input, ctx, { routing: Routing.perRow([null, houlsby, null]) }).lastHidden.data));
    const rowSize = plain.length / 3;
    const diff = (b: number): number => Math.max(...Array.from({ length: rowSize }, (_, i) => Math.abs(plain[b * rowSize + i] - mixed[b * rowSize + i])));
    assert.ok(diff(0) <= 1e-6 && diff(2) <= 1e-6, `plain rows: ${diff(0)}, ${diff(2)}`);
    assert.ok(diff(1) > 1e-2, "the adapter's row differs");
  });

  for (const name of ["ref", "native"] as const) {
    it(`one adapter on every row is bit-identical to the path before routing (${name})`, (t) => {
      const backend = name === "ref" ? refBackend : nativeOrSkip(t);
      if (!backend) return;
      const { e, base } = tinyBase(backend);
      const input = batchOf(ROWS);
      for (const adapter of adaptersOf(e, base).slice(0, 3)) {
        const routed = e.noGrad(() => Float32Array.from(base.forward(input, ctx, { routing: Routing.uniform(input.batchSize, adapter) }).lastHidden.data));
        assert.deepEqual(routed, oldPathHidden(e, base, adapter, input), adapter.name);
      }
    });
  }
});
