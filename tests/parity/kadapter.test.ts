// Parity of K-Adapter with an independent PyTorch implementation (tests/fixtures/gen/make_parity_kadapter.py):
// knowledge adapters beside a tiny 4-layer BERT, their fusion and the four K-Adapter heads, on a padded batch.
// Per case: the adapters' outputs (and fused features), logits and loss within 1e-4, and the gradient of every
// trainable parameter within 1e-3 relative (max abs diff over max |want|). The fixtures hold the reference's
// tensor names, so loading them also checks kadapterReferenceName.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { Engine, type Tensor } from "../../src/autograd/index.js";
import type { Batch } from "../../src/data/index.js";
import { DependencyHead, EntityTypingHead, RelationClassificationHead, RelationHead, type Labels } from "../../src/heads/index.js";
import { readSafetensors, toFloat32, type TensorRecord } from "../../src/io/index.js";
import { refBackend, type Backend } from "../../src/kernels/index.js";
import { fromKAdapterJson, KAdapterModel, kadapterReferenceName, KnowledgeAdapter, KnowledgeFusion, KnowledgePretrainModel, KnowledgeTaskModel, type FusionMode } from "../../src/kadapter/index.js";
import { BertModel, fromHfConfig, hfName, mapCheckpoint } from "../../src/models/index.js";
import { Rng } from "../../src/rng.js";
import { testBackend } from "../helpers/backend.js";
import { tensorDiff } from "../helpers/close.js";

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), "../../../tests/fixtures/parity/kadapter");
const ctx = { training: false, rng: new Rng(0) }; // the fixtures run with dropout off
const OUTPUT_TOLERANCE = 1e-4; // max abs diff (DESIGN.md)
const GRAD_TOLERANCE = 1e-3; // relative (DESIGN.md)
const ZERO_GRAD_TOLERANCE = 1e-5; // abs, for gradients that are zero in exact arithmetic (float32 noise on both sides)

interface Fixture {
  file: string;
  meta: Record<string, string>;
  byName: Map<string, TensorRecord>;
}

function floats(f: Fixture, name: string): Float32Array {
  const r = f.byName.get(name);
  if (!r) throw new Error(`${f.file}: no tensor "${name}"`);
  return toFloat32(r);
}

function ints(f: Fixture, name: string): Int32Array {
  const r = f.byName.get(name);
  if (!r || r.dtype !== "I32") throw new Error(`${f.file}: no I32 tensor "${name}"`);
  return r.data;
}


// Our head and fusion parameter names -> the reference modules' (fac-adapter.py, lin-adapter.py, ETModel, TACREDModel).
const REFERENCE_NAMES: [RegExp, string][] = [
  [/^comDense\./, "com_dense."],
  [/^outProj\./, "out_proj."],
  [/^attention\.(query|key|value)\./, "self_attention.self.$1."],
  [/^attention\.output\./, "self_attention.output.dense."],
  [/^attention\.norm\./, "self_attention.output.LayerNorm."],
  [/^perAdapter\.0\./, "task_dense_fac."],
  [/^perAdapter\.1\./, "task_dense_lin."],
  [/^task\./, "task_dense."],
];

function referenceName(name: string): string {
  const found = REFERENCE_NAMES.find(([pattern]) => pattern.test(name));
  return found ? name.replace(found[0], found[1]) : name;
}

type Head = RelationHead | DependencyHead | EntityTypingHead | RelationClassificationHead;

