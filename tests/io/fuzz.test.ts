// The checkpoint readers on bad input (issue 3). A few thousand mutated copies of the committed fixtures per
// reader (see helpers/fuzz/) must each end in a valid parse or an EngineError within 2 s, and every crash
// the fuzzer (or a review of the readers) found has a small regression input, generated here.
// A failing campaign prints the seed, iteration and mutations of each crash; replay one with
//   npm run fuzz -- --target <target> --seed <seed> --replay <iteration>
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FormatError } from "../../src/errors.js";
import { crc32c, maskCrc32c } from "../../src/io/crc32c.js";
import {
  parsePytorchBin, parseSafetensors, parseTfCheckpointIndex, readPytorchBin, readSafetensorsIndex, readTfCheckpoint,
  tfDataFileName,
} from "../../src/io/index.js";
import { readTable } from "../../src/io/leveldb-table.js";
import { unpickle, type UnpicklePolicy } from "../../src/io/pickle.js";
import { makeTempDir } from "./helpers/fixtures.js";
import { formatCrash, runCampaign, type CampaignResult, type TargetName } from "./helpers/fuzz/index.js";
import { f32Bytes, stateDictPickle, torchZip, type CraftedTensor } from "./helpers/pickle-writer.js";
import { buildBlock, buildTable, DT_FLOAT, encodeEntry, encodeHeader, type KeyValue } from "./helpers/tf-checkpoint-writer.js";

const FUZZ_SEED = 20_240_603;

/** Cases per reader, in two lanes of workers (about 5 s of wall time on a 2-core machine). */
const LANES: [TargetName, number][][] = [
  [["pytorch", 2500], ["safetensors-index", 400], ["pytorch-legacy", 1500]],
  [["safetensors", 3000], ["tf-index", 3000], ["tf-checkpoint", 400]],
];

describe("checkpoint readers on mutated fixtures (fuzz)", () => {
  const results = new Map<TargetName, Promise<CampaignResult>>();
  before(() => {
    for (const lane of LANES) {
      let previous: Promise<unknown> = Promise.resolve();
      for (const [target, iterations] of lane) {
        const result = previous.then(() => runCampaign({ target, seed: FUZZ_SEED, start: 0, iterations }));
        results.set(target, result);
        previous = result.catch(() => undefined);
      }
    }
  });

  for (const [target, iterations] of LANES.flat()) {
    it(`${target}: ${iterations} mutated inputs each end in a valid parse or an EngineError within 2 s`, async () => {
      const result = await results.get(target);
      assert.ok(result !== undefined);
      assert.equal(result.crashes.length, 0, `${result.crashes.length} crash(es):\n${result.crashes.slice(0, 5).map(formatCrash).join("\n")}`);
      assert.equal(result.iterationsRun, iterations);
      // The mutations must reach both ends: inputs that still parse, and inputs each reader rejects.
      assert.ok((result.counts.valid ?? 0) > 0, `${target}: no mutated input parsed; counts ${JSON.stringify(result.counts)}`);
      assert.ok((result.counts.FormatError ?? 0) > 0, `${target}: no FormatError; counts ${JSON.stringify(result.counts)}`);
    });
  }
});

// ---- regression inputs ----

const isFormatError = (pattern: RegExp) => (e: unknown): boolean => e instanceof FormatError && pattern.test(e.message);

/** Runs `f`, asserting it takes under `ms` milliseconds (a reader that loops or allocates before validating does not). */
async function within<T>(ms: number, f: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await f();
  } finally {
    const took = performance.now() - start;
    assert.ok(took < ms, `took ${took.toFixed(0)} ms, expected under ${ms}`);
  }
}

function safetensorsWithHeader(header: string, dataBytes = 0): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

const deepArray = (depth: number): string => "[".repeat(depth) + "]".repeat(depth);

