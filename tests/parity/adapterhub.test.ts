// Parity with AdapterHub's bottleneck adapters and heads (tests/fixtures/gen/make_parity_adapterhub.py, an
// independent PyTorch implementation of its Adapter.pre_forward/forward/post_forward and prediction heads):
// folders in AdapterHub's exact layout (pytorch_adapter.bin, both torch.save formats) load and compute the same
// outputs and gradients; folders AdapterKit writes are what it wrote when the fixtures were made, read back bit
// for bit, and compute in the reference what they compute here (their configs read as AdapterConfig.load does).
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Adapter, bottleneckConfig, forwardAdapters, loadAdapter, readAdapterFolderInfo, saveAdapter, toAdapterHubNames } from "../../src/adapters/index.js";
import { Engine } from "../../src/autograd/index.js";
import { headConfig, toHubHeadName, type Labels } from "../../src/heads/index.js";
import { readSafetensors, toFloat32, type TensorRecord } from "../../src/io/index.js";
import { refBackend, type Backend } from "../../src/kernels/index.js";
import { loadPretrained, type BertModel } from "../../src/models/index.js";
import { Rng } from "../../src/rng.js";
import { testBackend } from "../helpers/backend.js";
import { tensorDiff } from "../helpers/close.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../tests/fixtures/adapterhub");
const ctx = { training: false, rng: new Rng(0) };
const tmp = mkdtempSync(join(tmpdir(), "adapterkit-hub-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The adapters AdapterKit writes for the adapterkit-* fixtures: its own adapter-bert preset and AdapterHub's seq_bn. */
function adapterkitAdapter(e: Engine, base: BertModel, which: string): Adapter {
  const c = base.config;
  const spec =
    which === "houlsby"
      ? { bottleneck: bottleneckConfig("houlsby", { bottleneckSize: 8 }, c.hiddenSize, c.numLayers), head: headConfig("classification", ["neg", "pos"], 0.1, "pooler") }
      : { bottleneck: bottleneckConfig("seq_bn", { reductionFactor: 8 }, c.hiddenSize, c.numLayers), head: headConfig("classification", ["a", "b", "c"], 0.1, "cls") };
  const adapter = new Adapter(e, "hub", base, { ...spec, layerNorms: false }, { bottleneck: new Rng(1), head: new Rng(2) });
  const rng = new Rng(3);
  for (const [n, t] of adapter.parameters().map((p, i) => [i, p] as const)) for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * (n % 2 ? 0.1 : 0.3);
  return adapter;
}

async function expected(name: string): Promise<Map<string, TensorRecord>> {
  const { records } = await readSafetensors(join(ROOT, "expected", `${name}.safetensors`));
  return new Map(records.map((r) => [r.name, r]));
}

function labelsOf(r: TensorRecord | undefined): Labels {
  if (!r) throw new Error("fixture has no labels");
  return r.dtype === "I32" ? { kind: "classes", ids: r.data as Int32Array } : { kind: "values", values: toFloat32(r) };
}

/** Forward, loss and gradients of `adapter` on the fixture's inputs against the reference's. */
function checkAgainst(f: Map<string, TensorRecord>, e: Engine, base: BertModel, adapter: Adapter): Float32Array {
  const ints = (n: string): Int32Array => f.get(n)?.data as Int32Array;
  const ids = ints("input_ids");
  const B = 3;
  const input = { ids, typeIds: ints("token_type_ids"), attentionMask: ints("attention_mask"), batchSize: B, seqLength: ids.length / B };
  const { groups, output } = forwardAdapters(base, input, [adapter, adapter, adapter], ctx);
  const want = (n: string): Float32Array => {
    const r = f.get(n);
    if (!r) throw new Error(`fixture has no ${n}`);
    return toFloat32(r);
  };
  assert.ok(tensorDiff(output.lastHidden.data, want("out.last_hidden")).abs <= 1e-4, `last hidden: ${tensorDiff(output.lastHidden.data, want("out.last_hidden")).abs}`);
  const logits = groups[0].logits;
  assert.ok(tensorDiff(logits.data, want("out.logits")).abs <= 1e-4, `logits: ${tensorDiff(logits.data, want("out.logits")).abs}`);
  const loss = adapter.head.loss(logits, labelsOf(f.get("labels")));
  assert.ok(Math.abs(loss.item() - want("out.loss")[0]) <= 1e-4 * Math.max(1, Math.abs(want("out.loss")[0])), `loss ${loss.item()} vs ${want("out.loss")[0]}`);
  e.backward(loss);
  const named = [
    ...(adapter.bottleneck?.namedParameters() ?? []).map(([n, t]) => [toAdapterHubNames("bert", "hub", n, adapter.bottleneck?.config.lnBefore)[0], t] as const),
    ...adapter.head.namedParameters().map(([n, t]) => [toHubHeadName("hub", n, adapter.head.config), t] as const),
  ];
  const gradNames = [...f.keys()].filter((n) => n.startsWith("grad.")).map((n) => n.slice(5));
  assert.deepEqual(named.map(([n]) => n).sort(), gradNames.sort(), "the trained tensors are the reference's");
  for (const [n, t] of named) {
    const { rel, abs } = tensorDiff(t.grad ?? new Float32Array(t.size), want(`grad.${n}`));
    assert.ok(rel <= 1e-3, `grad ${n}: relative error ${rel} (max abs diff ${abs})`);
  }
  const out = Float32Array.from(logits.data);
  e.release();
  return out;
}

/** Saves the adapter, loads it back: every tensor bit for bit, the same config, the same logits. */
async function roundTrip(e: Engine, base: BertModel, adapter: Adapter, f: Map<string, TensorRecord>, logits: Float32Array): Promise<void> {
  const dir = join(tmp, `rt-${Math.random().toString(36).slice(2)}`);
  await saveAdapter(dir, adapter, { modelType: "bert", hiddenSize: base.config.hiddenSize });
  const back = await loadAdapter(e, dir, base);
  assert.deepEqual(back.spec.bottleneck, adapter.spec.bottleneck);
  assert.deepEqual(back.spec.head, adapter.spec.head);
  const a = new Map(adapter.namedParameters());
  for (const [n, t] of back.namedParameters()) assert.deepEqual(t.data, a.get(n)?.data, n);
  const again = checkAgainst(f, e, base, back);
  assert.deepEqual(again, logits);
}

function caseNames(): string[] {
  return readdirSync(join(ROOT, "expected")).filter((n) => n.endsWith(".safetensors")).map((n) => n.replace(".safetensors", "")).sort();
}

describe("AdapterHub parity", () => {
  const backends = [refBackend, testBackend()].filter((b, i, all) => all.findIndex((x) => x.name === b.name) === i);

  it("has the fixtures: five AdapterHub folders and two AdapterKit ones", () => {
    assert.deepEqual(caseNames(), ["adapterkit-houlsby", "adapterkit-seq_bn", "hub-custom-a", "hub-custom-b", "hub-custom-c", "hub-double_seq_bn", "hub-seq_bn"]);
  });

  it("writes the adapterkit-* folders it wrote when the fixtures were made, byte for byte", async () => {
    const e = new Engine({ backend: refBackend });
    const { model: base } = await loadPretrained(e, join(ROOT, "base"));
    for (const which of ["houlsby", "seq_bn"]) {
      const dir = join(tmp, `ak-${which}`);
      await saveAdapter(dir, adapterkitAdapter(e, base, which), { modelType: "bert", hiddenSize: base.config.hiddenSize });
      const fixture = join(ROOT, `adapterkit-${which}`);
      for (const file of readdirSync(dir).sort()) {
        if (process.env.ADAPTERKIT_UPDATE_FIXTURES === "1") {
          mkdirSync(fixture, { recursive: true });
          copyFileSync(join(dir, file), join(fixture, file));
        }
        assert.ok(readFileSync(join(dir, file)).equals(readFileSync(join(fixture, file))), `${which}/${file} differs from the fixture`);
      }
    }
  });

  for (const backend of backends as Backend[]) {
    for (const name of caseNames()) {
      it(`${name} on ${backend.name}: forward, loss and gradients match; a saved copy loads back bit for bit`, async () => {
        const e = new Engine({ backend });
        const { model: base } = await loadPretrained(e, join(ROOT, "base"));
        const adapter = await loadAdapter(e, join(ROOT, name), base);
        assert.equal((await readAdapterFolderInfo(join(ROOT, name))).parameters, adapter.info().parameters, "the folder's parameter count, read without a model");
        const f = await expected(name);
        const logits = checkAgainst(f, e, base, adapter);
        await roundTrip(e, base, adapter, f, logits);
      });
    }
  }
});