function build(f: Fixture, backend: Backend) {
  const e = new Engine({ backend });
  const config = fromHfConfig(JSON.parse(f.meta.config) as Record<string, unknown>);
  const plm = new BertModel(e, config);
  const records = [...f.byName.values()].filter((r) => r.name.startsWith("bert.")).map((r) => ({ name: r.name, shape: r.shape, data: toFloat32(r) }));
  plm.loadWeights(mapCheckpoint(records, config).params, f.file);

  const rng = new Rng(0);
  const adapterJson = JSON.parse(f.meta.kadapter_configs) as Record<string, unknown>;
  const adapters = Object.entries(adapterJson).map(([prefix, json]) => ({ prefix, adapter: new KnowledgeAdapter(e, fromKAdapterJson(json, `${f.file} kadapter_configs`), rng) }));
  const H = config.hiddenSize;
  const C = Number(f.meta.num_labels);
  const headType = f.meta.head_type;
  const head: Head = headType === "relation" ? new RelationHead(e, { hiddenSize: H, numRelations: C }, rng)
    : headType === "dependency" ? new DependencyHead(e, { hiddenSize: H, maxSeqLength: C }, rng)
      : headType === "entity_typing" ? new EntityTypingHead(e, { hiddenSize: H, numTypes: C }, rng)
        : new RelationClassificationHead(e, { hiddenSize: H, numRelations: C }, rng);
  const fusion = f.meta.fusion_mode === "none" ? null : new KnowledgeFusion(e, f.meta.fusion_mode as FusionMode, H, adapters.length, rng);

  // every parameter with its fixture name; each gets the fixture's weights
  const params: [string, Tensor][] = [
    ...plm.namedParameters().map(([n, t]): [string, Tensor] => [`bert.${hfName(n)}`, t]),
    ...adapters.flatMap(({ prefix, adapter }) => adapter.namedParameters().map(([n, t]): [string, Tensor] => [prefix + kadapterReferenceName(n), t])),
    ...(fusion?.namedParameters() ?? []).map(([n, t]): [string, Tensor] => [referenceName(n), t]),
    ...head.namedParameters().map(([n, t]): [string, Tensor] => [referenceName(n), t]),
  ];
  for (const [name, t] of params) t.data.set(floats(f, name));
  const trainable = new Set(JSON.parse(f.meta.trainable) as string[]);
  for (const [name, t] of params) t.requiresGrad = trainable.has(name);

  const B = 3;
  const T = ints(f, "input_ids").length / B;
  const attentionMask = ints(f, "attention_mask");
  const input = { ids: ints(f, "input_ids"), typeIds: ints(f, "token_type_ids"), attentionMask, batchSize: B, seqLength: T };

  // the fixture's marker positions (subject/object starts, or the entity start) as a batch carries them
  const markerNames = headType === "entity_typing" ? ["entity_start"] : headType === "dependency" ? [] : ["subj_start", "obj_start"];
  const P = markerNames.length;
  const markers = P ? Int32Array.from({ length: B * P }, (_, i) => ints(f, markerNames[i % P])[Math.floor(i / P)]) : null;
  const labelRecord = f.byName.get("labels");
  const labels: Labels = labelRecord?.dtype === "I32" ? { kind: "classes", ids: labelRecord.data } : { kind: "values", values: floats(f, "labels") };
  const batch: Batch = { ...input, labels, markers, examples: [] };

  /** The case's forward pass through the task model the training commands run: named outputs, logits and loss. */
  const run = (): { outputs: [string, Tensor][]; logits: Tensor; loss: Tensor } => {
    if (head instanceof RelationHead || head instanceof DependencyHead) {
      const model = new KnowledgePretrainModel(new KAdapterModel(plm, [adapters[0].adapter], null), head);
      const out = model.model.forward(input, ctx);
      const logits = model.forward(batch, ctx);
      return { outputs: [["out.plm_last", out.plmLast], ["out.adapter_last", out.adapterOutputs[0]]], logits, loss: model.loss(logits, labels, batch) };
    }
    assert.ok(fusion, `${f.file}: a downstream case has a fusion`);
    const model = new KnowledgeTaskModel(new KAdapterModel(plm, adapters.map((a) => a.adapter), fusion), head);
    const out = model.model.forward(input, ctx);
    const outputs: [string, Tensor][] = [
      ["out.plm_last", out.plmLast], ["out.fac_adapter_last", out.adapterOutputs[0]], ["out.lin_adapter_last", out.adapterOutputs[1]],
      ["out.task_features", out.features],
    ];
    const logits = model.forward(batch, ctx);
    return { outputs, logits, loss: model.loss(logits, labels) };
  };
  return { e, params, trainable, run };
}

function checkCase(file: string, backend: Backend): void {
  it(`${file.replace(".safetensors", "")} matches PyTorch on ${backend.name}`, async (t: TestContext) => {
    const { records, metadata } = await readSafetensors(join(FIXTURES, file));
    const f: Fixture = { file, meta: metadata ?? {}, byName: new Map(records.map((r) => [r.name, r])) };
    const { e, params, trainable, run } = build(f, backend);

    // the modules have exactly the fixture's weights, and the trainable ones are the fixture's
    const weightNames = records.map((r) => r.name).filter((n) => !/^(out|grad)\./.test(n) && f.byName.get(n)?.dtype === "F32" && n !== "labels");
    assert.deepEqual(params.map(([n]) => n).sort(), weightNames.sort(), "parameter names");
    assert.equal(params.filter(([, p]) => p.requiresGrad).length, trainable.size, "trainable set");

    const { outputs, logits, loss } = run();
    let worstOutput = 0;
    for (const [name, tensor] of [...outputs, ["out.logits", logits], ["out.loss", loss]] as [string, Tensor][]) {
      const { abs } = tensorDiff(tensor.data, floats(f, name));
      worstOutput = Math.max(worstOutput, abs);
      assert.ok(abs <= OUTPUT_TOLERANCE, `${name} ${tensor.shape}: max abs diff ${abs}`);
    }

    e.backward(loss);
    const zeroInExact = new Set(JSON.parse(f.meta.zero_in_exact_arithmetic) as string[]);
    let worstGrad = 0;
    for (const [name, p] of params.filter(([, p]) => p.requiresGrad)) {
      const { abs, rel } = tensorDiff(p.grad ?? new Float32Array(p.size), floats(f, `grad.${name}`));
      if (zeroInExact.has(name)) {
        assert.ok(abs <= ZERO_GRAD_TOLERANCE, `grad ${name}: abs diff ${abs} (zero in exact arithmetic)`);
      } else {
        worstGrad = Math.max(worstGrad, rel);
        assert.ok(rel <= GRAD_TOLERANCE, `grad ${name} ${p.shape}: relative error ${rel} (max abs diff ${abs})`);
      }
    }
    e.release();
    t.diagnostic(`outputs/logits/loss max abs diff ${worstOutput.toExponential(2)}; gradients (${trainable.size}) max relative error ${worstGrad.toExponential(2)}`);
  });
}

describe("K-Adapter parity with the PyTorch reference", () => {
  const files = readdirSync(FIXTURES).filter((name) => name.endsWith(".safetensors")).sort();
  it("has the fixtures", () => assert.equal(files.length, 4, `found ${files.join(", ")}`));
  const backends = [refBackend, testBackend()].filter((b, i, all) => all.findIndex((x) => x.name === b.name) === i);
  for (const backend of backends) for (const file of files) checkCase(file, backend);
});
