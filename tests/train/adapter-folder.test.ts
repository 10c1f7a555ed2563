// Adapter folders in AdapterHub's layout: save, load back exactly, and refuse what does not fit.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { AdapterSet, bottleneckConfig } from "../../src/adapters/index.js";
import { Engine } from "../../src/autograd/index.js";
import { ConfigError, FormatError } from "../../src/errors.js";
import { headConfig, TaskHead } from "../../src/heads/index.js";
import { readSafetensors } from "../../src/io/index.js";
import { refBackend } from "../../src/kernels/index.js";
import { BertModel, fromHfConfig } from "../../src/models/index.js";
import { Rng } from "../../src/rng.js";
import { attachAdapter, loadAdapterFolder, loadHeadWeights, saveAdapterFolder } from "../../src/train/adapter-folder.js";
import { TaskModel } from "../../src/train/task-model.js";

const config = fromHfConfig({
  model_type: "bert", vocab_size: 30, hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2,
  intermediate_size: 32, max_position_embeddings: 16, type_vocab_size: 2,
});
const tmp = mkdtempSync(join(tmpdir(), "adapterkit-folder-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function taskModel(seed: number): TaskModel {
  const e = new Engine({ backend: refBackend });
  const encoder = new BertModel(e, config, { seed: 1 });
  const adapters = new AdapterSet(e, config.hiddenSize, config.numLayers);
  const head = new TaskHead(e, headConfig("classification", ["neg", "pos"]), config.hiddenSize, new Rng(seed));
  return new TaskModel(encoder, adapters, head);
}

describe("adapter folders", () => {
  it("round-trips adapter, LayerNorms and head with AdapterHub names", async () => {
    const model = taskModel(2);
    const adapter = model.adapters.add("sst2", bottleneckConfig("houlsby", { bottleneckSize: 4 }, 16, 2), 5);
    const norm = model.encoder.namedParameters().find(([n]) => n === "encoder.layers.1.ffn.norm.weight");
    norm?.[1].data.fill(1.5);
    model.keepLayerNorms("sst2");
    const dir = join(tmp, "sst2");
    await saveAdapterFolder(dir, model, "sst2", config);

    assert.deepEqual(readdirSync(dir).sort(), ["adapter.safetensors", "adapter_config.json", "adapterkit_layernorms.safetensors", "head_config.json", "model_head.safetensors"]);
    const saved = await readSafetensors(join(dir, "adapter.safetensors"));
    assert.ok(saved.records.some((r) => r.name === "bert.encoder.layer.0.attention.output.adapters.sst2.adapter_down.0.weight"));
    assert.ok(saved.records.some((r) => r.name === "bert.encoder.layer.1.output.adapters.sst2.adapter_up.bias"));
    const hubConfig = JSON.parse(readFileSync(join(dir, "adapter_config.json"), "utf8"));
    assert.equal(hubConfig.config.reduction_factor, 4);
    assert.equal(hubConfig.config.non_linearity, "gelu_new");

    const loaded = await loadAdapterFolder(dir);
    assert.equal(loaded.name, "sst2");
    assert.deepEqual(loaded.adapter?.config, adapter.config);
    const fresh = taskModel(9);
    attachAdapter(fresh, fresh.adapters, loaded, dir);
    fresh.activate("sst2");
    for (const [n, t] of adapter.namedParameters()) {
      const other = fresh.adapters.get("sst2").namedParameters().find(([m]) => m === n);
      assert.deepEqual(Array.from(other?.[1].data ?? []), Array.from(t.data), n);
    }
    const freshNorm = fresh.encoder.namedParameters().find(([n]) => n === "encoder.layers.1.ffn.norm.weight");
    assert.ok(freshNorm?.[1].data.every((v) => v === 1.5), "activating the adapter swaps in its LayerNorms");
    fresh.activate(null);
    assert.ok(freshNorm?.[1].data.every((v) => v === 1), "deactivating restores the base LayerNorms");
    assert.ok(loaded.head);
    assert.deepEqual(loaded.head?.config.labels, ["neg", "pos"]);
    loadHeadWeights(fresh.head, loaded.head?.weights ?? new Map(), dir);
    assert.deepEqual(Array.from(fresh.head.classifier.weight.data), Array.from(model.head.classifier.weight.data));
  });

  it("names the file for a missing config, and rejects AdapterHub options AdapterKit does not compute", async () => {
    await assert.rejects(loadAdapterFolder(join(tmp, "nope")), (e: unknown) => e instanceof FormatError && /nope\/adapter_config.json/.test(e.message));
    const dir = join(tmp, "parallel");
    await saveAdapterFolder(dir, (() => { const m = taskModel(1); m.adapters.add("parallel", bottleneckConfig("pfeiffer", { bottleneckSize: 8 }, 16, 2)); return m; })(), "parallel", config);
    const cfg = JSON.parse(readFileSync(join(dir, "adapter_config.json"), "utf8"));
    cfg.config.is_parallel = true;
    writeFileSync(join(dir, "adapter_config.json"), JSON.stringify(cfg));
    await assert.rejects(loadAdapterFolder(dir), (e: unknown) => e instanceof ConfigError && /is_parallel = true/.test(e.message));
    assert.equal(existsSync(join(dir, "adapterkit_layernorms.safetensors")), false, "no LayerNorm file when none were kept");
  });
});
