// loadPretrained on every checkpoint format: each loads the same weights into the encoder.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Engine } from "../../src/autograd/index.js";
import { FormatError } from "../../src/errors.js";
import { refBackend } from "../../src/kernels/index.js";
import { inferModelType, loadPretrained, tfName, type BertModel } from "../../src/models/index.js";
import { DT_FLOAT, writeTfCheckpoint } from "../io/helpers/tf-checkpoint-writer.js";
import { encodeSafetensors, readSafetensors } from "../../src/io/index.js";
import { Rng } from "../../src/rng.js";

const CHECKPOINTS = resolve(dirname(fileURLToPath(import.meta.url)), "../../../tests/fixtures/checkpoints");
const tmp = mkdtempSync(join(tmpdir(), "adapterkit-load-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function folderWith(name: string, model: string, weights: string[]): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(CHECKPOINTS, model, "config.json"), join(dir, "config.json"));
  for (const w of weights) copyFileSync(join(CHECKPOINTS, model, w), join(dir, w.split("/").pop() ?? w));
  return dir;
}

function params(model: BertModel): Map<string, number[]> {
  return new Map(model.namedParameters().map(([n, t]) => [n, Array.from(t.data)]));
}

describe("loadPretrained", () => {
  it("loads a checkpoint without a pooler (a *ForMaskedLM export, RoBERTa's) into a model without one, and says so", async () => {
    const e = new Engine({ backend: refBackend });
    for (const model of ["tiny-bert", "tiny-roberta"]) {
      const reference = await loadPretrained(e, join(CHECKPOINTS, model));
      const dir = folderWith(`${model}-no-pooler`, model, []);
      const { records } = await readSafetensors(join(CHECKPOINTS, model, "model.safetensors"));
      writeFileSync(join(dir, "model.safetensors"), Buffer.concat(encodeSafetensors(records.filter((r) => !r.name.includes("pooler")))));
      const loaded = await loadPretrained(e, dir);
      assert.equal(loaded.model.pooler, null);
      assert.ok(loaded.notes.some((n) => /has no pooler.*built without one/.test(n)), loaded.notes.join("; "));
      const want = params(reference.model);
      for (const [n, v] of params(loaded.model)) assert.deepEqual(v, want.get(n), n);
      const input = { ids: Int32Array.of(0, 5, 6, 2), batchSize: 1, seqLength: 4 };
      const ctx = { training: false, rng: new Rng(0) };
      const out = loaded.model.forward(input, ctx);
      assert.equal(out.pooled, null);
      assert.deepEqual(Array.from(out.lastHidden.data), Array.from(reference.model.forward(input, ctx).lastHidden.data), "the encoder computes the same without its pooler");
      // one pooler tensor without the other is still an error
      const half = folderWith(`${model}-half-pooler`, model, []);
      writeFileSync(join(half, "model.safetensors"), Buffer.concat(encodeSafetensors(records.filter((r) => !r.name.endsWith("pooler.dense.bias")))));
      await assert.rejects(loadPretrained(e, half), /missing 1: .*pooler\.dense\.bias/);
    }
  });

  it("reads a config.json without model_type (older Hugging Face versions) from architectures, else the tensor names, and says which", async () => {
    const e = new Engine({ backend: refBackend });
    for (const model of ["tiny-bert", "tiny-roberta"]) {
      const reference = await loadPretrained(e, join(CHECKPOINTS, model));
      const config = JSON.parse(readFileSync(join(CHECKPOINTS, model, "config.json"), "utf8")) as Record<string, unknown>;
      delete config.model_type;
      const type = model === "tiny-bert" ? "bert" : "roberta";
      for (const [variant, edit, how] of [
        ["architectures", (c: Record<string, unknown>) => { c.architectures = [type === "bert" ? "BertForMaskedLM" : "RobertaForMaskedLM"]; }, /from architectures \((Bert|Roberta)ForMaskedLM\)/],
        ["names", (c: Record<string, unknown>) => { delete c.architectures; }, new RegExp(`from the tensor names \\(${type}\\.\\*\\)`)],
      ] as const) {
        const dir = folderWith(`${model}-old-${variant}`, model, ["model.safetensors"]);
        const old = { ...config };
        edit(old);
        writeFileSync(join(dir, "config.json"), JSON.stringify(old));
        const loaded = await loadPretrained(e, dir);
        assert.equal(loaded.config.modelType, type);
        assert.equal(loaded.notes.length, 1);
        assert.match(loaded.notes[0], new RegExp(`config.json has no model_type; read it as ${type}, `));
        assert.match(loaded.notes[0], how);
        assert.deepEqual(params(loaded.model), params(reference.model), `${model} (${variant}): the same weights`);
      }
    }
    // tensors without a prefix and a config that names nothing: an error saying what to add
    assert.throws(() => inferModelType({ architectures: ["T5Model"] }, ["encoder.layer.0.output.dense.weight"], "old/config.json"),
      /old\/config.json: expected "model_type" \(bert or roberta\); got none, architectures \["T5Model"\] naming neither, and tensor names that have neither a bert. nor a roberta. prefix; hint: add "model_type"/);
  });

  for (const model of ["tiny-bert", "tiny-roberta"]) {
    it(`${model}: safetensors, sharded safetensors, pytorch_model.bin and a strided .bin load identical weights`, async () => {
      const e = new Engine({ backend: refBackend });
      const reference = await loadPretrained(e, join(CHECKPOINTS, model));
      assert.equal(reference.format, "safetensors");
      assert.equal(reference.config.modelType, model === "tiny-bert" ? "bert" : "roberta");
      assert.ok(reference.unexpected.some((n) => /cls\.|lm_head\./.test(n)), "the MLM head is reported as unexpected");
      const want = params(reference.model);
      const variants: [string, string[]][] = [
        ["sharded", ["sharded/model.safetensors.index.json", "sharded/model-00001-of-00002.safetensors", "sharded/model-00002-of-00002.safetensors"]],
        ["bin", ["pytorch_model.bin"]],
        ["strided", ["strided/pytorch_model.bin"]],
        ["legacy", ["legacy/pytorch_model.bin"]],
      ];
      for (const [name, files] of variants) {
        const loaded = await loadPretrained(e, folderWith(`${model}-${name}`, model, files));
        assert.deepEqual(params(loaded.model), want, `${model} ${name}`);
      }
      await assert.rejects(loadPretrained(e, join(CHECKPOINTS, model), { strict: true }), (err: unknown) => err instanceof FormatError && /unexpected/.test(err.message));
    });
  }

  it("a Google TF checkpoint (bert_config.json, kernels [in, out]) loads the same weights", async () => {
    const e = new Engine({ backend: refBackend });
    const reference = await loadPretrained(e, join(CHECKPOINTS, "tiny-bert"));
    const dir = join(tmp, "google");
    mkdirSync(dir);
    const hf = JSON.parse(readFileSync(join(CHECKPOINTS, "tiny-bert", "config.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(dir, "bert_config.json"), JSON.stringify({ ...hf, hidden_act: "gelu", model_type: undefined }));
    const tensors = reference.model.namedParameters().map(([n, t]) => {
      const { tf, transposed } = tfName(n);
      const [rows, cols] = t.shape.length === 2 ? t.shape : [1, t.size];
      const data = new Float32Array(t.size);
      if (transposed) for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[c * rows + r] = t.data[r * cols + c];
      else data.set(t.data);
      return { name: tf, dtype: DT_FLOAT, shape: transposed ? [cols, rows] : [...t.shape], bytes: new Uint8Array(data.buffer) };
    });
    writeTfCheckpoint(join(dir, "bert_model.ckpt"), tensors);
    const google = await loadPretrained(e, dir);
    assert.equal(google.format, "tf-checkpoint");
    assert.deepEqual(google.config.hiddenActivation, { kind: "gelu", approximation: "tanh" }, "Google's gelu is the tanh form");
    assert.deepEqual(params(google.model), params(reference.model));
  });
});