describe("safetensors regressions", () => {
  const { dir, cleanup } = makeTempDir("fuzz-safetensors");
  after(cleanup);

  it("rejects a dtype, shape or data_offsets nested 100000 deep with a FormatError (was a RangeError from the message)", () => {
    for (const field of ["dtype", "shape", "data_offsets"]) {
      const tensor: Record<string, string> = { dtype: '"F32"', shape: "[1]", data_offsets: "[0,4]" };
      tensor[field] = deepArray(100_000);
      const header = `{"w":{${Object.entries(tensor).map(([k, v]) => `"${k}":${v}`).join(",")}}}`;
      assert.throws(() => parseSafetensors(safetensorsWithHeader(header, 4), "deep.safetensors"), isFormatError(new RegExp(`deep\\.safetensors\\): tensor "w": .*\\[\\[\\.\\.\\.\\]\\]`)), field);
    }
  });

  it("cuts a megabyte-long dtype short in the message", () => {
    const header = `{"w":{"dtype":"${"Q".repeat(1_000_000)}","shape":[1],"data_offsets":[0,4]}}`;
    assert.throws(() => parseSafetensors(safetensorsWithHeader(header, 4), "long.safetensors"), (e: unknown) => e instanceof FormatError && e.message.length < 300 && /unknown dtype "Q{40}\.\.\."/.test(e.message));
  });

  it("rejects an index whose shard name is a deeply nested array (was a RangeError from the message)", async () => {
    const index = join(dir, "deep.index.json");
    writeFileSync(index, `{"weight_map":{"w":${deepArray(100_000)}}}`);
    await assert.rejects(readSafetensorsIndex(index), isFormatError(/weight_map\["w"\] must be a shard file name beside the index, got \[\[\.\.\.\]\]/));
  });

  it("rejects an index that names a directory as a shard (was a bare EISDIR)", async () => {
    mkdirSync(join(dir, "subdir"));
    const index = join(dir, "dir.index.json");
    writeFileSync(index, JSON.stringify({ weight_map: { w: "subdir" } }));
    await assert.rejects(readSafetensorsIndex(index), isFormatError(/safetensors\((?:[^)]*\/)?subdir\): expected a file at .*subdir, got a directory/));
    await assert.rejects(readPytorchBin(join(dir, "subdir")), isFormatError(/pytorch\((?:[^)]*\/)?subdir\): expected a file at .*subdir, got a directory/));
  });
});

describe("pytorch_model.bin regressions", () => {
  const storage = { 0: f32Bytes([1, 2, 3, 4, 5, 6]) };
  const tensor = (name: string, t: Partial<CraftedTensor>): CraftedTensor => ({ name, storageType: "FloatStorage", key: "0", numel: 6, offset: 0, shape: [6], stride: [1], ...t });

  it("rejects a stride-0 view claiming 10^9 elements of a 1-element storage before allocating (was 14 s and 3.4 GB)", async () => {
    const bytes = torchZip(stateDictPickle([tensor("w", { numel: 1, shape: [30_000, 30_000], stride: [0, 0] })]), { 0: f32Bytes([1]) });
    await within(500, () => assert.throws(() => parsePytorchBin(bytes, "expand.bin"),
      isFormatError(/expand\.bin\): tensor "w": view \(offset 0, size \[30000,30000\], stride \[0,0\]\) has 900000000 elements, more than its 1-element storage "0"; views that repeat elements/)));
  });

  it("rejects a storage referenced with two sizes or types (was an InternalError, or garbage from a strided read)", () => {
    const bigger = torchZip(stateDictPickle([tensor("a", {}), tensor("b", { numel: 12, shape: [12] })]), storage);
    assert.throws(() => parsePytorchBin(bigger, "m.bin"), isFormatError(/tensor "b": storage "0" is referenced as 12 F32 elements, but earlier as 6 F32 elements/));
    const retyped = torchZip(stateDictPickle([tensor("a", {}), tensor("b", { storageType: "IntStorage", shape: [3, 2], stride: [1, 3] })]), storage);
    assert.throws(() => parsePytorchBin(retyped, "m.bin"), isFormatError(/tensor "b": storage "0" is referenced as 6 I32 elements, but earlier as 6 F32 elements/));
  });

  it("copies one strided view once however many names point at it, and refuses overlapping strided views beyond their storage", () => {
    const transposed = { shape: [3, 2], stride: [1, 3] };
    const tied = parsePytorchBin(torchZip(stateDictPickle(Array.from({ length: 50 }, (_, i) => tensor(`t${i}`, transposed))), storage), "tied.bin");
    assert.equal(tied.length, 50);
    assert.ok(tied.every((r) => r.data === tied[0].data), "identical views share one copy");
    assert.deepEqual(Array.from(tied[0].data as Float32Array), [1, 4, 2, 5, 3, 6]);
    const overlapping = [tensor("a", transposed), tensor("b", { shape: [2, 2], stride: [1, 2] })];
    assert.throws(() => parsePytorchBin(torchZip(stateDictPickle(overlapping), storage), "overlap.bin"),
      isFormatError(/tensor "b": strided views of storage "0" copy 40 bytes, more than its 24; overlapping strided views are not supported/));
  });

  it("unpickles APPENDS of 200000 items (was a RangeError from push(...items))", () => {
    const plainData: UnpicklePolicy<never> = {
      allowGlobal: () => false,
      reduce: (_c, _a, fail) => fail("no callables"),
      persistentLoad: (_p, fail) => fail("no persistent ids"),
    };
    // PROTO 2, EMPTY_LIST, MARK, 200000 x NONE, APPENDS, STOP
    const pickle = Uint8Array.from([0x80, 2, 0x5d, 0x28, ...new Array<number>(200_000).fill(0x4e), 0x65, 0x2e]);
    const list = unpickle(pickle, "big.pkl", plainData);
    assert.ok(list !== null && typeof list === "object" && list.kind === "list" && list.items.length === 200_000);
  });
});

