// Edits of the protobuf values in a TF checkpoint index: BundleEntryProto (one per tensor) and
// BundleHeaderProto (the entry under the empty key).
import { readVarint } from "../../../../src/io/protobuf.js";
import { concat, varintBytes } from "./bytes.js";
import { badVarint, mutateBytes } from "./mutate-bytes.js";
import { interesting, type FuzzRng } from "./random.js";

// Protobuf fields of BundleEntryProto / BundleHeaderProto, edited as (field, wire, payload) triples.
interface PField { field: number; wire: number; value: bigint | Uint8Array }

function protoFields(bytes: Uint8Array): PField[] {
  const fields: PField[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const tag = readVarint(bytes, pos, "seed");
    const wire = tag.value % 8;
    pos = tag.next;
    if (wire === 0) {
      const v = readVarint(bytes, pos, "seed");
      fields.push({ field: Math.floor(tag.value / 8), wire, value: BigInt(v.value) });
      pos = v.next;
    } else if (wire === 2) {
      const len = readVarint(bytes, pos, "seed");
      fields.push({ field: Math.floor(tag.value / 8), wire, value: bytes.subarray(len.next, len.next + len.value) });
      pos = len.next + len.value;
    } else {
      fields.push({ field: Math.floor(tag.value / 8), wire, value: bytes.subarray(pos, pos + 4) }); // fixed32 only in seeds
      pos += 4;
    }
  }
  return fields;
}

function encodeFields(fields: readonly PField[]): Uint8Array {
  const out: number[] = [];
  for (const f of fields) {
    out.push(...varintBytes(BigInt(f.field) * 8n + BigInt(f.wire)));
    if (typeof f.value === "bigint") out.push(...varintBytes(f.value));
    else if (f.wire === 2) out.push(...varintBytes(BigInt(f.value.length)), ...f.value);
    else out.push(...f.value);
  }
  return Uint8Array.from(out);
}

function setScalar(fields: PField[], field: number, value: bigint): void {
  const existing = fields.find((f) => f.field === field);
  if (existing !== undefined) existing.value = value;
  else fields.push({ field, wire: 0, value });
}

/** One edit of a BundleEntryProto: scalars, the shape, wire types, crc, slices, unknown fields, bytes. */
export function mutateEntryProto(r: FuzzRng, value: Uint8Array): { bytes: Uint8Array; what: string } {
  const fields = protoFields(value);
  switch (r.int(8)) {
    case 0:
    case 1: {
      const field = r.pick([1, 3, 4, 5]);
      const names = { 1: "dtype", 3: "shard_id", 4: "offset", 5: "size" } as Record<number, string>;
      const v = field === 1 && r.chance(0.5) ? BigInt(r.range(0, 25)) : interesting(r, [0]);
      setScalar(fields, field, v);
      return { bytes: encodeFields(fields), what: `${names[field]} = ${v}` };
    }
    case 2: {
      const shape = fields.find((f) => f.field === 2);
      const dims = shape !== undefined && shape.value instanceof Uint8Array ? protoFields(shape.value) : [];
      const dim = (size: bigint): PField => ({ field: 2, wire: 2, value: encodeFields([{ field: 1, wire: 0, value: size }]) });
      let what: string;
      switch (r.int(5)) {
        case 0: { const v = interesting(r); dims.push(dim(v)); what = `add dim ${v}`; break; }
        case 1: { const v = r.chance(0.5) ? (1n << 64n) - 1n : interesting(r); dims.splice(r.int(dims.length), 1, dim(v)); what = `set a dim to ${v}`; break; }
        case 2: { dims.push(...new Array<PField>(1000).fill(dim(1n))); what = "1000 more dims of 1"; break; }
        case 3: { dims.push({ field: 3, wire: 0, value: 1n }); what = "unknown_rank = true"; break; }
        default: { dims.push({ field: 2, wire: 0, value: 5n }); what = "dim with wire type varint"; break; }
      }
      const encoded = encodeFields(dims);
      if (shape !== undefined) shape.value = encoded;
      else fields.push({ field: 2, wire: 2, value: encoded });
      return { bytes: encodeFields(fields), what: `shape: ${what}` };
    }
    case 3: {
      const f = r.pick(fields);
      const wire = r.pick([0, 1, 2, 3, 4, 5, 6, 7].filter((w) => w !== f.wire));
      const payload = wire === 0 ? 7n : wire === 2 ? Uint8Array.from([1, 2, 3]) : r.bytes(wire === 1 ? 8 : 4);
      fields[fields.indexOf(f)] = { field: f.field, wire, value: payload };
      return { bytes: encodeFields(fields), what: `field ${f.field} wire type ${f.wire} -> ${wire}` };
    }
    case 4: {
      const crc = fields.findIndex((f) => f.field === 6);
      if (crc >= 0 && r.chance(0.5)) {
        fields.splice(crc, 1);
        return { bytes: encodeFields(fields), what: "remove crc32c" };
      }
      const field = r.pick([7, 99, 0]); // 7: a slice (partitioned tensor); 99: unknown; 0: invalid
      fields.push({ field, wire: 2, value: r.bytes(r.int(4)) });
      return { bytes: encodeFields(fields), what: `add field ${field}` };
    }
    case 5: {
      const encoded = encodeFields(fields);
      const bad = badVarint(r, encoded.length);
      const at = r.int(encoded.length + 1);
      return { bytes: concat(encoded.subarray(0, at), bad.bytes, encoded.subarray(at)), what: `${bad.what} inserted at ${at}` };
    }
    default: {
      const m = mutateBytes(r, value);
      return { bytes: m.bytes, what: m.what };
    }
  }
}

/** One edit of the BundleHeaderProto: num_shards, endianness, the version message, or bytes. */
export function mutateHeaderProto(r: FuzzRng, value: Uint8Array): { bytes: Uint8Array; what: string } {
  const fields = protoFields(value);
  switch (r.int(4)) {
    case 0: {
      const v = interesting(r, [1, 2]);
      setScalar(fields, 1, v);
      return { bytes: encodeFields(fields), what: `num_shards = ${v}` };
    }
    case 1: {
      const v = BigInt(r.pick([1, 2, 0x7fffffff]));
      setScalar(fields, 2, v);
      return { bytes: encodeFields(fields), what: `endianness = ${v}` };
    }
    case 2: {
      const v = interesting(r, [1, 2]);
      const version = encodeFields([{ field: 1, wire: 0, value: 1n }, { field: 2, wire: r.chance(0.8) ? 0 : 2, value: r.chance(0.8) ? v : Uint8Array.from([1]) }]);
      const at = fields.findIndex((f) => f.field === 3);
      fields.splice(at < 0 ? fields.length : at, 1, { field: 3, wire: r.chance(0.9) ? 2 : 0, value: r.chance(0.9) ? version : 1n });
      return { bytes: encodeFields(fields), what: `version min_consumer = ${v}` };
    }
    default: {
      const m = mutateBytes(r, value);
      return { bytes: m.bytes, what: m.what };
    }
  }
}
