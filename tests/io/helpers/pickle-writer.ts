// Crafts pickles opcode by opcode, for tests of the restricted unpickler: torch-like state dicts with chosen
// views and storages, and hostile streams (forbidden globals, truncation).
import { buildZip, type ZipSpec } from "./zip-writer.js";

export class PickleWriter {
  private bytes: number[] = [];

  op(...codes: number[]): this {
    this.bytes.push(...codes);
    return this;
  }
  proto(n = 2): this {
    return this.op(0x80, n);
  }
  global(module: string, name: string): this {
    return this.op(0x63, ...new TextEncoder().encode(`${module}\n${name}\n`));
  }
  str(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.op(0x58, b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff, b.length >>> 24, ...b);
  }
  shortStr(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.op(0x8c, b.length, ...b);
  }
  int(n: number): this {
    if (n >= 0 && n < 256) return this.op(0x4b, n);
    if (n >= 0 && n < 65536) return this.op(0x4d, n & 0xff, n >> 8);
    return this.op(0x4a, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >> 24) & 0xff);
  }
  mark(): this {
    return this.op(0x28);
  }
  tuple(): this {
    return this.op(0x74);
  }
  emptyTuple(): this {
    return this.op(0x29);
  }
  reduce(): this {
    return this.op(0x52);
  }
  stop(): this {
    return this.op(0x2e);
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export interface CraftedTensor {
  name: string;
  storageType: string; // "FloatStorage", ...
  key: string;
  numel: number;
  offset: number;
  shape: number[];
  stride: number[];
}

/** A state dict pickle shaped like torch.save's: OrderedDict of _rebuild_tensor_v2(BINPERSID storage, ...). */
export function stateDictPickle(tensors: readonly CraftedTensor[]): Uint8Array {
  const p = new PickleWriter().proto().global("collections", "OrderedDict").emptyTuple().reduce().mark();
  for (const t of tensors) {
    p.str(t.name).global("torch._utils", "_rebuild_tensor_v2").mark();
    p.mark().str("storage").global("torch", t.storageType).str(t.key).str("cpu").int(t.numel).tuple().op(0x51);
    p.int(t.offset).mark();
    for (const d of t.shape) p.int(d);
    p.tuple().mark();
    for (const s of t.stride) p.int(s);
    p.tuple().op(0x89).global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
  }
  return p.op(0x75).stop().finish();
}

/** A torch.save-like zip: `<archive>/data.pkl`, `<archive>/version` and the given storages. */
export function torchZip(pickle: Uint8Array, storages: Readonly<Record<string, Uint8Array>>, options: { archive?: string; method?: 0 | 8; zip64?: boolean } = {}): Uint8Array {
  const archive = options.archive ?? "archive";
  const entries: ZipSpec[] = [{ name: `${archive}/data.pkl`, data: pickle, method: options.method }];
  for (const [key, data] of Object.entries(storages)) entries.push({ name: `${archive}/data/${key}`, data, method: options.method });
  entries.push({ name: `${archive}/version`, data: new TextEncoder().encode("3\n") });
  return buildZip(entries, { zip64: options.zip64 });
}

/** The little-endian bytes of float32 values. */
export function f32Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}