// ---- TF checkpoint regressions ----

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** A table from raw blocks: `dataBlocks` in order, an index whose entries name blocks by position, a footer. */
function rawTable(dataBlocks: Uint8Array[], indexTargets: number[]): Uint8Array {
  const bytes: number[] = [];
  const put = (content: Uint8Array): [number, number] => {
    const at = bytes.length;
    const withType = Uint8Array.from([...Array.from(content), 0]);
    const crc = maskCrc32c(crc32c(withType));
    for (const byte of withType) bytes.push(byte); // not push(...): blocks here hold 256 KB
    bytes.push(crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24);
    return [at, content.length];
  };
  const handles = dataBlocks.map(put);
  const meta = put(buildBlock([], 16));
  const indexEntries: KeyValue[] = indexTargets.map((b, i) => ({ key: Uint8Array.of(i >> 8, i & 0xff), value: Uint8Array.from(handles[b].flatMap(varint)) }));
  const index = put(buildBlock(indexEntries, 1 << 30));
  const footer = [...meta, ...index].flatMap(varint);
  while (footer.length < 40) footer.push(0);
  footer.push(0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb);
  return Uint8Array.from([...bytes, ...footer]);
}

describe("TF checkpoint regressions", () => {
  const { dir, cleanup } = makeTempDir("fuzz-tf");
  after(cleanup);
  const weights = f32Bytes([1, 2, 3, 4]);
  const entry = (offset = 0): Uint8Array => encodeEntry({ dtype: DT_FLOAT, shape: [4], shardId: 0, offset, size: 16, maskedCrc: maskCrc32c(crc32c(weights)) });
  const key = (s: string): Uint8Array => new TextEncoder().encode(s);

  it("rejects a tensor name that is not UTF-8 with a FormatError naming the entry (was a TypeError)", () => {
    const index = buildTable([{ key: new Uint8Array(0), value: encodeHeader(1) }, { key: Uint8Array.of(0x77, 0xff), value: entry() }]);
    assert.throws(() => parseTfCheckpointIndex(index, "bad-key.index"), isFormatError(/bad-key\.index\): key of table entry 1 is not valid UTF-8 \(bytes 77 ff\)/));
  });

  it("reads only the shards that hold tensors, however large num_shards is (was a loop over every shard id)", async () => {
    const numShards = 2 ** 31 - 1;
    const prefix = join(dir, "many-shards");
    writeFileSync(`${prefix}.index`, buildTable([{ key: new Uint8Array(0), value: encodeHeader(numShards) }, { key: key("w"), value: entry() }]));
    writeFileSync(tfDataFileName(prefix, 0, numShards), weights);
    const records = await within(2000, () => readTfCheckpoint(prefix));
    assert.deepEqual(records.map((r) => [r.name, Array.from(r.data as Float32Array)]), [["w", [1, 2, 3, 4]]]);
  });

  it("rejects index entries that share bytes of the data file (each would be read and allocated again)", async () => {
    const prefix = join(dir, "aliases");
    writeFileSync(`${prefix}.index`, buildTable([{ key: new Uint8Array(0), value: encodeHeader(1) }, { key: key("a"), value: entry() }, { key: key("b"), value: entry() }]));
    writeFileSync(tfDataFileName(prefix, 0, 1), weights);
    await assert.rejects(readTfCheckpoint(prefix), isFormatError(/aliases\.data-00000-of-00001\): tensor "b" bytes \[0, 16\) overlap tensor "a" \[0, 16\)/));
  });

  it("rejects shared-prefix keys that expand a 110 KB block past the key budget (was 600 MB for 110 KB, quadratic)", async () => {
    // One 50 KB key, then 10000 entries of a few bytes, each sharing the whole previous key and adding a byte.
    const entries: number[] = [...varint(0), ...varint(50_000), ...varint(0), ...new Array<number>(50_000).fill(0x61)];
    for (let i = 0; i < 10_000; i++) entries.push(...varint(50_000 + i), ...varint(1), ...varint(0), 0x61);
    entries.push(0, 0, 0, 0, 1, 0, 0, 0); // restarts [0], count 1
    const block = Uint8Array.from(entries);
    const table = rawTable([block], [0]);
    await within(1000, () => assert.throws(() => readTable(table, "long-keys"), isFormatError(/long-keys: data block at offset 0: entry at \d+ \(a \d+-byte key\) takes the table's decoded keys past 67108864 bytes/)));
  });

  it("rejects index entries that point back at an earlier data block (was quadratic: 2000 entries re-read one 256 KB block)", async () => {
    const empty = new Uint8Array(256 * 1024); // no entries: restarts all 0, then their count
    new DataView(empty.buffer).setUint32(empty.length - 4, empty.length / 4 - 1, true);
    const table = rawTable([empty], new Array<number>(2000).fill(0));
    await within(1000, () => assert.throws(() => readTable(table, "repeated"), isFormatError(/repeated: index entry 1 points at a data block at offset 0, before the end \(262149\) of the block before it/)));
  });
});
