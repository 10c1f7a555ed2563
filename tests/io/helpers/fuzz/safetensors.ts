// Mutators for the safetensors target (header length, JSON header edits, truncation, bytes) and the
// safetensors-index target (index JSON weight_map edits; its shards get the safetensors mutator).
import { concat, readUint, writeUint } from "./bytes.js";
import { RAW, stringifyWithRaw, weirdJson } from "./json.js";
import { INVALID_UTF8, mutateBytes, truncateNear, type Mutation } from "./mutate-bytes.js";
import { interesting, type FuzzRng } from "./random.js";

interface SafetensorsParts {
  headerLength: number;
  header: Record<string, unknown>;
  data: Uint8Array;
}

function safetensorsParts(bytes: Uint8Array): SafetensorsParts {
  const headerLength = readUint(bytes, 0, 8);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  return { headerLength, header, data: bytes.subarray(8 + headerLength) };
}

function safetensorsFile(headerText: string, data: Uint8Array, length?: bigint): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = concat(new Uint8Array(8), json, data);
  writeUint(out, 0, 8, length ?? BigInt(json.length));
  return out;
}

/** One edit of the JSON header: a tensor's offsets, shape or dtype, whole values, names, or the metadata. */
function editSafetensorsHeader(r: FuzzRng, parts: SafetensorsParts): { text: string; what: string } {
  const header = structuredClone(parts.header);
  const names = Object.keys(header).filter((k) => k !== "__metadata__");
  const name = r.pick(names);
  const tensor = header[name] as { dtype: string; shape: number[]; data_offsets: [number, number] };
  const [b, e] = tensor.data_offsets;
  const n = parts.data.length;
  const setRaw = (obj: Record<string, unknown>, key: string, raw: { text: string; what: string }, what: string): { text: string; what: string } => {
    obj[key] = RAW;
    return { text: stringifyWithRaw(header, raw.text), what: `${what} = ${raw.what.slice(0, 80)}` };
  };
  const raw = (text: string): { text: string; what: string } => ({ text, what: text });
  switch (r.int(8)) {
    case 0: {
      const big = [2 ** 32, 2 ** 53, 2 ** 64, 1e10];
      const offsets = r.pick([
        `[${e},${b}]`, `[${b + 1},${e}]`, `[${b},${e + 1}]`, `[${b - 1},${e - 1}]`, `[${b},${r.pick(big)}]`, `[0,${n + 1}]`,
        `[-1,${e}]`, `[${b + 0.5},${e}]`, `["${b}",${e}]`, `[${b}]`, `[${b},${e},0]`, `[${r.pick(big)},${r.pick(big) + 4}]`,
        `[${b},${b}]`, `[${n},${n + e - b}]`,
      ]);
      return setRaw(tensor as unknown as Record<string, unknown>, "data_offsets", r.chance(0.8) ? raw(offsets) : weirdJson(r), `"${name}".data_offsets`);
    }
    case 1: {
      const s = tensor.shape;
      const shape = r.pick([
        `[${[...s, 0].join(",")}]`, `[${[...s, 1].join(",")}]`, `[${[...s, 2 ** 31].join(",")}]`, `[${s.slice(1).join(",")}]`,
        `[${[-1, ...s.slice(1)].join(",")}]`, `[${[0.5, ...s.slice(1)].join(",")}]`, `[${[2 ** 53, ...s.slice(1)].join(",")}]`,
        `[${[1e300, ...s.slice(1)].join(",")}]`, `["${s[0]}"]`, `[[${s.join(",")}]]`, "[]", `[${[0, 2 ** 53 - 1, 2 ** 53 - 1].join(",")}]`,
        `[${[...s, ...new Array(1000).fill(1)].join(",")}]`, `[${[2 ** 26, 2 ** 26, 2 ** 26].join(",")}]`,
      ]);
      return setRaw(tensor as unknown as Record<string, unknown>, "shape", r.chance(0.8) ? raw(shape) : weirdJson(r), `"${name}".shape`);
    }
    case 2: {
      const dtype = r.pick(['"F64"', '"F32"', '"F16"', '"BF16"', '"I64"', '"I32"', '"I8"', '"U8"', '"BOOL"', '"F8_E4M3"', '"U16"', '"f32"', '""', "1", "null", '"__proto__"', '"constructor"', '"toString"']);
      return setRaw(tensor as unknown as Record<string, unknown>, "dtype", r.chance(0.8) ? raw(dtype) : weirdJson(r), `"${name}".dtype`);
    }
    case 3: return setRaw(header, name, weirdJson(r), `"${name}"`);
    case 4: {
      const newName = r.pick(["__metadata__", "__proto__", "constructor", "", "x".repeat(10_000), `${name}.copy`]);
      if (r.chance(0.5)) delete header[name];
      header[newName] = tensor;
      return { text: JSON.stringify(header), what: `"${name}" renamed/copied to "${newName.slice(0, 20)}"` };
    }
    case 5: {
      delete header[name];
      return { text: JSON.stringify(header), what: `delete "${name}"` };
    }
    case 6: return setRaw(header, "__metadata__", r.chance(0.5) ? raw(r.pick(['{"a":1}', '{"a":null}', '["x"]', "null", '"x"', '{"a":{"b":"c"}}'])) : weirdJson(r), "__metadata__");
    default: {
      const top = weirdJson(r);
      return { text: top.text, what: `header = ${top.what}` };
    }
  }
}

