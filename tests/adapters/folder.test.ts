// Adapter folders in AdapterHub's layout: save, load back exactly, and refuse what does not fit, naming the
// adapter and the file.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadAdapter, readAdapterFolderInfo, saveAdapter } from "../../src/adapters/index.js";
import { ConfigError, FormatError } from "../../src/errors.js";
import { encodeSafetensors, readSafetensors } from "../../src/io/index.js";
import { refBackend } from "../../src/kernels/index.js";
import { HEADS, randomAdapter, tinyBase, type AdapterKind } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "adapterkit-folder-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function savedFolder(name: string, kind: AdapterKind = "houlsby"): Promise<string> {
  const { e, base } = tinyBase(refBackend);
  const dir = join(tmp, name);
  await saveAdapter(dir, randomAdapter(e, base, name, kind, HEADS.classification, 3), base.config);
  return dir;
}

describe("adapter folders", () => {
  it("round-trip bottleneck, LayerNorms and head with AdapterHub names", async () => {
    const { e, base } = tinyBase(refBackend);
    const adapter = randomAdapter(e, base, "sst2", "houlsby", HEADS.classification, 5);
    const dir = join(tmp, "sst2");
    await saveAdapter(dir, adapter, base.config);
    assert.deepEqual(readdirSync(dir).sort(), ["adapter.safetensors", "adapter_config.json", "adapterkit_layernorms.safetensors", "head_config.json", "model_head.safetensors"]);
    const saved = await readSafetensors(join(dir, "adapter.safetensors"));
    assert.ok(saved.records.some((r) => r.name === "bert.encoder.layer.0.attention.output.adapters.sst2.adapter_down.0.weight"));
    const norms = await readSafetensors(join(dir, "adapterkit_layernorms.safetensors"));
    assert.ok(norms.records.some((r) => r.name === "bert.encoder.layer.1.output.LayerNorm.weight"));
    const loaded = await loadAdapter(e, dir, base, "copy");
    assert.equal(loaded.name, "copy");
    assert.deepEqual(loaded.bottleneck?.config, adapter.bottleneck?.config);
    const want = adapter.namedParameters();
    const got = loaded.namedParameters();
    assert.deepEqual(
      got.map(([n]) => n),
      want.map(([n]) => n),
    );
    want.forEach(([n, t], i) => assert.deepEqual(Array.from(got[i][1].data), Array.from(t.data), n));
    assert.deepEqual(loaded.head.config.labels, ["neg", "pos", "mixed"]);
    const info = await readAdapterFolderInfo(dir);
    assert.equal(info.parameters, adapter.info().parameters, "info counts every saved tensor without a model");
  });

  it("write a LayerNorm-only and a head-only run without a bottleneck, and read them back as such", async () => {
    const { e, base } = tinyBase(refBackend);
    for (const kind of ["layernorm-only", "head-only"] as const) {
      const dir = await savedFolder(`run-${kind}`, kind);
      const loaded = await loadAdapter(e, dir, base);
      assert.equal(loaded.bottleneck, null);
      assert.equal(loaded.layerNorms !== null, kind === "layernorm-only");
      assert.equal(loaded.info().kind, kind);
    }
  });

  it("refuse a missing folder, options AdapterKit does not compute, and bad fields, naming the file", async () => {
    const { e, base } = tinyBase(refBackend);
    await assert.rejects(loadAdapter(e, join(tmp, "nope"), base), (err: unknown) => err instanceof ConfigError && /nope: no such adapter folder/.test(err.message));
    const edit = async (
      name: string,
      file: string,
      change: (json: { config: Record<string, unknown>; adapterkit: Record<string, unknown> }) => void,
      pattern: RegExp,
      named = file,
    ): Promise<void> => {
      const dir = await savedFolder(name);
      const json = JSON.parse(readFileSync(join(dir, file), "utf8"));
      change(json);
      writeFileSync(join(dir, file), JSON.stringify(json));
      await assert.rejects(
        loadAdapter(e, dir, base),
        (err: unknown) => (err instanceof ConfigError || err instanceof FormatError) && pattern.test(err.message) && err.message.includes(named),
        `${name}: ${pattern}`,
      );
    };
    await edit(
      "parallel",
      "adapter_config.json",
      (j) => {
        j.config.is_parallel = true;
      },
      /is_parallel = true/,
    );
    await edit(
      "zero",
      "adapter_config.json",
      (j) => {
        j.config.reduction_factor = 0;
      },
      /expected a positive number for reduction_factor, got 0/,
    );
    await edit(
      "leave",
      "adapter_config.json",
      (j) => {
        j.config.leave_out = ["x"];
      },
      /leave_out to be a list of layer numbers/,
    );
    await edit(
      "leave-high",
      "adapter_config.json",
      (j) => {
        j.config.leave_out = [7];
      },
      /leave_out entries to be layer numbers in \[0,2\)/,
    );
    await edit(
      "kind",
      "head_config.json",
      (j) => {
        j.adapterkit.kind = "ranking";
      },
      /unknown head kind adapterkit.kind = "ranking"/,
    );
    await edit(
      "labels",
      "head_config.json",
      (j) => {
        j.config.label2id = { neg: 0, pos: 1 };
      },
      /label2id.*3 labels/,
    );
    await edit(
      "labels-dup",
      "head_config.json",
      (j) => {
        j.config.label2id = { neg: 0, pos: 1, mixed: 1 };
      },
      /distinct id/,
    );
    await edit(
      "numlabels",
      "head_config.json",
      (j) => {
        j.config.num_labels = 2;
        j.config.label2id = { neg: 0, pos: 1 };
      },
      /adapter "numlabels".*mis-shaped \[classifier.weight expected \[2,16\]/,
      "model_head.safetensors",
    );
  });

  it("refuse a LayerNorm set that misses tensors, naming the adapter and the file", async () => {
    const { e, base } = tinyBase(refBackend);
    const dir = await savedFolder("partial");
    const path = join(dir, "adapterkit_layernorms.safetensors");
    const { records } = await readSafetensors(path);
    unlinkSync(path);
    writeFileSync(path, Buffer.concat(encodeSafetensors(records.filter((r) => !r.name.includes("layer.1.output")))));
    await assert.rejects(
      loadAdapter(e, dir, base),
      (err: unknown) =>
        err instanceof FormatError &&
        /adapter "partial" \(.*adapterkit_layernorms.safetensors\): expected matching tensors, got missing \[encoder.layers.1.ffn.norm.weight, encoder.layers.1.ffn.norm.bias\]/.test(
          err.message,
        ),
    );
  });

  it("refuse an adapter for another hidden size", async () => {
    const dir = await savedFolder("wide");
    const json = JSON.parse(readFileSync(join(dir, "adapter_config.json"), "utf8"));
    json.hidden_size = 32;
    json.config.reduction_factor = 8;
    writeFileSync(join(dir, "adapter_config.json"), JSON.stringify(json));
    const { e, base } = tinyBase(refBackend);
    await assert.rejects(
      loadAdapter(e, dir, base),
      (err: unknown) => err instanceof ConfigError && /adapter "wide".*expected hidden_size 16 \(the base model's\), got 32/.test(err.message),
    );
  });
});
