import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FormatError } from "../../src/errors.js";
import { float32ToBF16, float32ToF16, readTfCheckpoint, readTfCheckpointIndex, toFloat32 } from "../../src/io/index.js";
import { assertFloatsExact, makeTempDir, DATA } from "./helpers/fixtures.js";
import { DT_BFLOAT16, DT_FLOAT, DT_HALF, DT_INT32, DT_INT64, DT_STRING, writeTfCheckpoint, type TfTensor } from "./helpers/tf-checkpoint-writer.js";

const GOOGLE_MINI = join(DATA, "checkpoints/google-bert-mini-L4-H256-index");

interface GoogleBertConfig {
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  vocab_size: number;
  max_position_embeddings: number;
  type_vocab_size: number;
}

/** Every tensor google-research/bert's BertForPreTraining graph saves, by name -> shape, from its config. */
function expectedGoogleTensors(c: GoogleBertConfig): Map<string, number[]> {
  const { hidden_size: H, intermediate_size: I, vocab_size: V } = c;
  const want = new Map<string, number[]>([
    ["bert/embeddings/word_embeddings", [V, H]],
    ["bert/embeddings/position_embeddings", [c.max_position_embeddings, H]],
    ["bert/embeddings/token_type_embeddings", [c.type_vocab_size, H]],
    ["bert/embeddings/LayerNorm/gamma", [H]],
    ["bert/embeddings/LayerNorm/beta", [H]],
  ]);
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const layer = `bert/encoder/layer_${i}`;
    for (const p of ["query", "key", "value"]) {
      want.set(`${layer}/attention/self/${p}/kernel`, [H, H]); // TF kernels are [in, out]
      want.set(`${layer}/attention/self/${p}/bias`, [H]);
    }
    want.set(`${layer}/attention/output/dense/kernel`, [H, H]);
    want.set(`${layer}/attention/output/dense/bias`, [H]);
    want.set(`${layer}/attention/output/LayerNorm/gamma`, [H]);
    want.set(`${layer}/attention/output/LayerNorm/beta`, [H]);
    want.set(`${layer}/intermediate/dense/kernel`, [H, I]);
    want.set(`${layer}/intermediate/dense/bias`, [I]);
    want.set(`${layer}/output/dense/kernel`, [I, H]);
    want.set(`${layer}/output/dense/bias`, [H]);
    want.set(`${layer}/output/LayerNorm/gamma`, [H]);
    want.set(`${layer}/output/LayerNorm/beta`, [H]);
  }
  want.set("bert/pooler/dense/kernel", [H, H]);
  want.set("bert/pooler/dense/bias", [H]);
  // The pre-training heads the real file also holds (masked LM and next-sentence prediction); no global_step.
  want.set("cls/predictions/output_bias", [V]);
  want.set("cls/predictions/transform/dense/kernel", [H, H]);
  want.set("cls/predictions/transform/dense/bias", [H]);
  want.set("cls/predictions/transform/LayerNorm/gamma", [H]);
  want.set("cls/predictions/transform/LayerNorm/beta", [H]);
  want.set("cls/seq_relationship/output_weights", [2, H]);
  want.set("cls/seq_relationship/output_bias", [2]);
  return want;
}

/** Deterministic pseudo-random floats (xorshift), spread over magnitudes. */
function randomFloats(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = ((s / 2 ** 32) - 0.5) * 2 ** ((s % 17) - 8);
  }
  return out;
}

function bytesOf(a: Float32Array | Uint16Array | Int32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

const isFormatError = (pattern: RegExp) => (e: unknown): boolean => e instanceof FormatError && pattern.test(e.message);

describe("TF checkpoint: Google's real uncased_L-4_H-256_A-4 index", () => {
  it("lists every tensor with the name, dtype and shape bert_config.json implies (78 tensors)", async () => {
    const config = JSON.parse(readFileSync(join(GOOGLE_MINI, "bert_config.json"), "utf8")) as GoogleBertConfig;
    const index = await readTfCheckpointIndex(join(GOOGLE_MINI, "bert_model.ckpt.index"));
    assert.equal(index.numShards, 1);
    const want = expectedGoogleTensors(config);
    const got = new Map(index.entries.map((e) => [e.name, e.shape]));
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [name, shape] of want) assert.deepEqual(got.get(name), shape, name);
    for (const e of index.entries) {
      assert.equal(e.tfDTypeName, "DT_FLOAT", e.name);
      assert.equal(e.dtype, "F32", e.name);
      assert.equal(e.slices, 0, e.name);
    }
  });

  it("has offsets that tile the 45 MB data file in key order, each 4 bytes per element", async () => {
    const index = await readTfCheckpointIndex(join(GOOGLE_MINI, "bert_model.ckpt"));
    let offset = 0;
    for (const e of index.entries) {
      assert.equal(e.offset, offset, e.name);
      assert.equal(e.size, 4 * e.shape.reduce((a, b) => a * b, 1), e.name);
      offset += e.size;
    }
    assert.equal(offset, 45071600);
  });

  it("fails naming the missing data file when only the index exists", async () => {
    await assert.rejects(readTfCheckpoint(join(GOOGLE_MINI, "bert_model.ckpt")),
      isFormatError(/tf-checkpoint\((?:[^)]*\/)?bert_model\.ckpt\.data-00000-of-00001\): data file not found .*tensor "bert\/embeddings\/LayerNorm\/beta" and 77 more/));
  });
});

