// TF checkpoints for the tf-index and tf-checkpoint targets: seeds built in memory (index table and data
// shards), and the index mutator: entry edits in a fresh table, or raw edits of the table file.
import { crc32c, maskCrc32c } from "../../../../src/io/crc32c.js";
import { buildTable, encodeEntry, encodeHeader, type KeyValue, type TableOptions } from "../tf-checkpoint-writer.js";
import { concat } from "./bytes.js";
import { INVALID_UTF8, mutateBytes, type Mutation } from "./mutate-bytes.js";
import type { FuzzRng } from "./random.js";
import { mutateTableFile } from "./sstable.js";
import { mutateEntryProto, mutateHeaderProto } from "./tf-protos.js";

export interface TfIndexSeed {
  entries: KeyValue[];
  options: TableOptions;
  index: Uint8Array;
  /** Data shard file contents, in shard order. */
  shards: Uint8Array[];
}

export interface TfSeedTensor { name: string; dtype: number; shape: number[]; bytes: Uint8Array }

/** A TF checkpoint in memory (index bytes, shard bytes), tensors spread over `numShards` as the writer does. */
export function buildTfSeed(tensors: readonly TfSeedTensor[], numShards: number, options: TableOptions): TfIndexSeed {
  const shards = Array.from({ length: numShards }, () => [] as Uint8Array[]);
  const sizes = new Array<number>(numShards).fill(0);
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const entries: KeyValue[] = [{ key: new Uint8Array(0), value: encodeHeader(numShards) }];
  sorted.forEach((t, i) => {
    const shardId = i % numShards;
    entries.push({
      key: new TextEncoder().encode(t.name),
      value: encodeEntry({ dtype: t.dtype, shape: t.shape, shardId, offset: sizes[shardId], size: t.bytes.length, maskedCrc: maskCrc32c(crc32c(t.bytes)) }),
    });
    shards[shardId].push(t.bytes);
    sizes[shardId] += t.bytes.length;
  });
  return { entries, options, index: buildTable(entries, options), shards: shards.map((parts) => concat(...parts)) };
}

/** Edits of the table's key/value entries, then a fresh table (valid CRCs and handles) around them. */
export function mutateTableEntries(r: FuzzRng, seed: TfIndexSeed): Mutation {
  const entries = seed.entries.map((e) => ({ ...e }));
  let what: string;
  const k = r.range(1, entries.length - 1);
  switch (r.int(10)) {
    case 0:
    case 1:
    case 2:
    case 3: {
      const m = mutateEntryProto(r, entries[k].value);
      entries[k].value = m.bytes;
      what = `entry "${new TextDecoder().decode(entries[k].key)}": ${m.what}`;
      break;
    }
    case 4:
    case 5: {
      const m = mutateHeaderProto(r, entries[0].value);
      entries[0].value = m.bytes;
      what = `header: ${m.what}`;
      break;
    }
    case 6: {
      const bad = r.pick(INVALID_UTF8);
      entries[k].key = concat(entries[k].key, bad);
      what = `key ${k} + invalid UTF-8 ${bad.map((x) => x.toString(16)).join(" ")}`;
      break;
    }
    case 7: {
      switch (r.int(5)) {
        case 0: entries.splice(k, 0, { ...entries[k] }); what = `duplicate key ${k}`; break;
        case 3: {
          const j = r.range(1, entries.length - 1);
          entries[k].value = entries[j].value;
          what = `entry ${k} points at entry ${j}'s bytes (same dtype, shape, offset, size, crc)`;
          break;
        }
        case 1: [entries[k], entries[k - 1]] = [entries[k - 1], entries[k]]; what = `swap keys ${k - 1} and ${k}`; break;
        case 2: entries.shift(); what = "drop the header entry"; break;
        default: entries[k].key = new TextEncoder().encode("x".repeat(r.pick([1000, 70_000]))); what = `key ${k} -> long key`; break;
      }
      break;
    }
    default: {
      const m = mutateBytes(r, entries[k].value);
      entries[k].value = m.bytes;
      what = `entry ${k} bytes: ${m.what}`;
    }
  }
  const options: TableOptions = r.chance(0.5) ? seed.options : { blockEntries: r.range(1, 6), restartInterval: r.range(1, 4), snappy: r.chance(0.3) };
  return { bytes: buildTable(entries, options), what };
}

export function mutateTfIndex(r: FuzzRng, seed: TfIndexSeed): Mutation {
  const choice = r.int(100);
  if (choice < 50) return mutateTableEntries(r, seed);
  if (choice < 92) return mutateTableFile(r, seed.index);
  return mutateBytes(r, seed.index);
}
