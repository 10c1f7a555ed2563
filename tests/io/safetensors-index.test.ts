import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FormatError } from "../../src/errors.js";
import { readSafetensorsIndex } from "../../src/io/index.js";
import { assertMatchesReference, byName, CHECKPOINTS, loadReference, makeTempDir } from "./helpers/fixtures.js";

const isFormatError = (pattern: RegExp) => (e: unknown): boolean => e instanceof FormatError && pattern.test(e.message);

const SHARDED = join(CHECKPOINTS, "tiny-bert", "sharded");
const SHARD_FILES = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json"];

interface IndexJson {
  metadata: { total_size: number };
  weight_map: Record<string, string>;
}

describe("sharded safetensors (model.safetensors.index.json)", () => {
  const { dir, cleanup } = makeTempDir("st-index");
  after(cleanup);

  /** A copy of the sharded fixture in its own folder, with the index edited by `edit`. */
  function copyWith(name: string, edit?: (index: IndexJson) => void): string {
    const target = join(dir, name);
    mkdirSync(target, { recursive: true });
    for (const f of SHARD_FILES) copyFileSync(join(SHARDED, f), join(target, f));
    if (edit !== undefined) {
      const index = JSON.parse(readFileSync(join(target, SHARD_FILES[2]), "utf8")) as IndexJson;
      edit(index);
      writeFileSync(join(target, SHARD_FILES[2]), JSON.stringify(index));
    }
    return join(target, SHARD_FILES[2]);
  }

  for (const model of ["tiny-bert", "tiny-roberta"] as const) {
    it(`reads both shards of ${model} once each and matches the reference exactly`, async () => {
      const ref = loadReference(model);
      const { records, shards } = await readSafetensorsIndex(join(CHECKPOINTS, model, "sharded", "model.safetensors.index.json"));
      assert.deepEqual(shards.sort(), SHARD_FILES.slice(0, 2));
      const got = byName(records);
      const stored = ref.tensors.filter((t) => !ref.safetensorsOmits.includes(t.name));
      assert.equal(got.size, stored.length);
      for (const want of stored) {
        const record = got.get(want.name);
        assert.ok(record !== undefined, want.name);
        assertMatchesReference(record, want);
      }
    });
  }

  it("names the missing shard and a tensor it should hold", async () => {
    const index = copyWith("missing");
    rmSync(join(dir, "missing", SHARD_FILES[1]));
    await assert.rejects(readSafetensorsIndex(index),
      isFormatError(/^safetensors index\((?:[^)]*\/)?model\.safetensors\.index\.json\): shard "model-00002-of-00002\.safetensors" \(holding tensor "bert\..+" and \d+ more\) not found in /));
  });

  it("rejects a weight_map entry the shard does not hold", async () => {
    const index = copyWith("phantom", (i) => { i.weight_map["bert.extra.weight"] = SHARD_FILES[0]; });
    await assert.rejects(readSafetensorsIndex(index), isFormatError(/weight_map puts tensor "bert\.extra\.weight" in shard "model-00001-of-00002\.safetensors", which does not hold it/));
  });

  it("rejects a shard tensor the weight_map assigns elsewhere", async () => {
    const index = copyWith("moved", (i) => { i.weight_map["bert.pooler.dense.bias"] = SHARD_FILES[0]; });
    await assert.rejects(readSafetensorsIndex(index), isFormatError(/shard "model-00002-of-00002\.safetensors" holds tensor "bert\.pooler\.dense\.bias", which weight_map assigns to "model-00001-of-00002\.safetensors"/));
  });

  it("refuses shard names that are paths, so an index cannot point outside its folder", async () => {
    const index = copyWith("escape", (i) => { i.weight_map["bert.pooler.dense.bias"] = "../tiny-bert/model.safetensors"; });
    await assert.rejects(readSafetensorsIndex(index), isFormatError(/weight_map\["bert\.pooler\.dense\.bias"\] must be a shard file name beside the index/));
  });

  it("rejects an index without a weight_map, and invalid JSON", async () => {
    const index = copyWith("noweights");
    writeFileSync(index, JSON.stringify({ metadata: {} }));
    await assert.rejects(readSafetensorsIndex(index), isFormatError(/expected a JSON object with a "weight_map" object/));
    writeFileSync(index, "{ not json");
    await assert.rejects(readSafetensorsIndex(index), isFormatError(/^safetensors index\((?:[^)]*\/)?model\.safetensors\.index\.json\): not valid JSON/));
  });
});
