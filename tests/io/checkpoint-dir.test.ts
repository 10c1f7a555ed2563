import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FormatError } from "../../src/errors.js";
import { readCheckpointDir } from "../../src/io/index.js";
import { assertMatchesReference, byName, CHECKPOINTS, loadReference, makeTempDir, DATA } from "./helpers/fixtures.js";
import { DT_FLOAT, writeTfCheckpoint } from "./helpers/tf-checkpoint-writer.js";

const isFormatError = (pattern: RegExp) => (e: unknown): boolean => e instanceof FormatError && pattern.test(e.message);

describe("readCheckpointDir", () => {
  const { dir, cleanup } = makeTempDir("ckdir");
  after(cleanup);
  const ref = loadReference("tiny-bert");

  it("prefers model.safetensors and returns config.json raw", async () => {
    const found = await readCheckpointDir(join(CHECKPOINTS, "tiny-bert"));
    assert.equal(found.format, "safetensors");
    assert.equal(found.weightsFile, "model.safetensors");
    assert.equal(found.configFile, "config.json");
    assert.equal(found.configJson?.model_type, "bert");
    assert.equal(found.configJson?.layer_norm_eps, 1e-12);
    const got = byName(found.records);
    for (const want of ref.tensors.filter((t) => !ref.safetensorsOmits.includes(t.name))) {
      const record = got.get(want.name);
      assert.ok(record !== undefined, want.name);
      assertMatchesReference(record, want);
    }
  });

  it("finds a sharded index, a pytorch_model.bin, and keeps half precision on request", async () => {
    assert.equal((await readCheckpointDir(join(CHECKPOINTS, "tiny-roberta", "sharded"))).format, "safetensors-sharded");
    const strided = await readCheckpointDir(join(CHECKPOINTS, "tiny-bert", "strided"));
    assert.equal(strided.format, "pytorch-bin");
    assert.equal(strided.configJson, undefined);
    assert.equal(strided.records.length, ref.tensors.length);
    const half = await readCheckpointDir(join(CHECKPOINTS, "tiny-bert", "bf16"), { keepHalf: true });
    assert.equal(half.records.find((r) => r.name === "bert.pooler.dense.weight")?.dtype, "BF16");
  });

  it("reads a Google folder (bert_model.ckpt.* + bert_config.json)", async () => {
    const google = join(dir, "google");
    mkdirSync(google);
    copyFileSync(join(DATA, "checkpoints/google-bert-mini-L4-H256-index/bert_config.json"), join(google, "bert_config.json"));
    const kernel = Float32Array.from({ length: 6 }, (_, i) => i / 7);
    writeTfCheckpoint(join(google, "bert_model.ckpt"), [
      { name: "bert/pooler/dense/kernel", dtype: DT_FLOAT, shape: [2, 3], bytes: new Uint8Array(kernel.buffer) },
    ]);
    const found = await readCheckpointDir(google);
    assert.equal(found.format, "tf-checkpoint");
    assert.equal(found.configFile, "bert_config.json");
    assert.equal(found.configJson?.hidden_size, 256);
    const [record] = found.records;
    assert.ok(record.dtype === "F32");
    assert.deepEqual(Array.from(record.data), Array.from(kernel));
  });

  it("names the folder and every file it looked for when none is there", async () => {
    const empty = join(dir, "empty");
    mkdirSync(empty);
    writeFileSync(join(empty, "config.json"), "{}");
    await assert.rejects(readCheckpointDir(empty), isFormatError(
      /^checkpoint dir\(.*empty\): no weights found; looked for model\.safetensors, model\.safetensors\.index\.json, pytorch_model\.bin, bert_model\.ckpt\.index, model\.ckpt\.index$/));
    await assert.rejects(readCheckpointDir(join(dir, "missing")), isFormatError(/^checkpoint dir\(.*missing\): not a directory; expected a folder holding one of model\.safetensors/));
  });

  it("reports a malformed config.json by file name", async () => {
    const bad = join(dir, "badconfig");
    mkdirSync(bad);
    copyFileSync(join(CHECKPOINTS, "tiny-bert", "model.safetensors"), join(bad, "model.safetensors"));
    writeFileSync(join(bad, "config.json"), "{ nope");
    await assert.rejects(readCheckpointDir(bad), isFormatError(/^config\.json\(.*badconfig\/config\.json\): not valid JSON/));
  });
});
