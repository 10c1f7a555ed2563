// kadapter import: a file in the layout of microsoft/K-Adapter's released adapters (written by
// tests/fixtures/gen/make_kadapter_release.py with Debian's PyTorch, legacy torch.save format) becomes a
// knowledge-adapter folder holding exactly its adapter tensors; the pretraining head is reported and left out.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Engine } from "../../src/autograd/index.js";
import { ConfigError } from "../../src/errors.js";
import { readPytorchBin } from "../../src/io/index.js";
import { importReleasedAdapter, kadapterReferenceName, loadKnowledgeAdapter } from "../../src/kadapter/index.js";
import { refBackend } from "../../src/kernels/index.js";

const RELEASE = resolve(dirname(fileURLToPath(import.meta.url)), "../../../tests/fixtures/checkpoints/kadapter-release/pytorch_model.bin");
const tmp = mkdtempSync(join(tmpdir(), "adapterkit-kimport-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

it("imports the adapter tensors bit for bit, sizes read from the tensors, the head left out", async () => {
  const e = new Engine({ backend: refBackend });
  const out = join(tmp, "fac");
  const { config, leftOut } = await importReleasedAdapter(e, RELEASE, out, { plmLayers: 4, pluginLayers: [0, 1, 3], numHeads: 2 });
  assert.deepEqual(
    [config.plmHidden, config.adapterHidden, config.intermediateSize, config.transformerLayers, config.pluginLayers],
    [16, 8, 32, 2, [0, 1, 3]],
  );
  assert.deepEqual(leftOut, ["com_dense.weight", "com_dense.bias", "dense.weight", "dense.bias", "out_proj.weight", "out_proj.bias"]);
  const source = new Map((await readPytorchBin(RELEASE)).map((r) => [r.name, r]));
  const adapter = await loadKnowledgeAdapter(out, e);
  const params = adapter.namedParameters();
  assert.equal(params.length, [...source.keys()].filter((n) => n.startsWith("adapter.")).length);
  for (const [name, t] of params) assert.deepEqual(Array.from(t.data), Array.from(source.get(kadapterReferenceName(name))?.data as Float32Array), name);
});

it("refuses plug-in points that do not match the file's adapter layers, naming the file", async () => {
  const e = new Engine({ backend: refBackend });
  await assert.rejects(importReleasedAdapter(e, RELEASE, join(tmp, "bad"), { plmLayers: 4, pluginLayers: [0, 3], numHeads: 2 }),
    (err: unknown) => err instanceof ConfigError && /kadapter-release\/pytorch_model.bin: the file holds 3 adapter layers, but 2 plug-in points were given/.test(err.message));
});
