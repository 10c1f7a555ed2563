import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FormatError } from "../../src/errors.js";
import { parsePytorchBin, readPytorchBin } from "../../src/io/index.js";
import { assertMatchesReference, byName, CHECKPOINTS, loadReference, makeTempDir } from "./helpers/fixtures.js";
import { f32Bytes, PickleWriter, stateDictPickle, torchZip, type CraftedTensor } from "./helpers/pickle-writer.js";

const isFormatError = (pattern: RegExp) => (e: unknown): boolean => e instanceof FormatError && pattern.test(e.message);

for (const model of ["tiny-bert", "tiny-roberta"] as const) {
  describe(`pytorch_model.bin fixtures: ${model} (torch.save zip)`, () => {
    const ref = loadReference(model);

    it("reads every tensor, tied ones included, and matches the reference exactly", async () => {
      const records = await readPytorchBin(join(CHECKPOINTS, model, "pytorch_model.bin"));
      assert.deepEqual(records.map((r) => r.name), ref.tensors.map((t) => t.name), "state dict order is kept");
      const got = byName(records);
      for (const want of ref.tensors) {
        const record = got.get(want.name);
        assert.ok(record !== undefined);
        assert.equal(record.dtype, want.dtype, want.name);
        assertMatchesReference(record, want);
      }
      for (const [alias, target] of ref.tied) {
        const a = got.get(alias);
        const b = got.get(target);
        assert.ok(a !== undefined && b !== undefined);
        assert.equal(a.data.buffer, b.data.buffer, `${alias} shares its storage with ${target}`);
      }
    });

    it("reads the legacy (pre-1.6, non-zip) torch.save form of the same state dict (tests/fixtures/gen/make_legacy_bin.py)", async () => {
      const records = await readPytorchBin(join(CHECKPOINTS, model, "legacy", "pytorch_model.bin"));
      assert.deepEqual(records.map((r) => r.name), ref.tensors.map((t) => t.name), "state dict order is kept");
      const got = byName(records);
      for (const want of ref.tensors) {
        const record = got.get(want.name);
        assert.ok(record !== undefined, want.name);
        assertMatchesReference(record, want);
      }
      for (const [alias, target] of ref.tied) assert.equal(got.get(alias)?.data.buffer, got.get(target)?.data.buffer, `${alias} shares its storage with ${target}`);
    });

    it("reads views of shared storages: q/k/v slices at non-zero offsets, transposed and step-sliced weights", async () => {
      const records = byName(await readPytorchBin(join(CHECKPOINTS, model, "strided", "pytorch_model.bin")));
      assert.equal(records.size, ref.tensors.length);
      for (const want of ref.tensors) {
        const record = records.get(want.name);
        assert.ok(record !== undefined, want.name);
        assertMatchesReference(record, want);
      }
    });

    for (const half of ["f16", "bf16"] as const) {
      it(`reads the ${half} .bin: upcast equals torch's own conversion, raw dtype with keepHalf`, async () => {
        const path = join(CHECKPOINTS, model, half, "pytorch_model.bin");
        const upcast = byName(await readPytorchBin(path));
        const raw = byName(await readPytorchBin(path, { keepHalf: true }));
        for (const want of ref.tensors) {
          const record = upcast.get(want.name);
          assert.ok(record !== undefined, want.name);
          assertMatchesReference(record, want, half);
          if (want.dtype === "F32") assert.equal(raw.get(want.name)?.dtype, half === "f16" ? "F16" : "BF16");
        }
      });
    }
  });
}