describe("TF checkpoint: written and read back", () => {
  const { dir, cleanup } = makeTempDir("tf");
  after(cleanup);
  const kernel = randomFloats(8 * 16, 1); // [in=8, out=16]
  const bias = randomFloats(16, 2);
  const halfValues = randomFloats(6, 3);
  const tensors: TfTensor[] = [
    { name: "bert/encoder/layer_0/intermediate/dense/kernel", dtype: DT_FLOAT, shape: [8, 16], bytes: bytesOf(kernel) },
    { name: "bert/encoder/layer_0/intermediate/dense/bias", dtype: DT_FLOAT, shape: [16], bytes: bytesOf(bias) },
    { name: "bert/embeddings/position_ids", dtype: DT_INT32, shape: [1, 4], bytes: bytesOf(Int32Array.of(0, 1, 2, 3)) },
    { name: "global_step", dtype: DT_INT64, shape: [], bytes: bytesOf(BigInt64Array.of(1000000n)) },
    { name: "half/weight", dtype: DT_HALF, shape: [2, 3], bytes: bytesOf(float32ToF16(halfValues)) },
    { name: "bf16/weight", dtype: DT_BFLOAT16, shape: [3, 2], bytes: bytesOf(float32ToBF16(halfValues)) },
  ];

  it("reads every tensor back exactly, kernels kept as stored [in, out]", async () => {
    const prefix = join(dir, "bert_model.ckpt");
    writeTfCheckpoint(prefix, tensors, { restartInterval: 2, blockEntries: 3 });
    const records = await readTfCheckpoint(`${prefix}.index`);
    assert.deepEqual(records.map((r) => r.name), tensors.map((t) => t.name).sort());
    const get = (name: string) => records.find((r) => r.name === name);
    const k = get("bert/encoder/layer_0/intermediate/dense/kernel");
    assert.ok(k !== undefined && k.dtype === "F32");
    assert.deepEqual(k.shape, [8, 16]);
    assertFloatsExact(k.name, k.shape, k.data, Array.from(kernel));
    const ids = get("bert/embeddings/position_ids");
    assert.ok(ids !== undefined && ids.dtype === "I32");
    assert.deepEqual(Array.from(ids.data), [0, 1, 2, 3]);
    const step = get("global_step");
    assert.ok(step !== undefined && step.dtype === "I64");
    assert.deepEqual(step.shape, []);
    assert.equal(step.data[0], 1000000n);
    const half = get("half/weight");
    assert.ok(half !== undefined && half.dtype === "F32", "F16 upcast by default");
    assertFloatsExact(half.name, half.shape, half.data, Array.from(toFloat32({ name: "h", dtype: "F16", shape: [6], data: float32ToF16(halfValues) })));
  });

  it("keeps DT_HALF / DT_BFLOAT16 raw with keepHalf", async () => {
    const prefix = join(dir, "keep.ckpt");
    writeTfCheckpoint(prefix, tensors);
    const records = await readTfCheckpoint(prefix, { keepHalf: true });
    const bf16 = records.find((r) => r.name === "bf16/weight");
    assert.ok(bf16 !== undefined && bf16.dtype === "BF16");
    assert.deepEqual(Array.from(bf16.data), Array.from(float32ToBF16(halfValues)));
  });

  it("reads a checkpoint spread over three shards (%s.data-%05d-of-%05d) with a snappy index", async () => {
    const prefix = join(dir, "sharded.ckpt");
    const files = writeTfCheckpoint(prefix, tensors, { numShards: 3, snappy: true });
    assert.ok([...files.values()].some((f) => f.endsWith("sharded.ckpt.data-00002-of-00003")));
    const records = await readTfCheckpoint(prefix);
    assert.equal(records.length, tensors.length);
    const b = records.find((r) => r.name === "bert/encoder/layer_0/intermediate/dense/bias");
    assert.ok(b !== undefined && b.dtype === "F32");
    assertFloatsExact(b.name, b.shape, b.data, Array.from(bias));
  });

  it("fails naming the tensor and data file when a data byte is flipped (crc32c)", async () => {
    const prefix = join(dir, "corrupt.ckpt");
    const files = writeTfCheckpoint(prefix, tensors);
    const dataFile = files.get("bert/encoder/layer_0/intermediate/dense/kernel") ?? "";
    const data = readFileSync(dataFile);
    const index = await readTfCheckpointIndex(prefix);
    const entry = index.entries.find((e) => e.name === "bert/encoder/layer_0/intermediate/dense/kernel");
    assert.ok(entry !== undefined);
    data[entry.offset + 17] ^= 0x40;
    writeFileSync(dataFile, data);
    await assert.rejects(readTfCheckpoint(prefix),
      isFormatError(/^tf-checkpoint\((?:[^)]*\/)?corrupt\.ckpt\.data-00000-of-00001\): tensor "bert\/encoder\/layer_0\/intermediate\/dense\/kernel" \(512 bytes at offset \d+\): crc32c mismatch/));
  });

  it("fails on a truncated data file, naming the tensor and the bytes it needs", async () => {
    const prefix = join(dir, "short.ckpt");
    const files = writeTfCheckpoint(prefix, tensors);
    const dataFile = files.get("global_step") ?? "";
    const data = readFileSync(dataFile);
    writeFileSync(dataFile, data.subarray(0, data.length - 10));
    await assert.rejects(readTfCheckpoint(prefix), isFormatError(/short\.ckpt\.data-00000-of-00001\): tensor ".*" needs bytes \[\d+, \d+\) but the file has \d+; it is truncated/));
  });

  it("fails on a truncated index and on a bad magic, naming the index file", async () => {
    const prefix = join(dir, "idx.ckpt");
    writeTfCheckpoint(prefix, tensors);
    const index = readFileSync(`${prefix}.index`);
    writeFileSync(`${prefix}.index`, index.subarray(0, index.length - 7));
    await assert.rejects(readTfCheckpointIndex(prefix), isFormatError(/^tf-checkpoint\((?:[^)]*\/)?idx\.ckpt\.index\): bad table magic .*not a checkpoint index, or truncated/));
    writeFileSync(`${prefix}.index`, index.subarray(0, 30));
    await assert.rejects(readTfCheckpointIndex(prefix), isFormatError(/^tf-checkpoint\((?:[^)]*\/)?idx\.ckpt\.index\): file is 30 bytes, shorter than the 48-byte table footer/));
    const badMagic = Uint8Array.from(index);
    badMagic[badMagic.length - 3] ^= 0x10;
    writeFileSync(`${prefix}.index`, badMagic);
    await assert.rejects(readTfCheckpointIndex(prefix), isFormatError(/^tf-checkpoint\((?:[^)]*\/)?idx\.ckpt\.index\): bad table magic/));
  });

  it("refuses unsupported dtypes by name, listing the supported ones", async () => {
    const prefix = join(dir, "str.ckpt");
    writeTfCheckpoint(prefix, [{ name: "vocab", dtype: DT_STRING, shape: [2], bytes: Uint8Array.of(1, 1, 0, 0, 0, 0, 97, 98) }]);
    const index = await readTfCheckpointIndex(prefix);
    assert.equal(index.entries[0].tfDTypeName, "DT_STRING");
    assert.equal(index.entries[0].dtype, undefined);
    await assert.rejects(readTfCheckpoint(prefix), isFormatError(/tensor "vocab" has dtype DT_STRING; expected one of DT_FLOAT, DT_DOUBLE/));
  });

  it("fails naming the tensor when an entry's size does not match its dtype and shape", async () => {
    const prefix = join(dir, "size.ckpt");
    writeTfCheckpoint(prefix, [{ name: "w", dtype: DT_FLOAT, shape: [3], bytes: new Uint8Array(8) }]);
    await assert.rejects(readTfCheckpointIndex(prefix), isFormatError(/tf-checkpoint\((?:[^)]*\/)?size\.ckpt\.index\): tensor "w": size 8 bytes does not match DT_FLOAT \[3\] \(12 bytes\)/));
  });

  it("names the index file when it does not exist", async () => {
    await assert.rejects(readTfCheckpoint(join(dir, "nothing.ckpt")), isFormatError(/tf-checkpoint\((?:[^)]*\/)?nothing\.ckpt\.index\): file not found/));
  });
});
