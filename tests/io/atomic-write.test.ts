import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FormatError } from "../../src/errors.js";
import { writeFileAtomic, writeFilesAtomic } from "../../src/io/index.js";
import { makeTempDir } from "./helpers/fixtures.js";

/** Chunks that fail after the first one, as a conversion error in the middle of a write would. */
function* failingChunks(): Generator<Uint8Array> {
  yield new TextEncoder().encode("first half");
  throw new Error("disk full (simulated)");
}

const tempFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

describe("writeFileAtomic", () => {
  const { dir, cleanup } = makeTempDir("atomic");
  after(cleanup);

  it("writes bytes, text and chunks, replacing an existing file", async () => {
    const path = join(dir, "a.json");
    await writeFileAtomic(path, "old");
    await writeFileAtomic(path, [Uint8Array.of(0x7b), new TextEncoder().encode('"k":1}')]);
    assert.equal(readFileSync(path, "utf8"), '{"k":1}');
    await writeFileAtomic(path, Uint8Array.of(0x31));
    assert.equal(readFileSync(path, "utf8"), "1");
    assert.deepEqual(tempFiles(dir), []);
  });

  it("a failed write leaves the old file intact and no temp file behind", async () => {
    const path = join(dir, "keep.bin");
    writeFileSync(path, "old contents");
    await assert.rejects(writeFileAtomic(path, failingChunks()), /disk full/);
    assert.equal(readFileSync(path, "utf8"), "old contents");
    assert.deepEqual(tempFiles(dir), []);
  });

  it("a failed write of a new file leaves no file at all", async () => {
    const path = join(dir, "new.bin");
    await assert.rejects(writeFileAtomic(path, failingChunks()), /disk full/);
    assert.equal(existsSync(path), false);
    assert.deepEqual(tempFiles(dir), []);
  });
});

describe("writeFilesAtomic", () => {
  const { dir, cleanup } = makeTempDir("atomic-dir");
  after(cleanup);

  it("creates a new folder whole (temp folder beside it, then one rename)", async () => {
    const target = join(dir, "adapters", "sst2");
    await writeFilesAtomic(target, { "adapter_config.json": "{}", "adapter.safetensors": Uint8Array.of(1, 2, 3) });
    assert.deepEqual(readdirSync(target).sort(), ["adapter.safetensors", "adapter_config.json"]);
    assert.deepEqual(readdirSync(join(dir, "adapters")), ["sst2"]);
  });

  it("a failure while building a new folder leaves neither the folder nor its temp", async () => {
    const target = join(dir, "never");
    await assert.rejects(writeFilesAtomic(target, { "a.json": "{}", "b.bin": failingChunks() }), /disk full/);
    assert.equal(existsSync(target), false);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes("never")), []);
  });

  it("in an existing folder, replaces only the named files and keeps the others", async () => {
    const target = join(dir, "existing");
    mkdirSync(target);
    writeFileSync(join(target, "notes.txt"), "mine");
    writeFileSync(join(target, "a.json"), "old");
    await writeFilesAtomic(target, { "a.json": "new", "b.json": "[]" });
    assert.equal(readFileSync(join(target, "a.json"), "utf8"), "new");
    assert.equal(readFileSync(join(target, "notes.txt"), "utf8"), "mine");
    assert.deepEqual(readdirSync(target).sort(), ["a.json", "b.json", "notes.txt"]);
  });

  it("a failure in an existing folder changes no file and leaves no temp file", async () => {
    const target = join(dir, "stable");
    mkdirSync(target);
    writeFileSync(join(target, "a.json"), "old");
    await assert.rejects(writeFilesAtomic(target, { "a.json": "new", "b.bin": failingChunks() }), /disk full/);
    assert.equal(readFileSync(join(target, "a.json"), "utf8"), "old", "a.json is not replaced when b.bin fails");
    assert.deepEqual(readdirSync(target), ["a.json"]);
  });

  it("refuses file names that are paths before writing anything", async () => {
    await assert.rejects(writeFilesAtomic(join(dir, "x"), { "../escape": "no" }),
      (e: unknown) => e instanceof FormatError && /expected a plain file name, got "\.\.\/escape"/.test(e.message));
    assert.equal(existsSync(join(dir, "x")), false);
  });
});
