// Checkpoints as BertForMaskedLM / RobertaForMaskedLM save them (tests/fixtures/gen/make_maskedlm_checkpoints.py):
// no pooler, an MLM head, a legacy (pre-1.6) torch.save file, configs without model_type. Each loads, says
// what it decided, matches every tensor exactly and PyTorch's forward within 1e-4.
import assert from "node:assert/strict";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Engine } from "../../src/autograd/index.js";
import { readSafetensors, toFloat32 } from "../../src/io/index.js";
import { refBackend } from "../../src/kernels/index.js";
import { hfName, loadPretrained } from "../../src/models/index.js";
import { Rng } from "../../src/rng.js";
import { testBackend } from "../helpers/backend.js";
import { tensorDiff } from "../helpers/close.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../tests/fixtures/checkpoints");

const CASES = [
  { name: "bert-mlm", prefix: "bert", how: /has no model_type; read it as bert, from architectures/, head: "cls.predictions.transform.dense.weight" },
  { name: "roberta-mlm", prefix: "roberta", how: /has no model_type; read it as roberta, from (the )?tensor name/, head: "lm_head.dense.weight" },
];

describe("*ForMaskedLM checkpoints", () => {
  const backends = [refBackend, testBackend()].filter((b, i, all) => all.findIndex((x) => x.name === b.name) === i);
  for (const c of CASES) {
    for (const backend of backends) {
      it(`${c.name} on ${backend.name}: loads without a pooler, saying so and how it read the config; every tensor and the forward match PyTorch`, async () => {
        const e = new Engine({ backend });
        const loaded = await loadPretrained(e, join(ROOT, c.name));
        assert.equal(loaded.config.modelType, c.prefix);
        assert.ok(loaded.notes.some((n) => c.how.test(n)), loaded.notes.join("\n"));
        assert.ok(loaded.notes.some((n) => /has no pooler/.test(n)), loaded.notes.join("\n"));
        assert.equal(loaded.model.pooler, null);
        assert.ok(loaded.unexpected.includes(c.head), `the MLM head is skipped: ${loaded.unexpected.join(", ")}`);
        const { records } = await readSafetensors(join(ROOT, "reference", `${c.name}.safetensors`));
        const ref = new Map(records.map((r) => [r.name, r]));
        const params = loaded.model.namedParameters();
        assert.equal(params.length, [...ref.keys()].filter((k) => k.startsWith(`sd.${c.prefix}.`)).length, "every encoder tensor, no more");
        for (const [n, t] of params) {
          const r = ref.get(`sd.${c.prefix}.${hfName(n)}`);
          assert.ok(r, `reference has ${hfName(n)}`);
          assert.deepEqual(t.data, toFloat32(r), n);
        }
        const ids = ref.get("input_ids")?.data as Int32Array;
        const mask = ref.get("attention_mask")?.data as Int32Array;
        const input = { ids, typeIds: new Int32Array(ids.length), attentionMask: mask, batchSize: 2, seqLength: ids.length / 2 };
        const out = loaded.model.forward(input, { training: false, rng: new Rng(0) });
        const want = ref.get("out.last_hidden");
        assert.ok(want);
        const { abs } = tensorDiff(out.lastHidden.data, toFloat32(want));
        assert.ok(abs <= 1e-4, `last hidden: max abs diff ${abs}`);
      });
    }
  }
});