export function mutateSafetensors(r: FuzzRng, input: Uint8Array): Mutation {
  const parts = safetensorsParts(input);
  const dataAt = 8 + parts.headerLength;
  const choice = r.int(100);
  if (choice < 15) {
    const value = interesting(r, [parts.headerLength, input.length - 8, input.length, 100_000_000]);
    const bytes = new Uint8Array(input);
    writeUint(bytes, 0, 8, value);
    return { bytes, what: `header length field = ${value} (was ${parts.headerLength})` };
  }
  if (choice < 55) {
    const edit = editSafetensorsHeader(r, parts);
    const lengthEdit = r.int(10);
    const json = new TextEncoder().encode(edit.text);
    const length = lengthEdit === 0 ? BigInt(json.length + r.pick([-1, 1])) : undefined;
    const what = `header ${edit.what}${length !== undefined ? `, length field ${length} for ${json.length} bytes` : ""}`;
    return { bytes: safetensorsFile(edit.text, parts.data, length), what };
  }
  if (choice < 60) {
    const m = mutateBytes(r, input, 8, dataAt);
    return { bytes: m.bytes, what: `header text: ${m.what}` };
  }
  if (choice < 70) {
    const bytes = new Uint8Array(input);
    const at = 8 + r.int(parts.headerLength);
    const bad = r.pick(INVALID_UTF8);
    bytes.set(bad.slice(0, dataAt - at), at);
    return { bytes, what: `header text: invalid UTF-8 ${bad.map((x) => x.toString(16)).join(" ")} at ${at}` };
  }
  if (choice < 85) {
    const bounds = [0, 1, 7, 8, 9, dataAt - 1, dataAt, dataAt + 1, input.length - 1];
    for (const value of Object.values(parts.header)) {
      const offsets = (value as { data_offsets?: [number, number] }).data_offsets;
      if (offsets !== undefined) bounds.push(dataAt + offsets[0], dataAt + offsets[1]);
    }
    return truncateNear(r, input, bounds);
  }
  if (choice < 90) {
    const extra = r.bytes(r.pick([1, 2, 4, 8, 100]));
    return { bytes: concat(input, extra), what: `append ${extra.length} bytes` };
  }
  return mutateBytes(r, input);
}

export function mutateShardIndex(r: FuzzRng, input: Uint8Array): Mutation {
  const index = JSON.parse(new TextDecoder().decode(input)) as { weight_map: Record<string, unknown> };
  const names = Object.keys(index.weight_map);
  const name = r.pick(names);
  let raw: string | undefined;
  let what: string;
  switch (r.int(6)) {
    case 0:
    case 1: {
      const shard = r.pick(["", ".", "..", "../model-00001-of-00002.safetensors", "/etc/passwd", "subdir", "missing.safetensors",
        "model.safetensors.index.json", "a\\b", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", 7, null, ["x"]]);
      index.weight_map[name] = shard;
      what = `weight_map["${name}"] = ${JSON.stringify(shard)}`;
      break;
    }
    case 2: delete index.weight_map[name]; what = `delete weight_map["${name}"]`; break;
    case 3: index.weight_map[`${name}.extra`] = index.weight_map[name]; what = `add weight_map["${name}.extra"]`; break;
    case 4: {
      const weird = weirdJson(r);
      (index as Record<string, unknown>)[r.pick(["weight_map", "metadata"])] = RAW;
      raw = weird.text;
      what = `weight_map or metadata = ${weird.what}`;
      break;
    }
    default: {
      const m = mutateBytes(r, input);
      return { bytes: m.bytes, what: `index bytes: ${m.what}` };
    }
  }
  return { bytes: new TextEncoder().encode(stringifyWithRaw(index, raw)), what };
}