describe("pytorch_model.bin crafted archives", () => {
  const w: CraftedTensor = { name: "w", storageType: "FloatStorage", key: "0", numel: 6, offset: 0, shape: [2, 3], stride: [3, 1] };
  const values = [1, 2, 3, 4, 5, 6];

  it("reads deflated entries and zip64 archives", () => {
    for (const options of [{ method: 8 as const }, { zip64: true }, { zip64: true, method: 8 as const }]) {
      const bytes = torchZip(stateDictPickle([w]), { 0: f32Bytes(values) }, options);
      const [record] = parsePytorchBin(bytes, "x.bin");
      assert.ok(record.dtype === "F32");
      assert.deepEqual(Array.from(record.data), values);
    }
  });

  it("makes a transposed view contiguous (stride [1, 2] over a 2x3 storage)", () => {
    const t: CraftedTensor = { ...w, shape: [3, 2], stride: [1, 3] };
    const [record] = parsePytorchBin(torchZip(stateDictPickle([t]), { 0: f32Bytes(values) }), "x.bin");
    assert.ok(record.dtype === "F32");
    assert.deepEqual(Array.from(record.data), [1, 4, 2, 5, 3, 6]);
  });

  it("fails naming the tensor when its view reaches past its storage", () => {
    const t: CraftedTensor = { ...w, offset: 2 };
    assert.throws(() => parsePytorchBin(torchZip(stateDictPickle([t]), { 0: f32Bytes(values) }), "x.bin"),
      isFormatError(/^pytorch\((?:[^)]*\/)?x\.bin\): tensor "w": view \(offset 2, size \[2,3\], stride \[3,1\]\) reaches element 7 of a 6-element storage/));
  });

  it("fails naming the tensor when its storage entry is missing or the wrong size", () => {
    assert.throws(() => parsePytorchBin(torchZip(stateDictPickle([w]), {}), "x.bin"),
      isFormatError(/^pytorch\((?:[^)]*\/)?x\.bin\): tensor "w": storage "archive\/data\/0" is missing from the archive/));
    assert.throws(() => parsePytorchBin(torchZip(stateDictPickle([w]), { 0: f32Bytes([1, 2]) }), "x.bin"),
      isFormatError(/tensor "w": storage "0" has 8 bytes, expected 6 F32 elements \(24 bytes\)/));
  });

  it("refuses a pickle that references os.system, before anything could run", () => {
    const evil = new PickleWriter().proto().global("os", "system").str("touch /tmp/pwned").op(0x85).reduce().stop().finish();
    assert.throws(() => parsePytorchBin(torchZip(evil, {}), "pytorch_model.bin"),
      isFormatError(/^pickle\(pytorch_model\.bin\/data\.pkl\): global "os\.system" is not allowed; only state-dict tensors can be loaded \(opcode at offset 2\)$/));
  });

  it("refuses forbidden globals reached through STACK_GLOBAL and torch globals outside the allowlist", () => {
    const viaStack = new PickleWriter().proto(4).shortStr("builtins").shortStr("eval").op(0x93).stop().finish();
    assert.throws(() => parsePytorchBin(torchZip(viaStack, {}), "m.bin"), isFormatError(/pickle\(m\.bin\/data\.pkl\): global "builtins\.eval" is not allowed/));
    for (const name of ["load", "constructor", "__proto__"]) {
      const torchGlobal = new PickleWriter().proto().global("torch", name).stop().finish();
      assert.throws(() => parsePytorchBin(torchZip(torchGlobal, {}), "m.bin"), isFormatError(new RegExp(`global "torch\\.${name}" is not allowed`)));
    }
  });

  it("reads a legacy (non-zip) torch.save file, and names the offset of what is wrong in a damaged one", async () => {
    const path = join(CHECKPOINTS, "errors", "legacy-format.bin"); // torch.save({"w": torch.ones(2)}, _use_new_zipfile_serialization=False)
    const records = await readPytorchBin(path);
    assert.deepEqual(records.map((r) => [r.name, r.dtype, r.shape, Array.from(r.data as Float32Array)]), [["w", "F32", [2], [1, 1]]]);
    const bytes = readFileSync(path);
    assert.throws(() => parsePytorchBin(bytes.subarray(0, bytes.length - 3), "cut.bin"), isFormatError(/pytorch\(cut\.bin, legacy format\): storage "\d+": truncated at offset \d+, expected 8 bytes, 5 left/));
    assert.throws(() => parsePytorchBin(Buffer.concat([bytes, Buffer.from([0])]), "long.bin"), isFormatError(/1 bytes after the last storage/));
    const count = bytes.length - 16; // the storage's element count, just before its 8 bytes of data
    const wrong = Buffer.from(bytes);
    wrong.writeBigInt64LE(3n, count);
    assert.throws(() => parsePytorchBin(wrong, "count.bin"), isFormatError(/holds 3 elements, expected 2/));
  });

  it("fails clearly on a truncated archive, a corrupt storage and a missing file", async () => {
    const { dir, cleanup } = makeTempDir("bin");
    after(cleanup);
    const full = readFileSync(join(CHECKPOINTS, "tiny-bert", "pytorch_model.bin"));
    const cut = join(dir, "cut.bin");
    writeFileSync(cut, full.subarray(0, full.length - 200));
    await assert.rejects(readPytorchBin(cut), isFormatError(/^pytorch\((?:[^)]*\/)?cut\.bin\): no end-of-central-directory record; not a zip archive, or truncated/));
    const flipped = Uint8Array.from(torchZip(stateDictPickle([w]), { 0: f32Bytes(values) }));
    const at = Buffer.from(flipped).indexOf(Buffer.from(f32Bytes(values)));
    flipped[at + 5] ^= 0x01;
    assert.throws(() => parsePytorchBin(flipped, "x.bin"), isFormatError(/^pytorch\((?:[^)]*\/)?x\.bin\): entry "archive\/data\/0": crc32 mismatch/));
    await assert.rejects(readPytorchBin(join(dir, "absent.bin")), isFormatError(/^pytorch\((?:[^)]*\/)?absent\.bin\): file not found/));
  });

  it("refuses a zip without data.pkl and a pickle that is not a state dict", () => {
    assert.throws(() => parsePytorchBin(torchZip(new Uint8Array(0), {}, { archive: "a/b" }), "x.bin"), isFormatError(/expected one "<archive>\/data\.pkl" entry, found none/));
    const list = new PickleWriter().proto().op(0x5d).stop().finish();
    assert.throws(() => parsePytorchBin(torchZip(list, {}), "x.bin"), isFormatError(/data\.pkl holds a list, expected a state dict/));
  });
});
