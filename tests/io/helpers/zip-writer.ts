// A small zip writer for crafting torch.save-like archives in tests: stored or deflated entries, and the
// zip64 variant (zip64 extra fields, zip64 end-of-central-directory record and locator) on request.
import { deflateRawSync } from "node:zlib";
import { crc32 } from "../../../src/io/zip.js";

export interface ZipSpec {
  name: string;
  data: Uint8Array;
  method?: 0 | 8;
}

class Out {
  private parts: Uint8Array[] = [];
  length = 0;
  push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }
  fields(spec: [number, 2 | 4 | 8][]): void {
    const size = spec.reduce((n, [, b]) => n + b, 0);
    const bytes = new Uint8Array(size);
    const view = new DataView(bytes.buffer);
    let at = 0;
    for (const [value, width] of spec) {
      if (width === 2) view.setUint16(at, value, true);
      else if (width === 4) view.setUint32(at, value, true);
      else view.setBigUint64(at, BigInt(value), true);
      at += width;
    }
    this.push(bytes);
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

export function buildZip(entries: readonly ZipSpec[], options: { zip64?: boolean } = {}): Uint8Array {
  const zip64 = options.zip64 ?? false;
  const out = new Out();
  const central: { spec: ZipSpec; crc: number; compressed: number; offset: number; name: Uint8Array }[] = [];
  for (const spec of entries) {
    const method = spec.method ?? 0;
    const payload = method === 8 ? new Uint8Array(deflateRawSync(spec.data)) : spec.data;
    const name = new TextEncoder().encode(spec.name);
    const crc = crc32(spec.data);
    const offset = out.length;
    const sat = (n: number): number => (zip64 ? 0xffffffff : n);
    out.fields([[0x04034b50, 4], [zip64 ? 45 : 20, 2], [0, 2], [method, 2], [0, 2], [0x21, 2], [crc, 4],
      [sat(payload.length), 4], [sat(spec.data.length), 4], [name.length, 2], [zip64 ? 20 : 0, 2]]);
    out.push(name);
    if (zip64) out.fields([[0x0001, 2], [16, 2], [spec.data.length, 8], [payload.length, 8]]);
    out.push(payload);
    central.push({ spec, crc, compressed: payload.length, offset, name });
  }
  const directoryAt = out.length;
  for (const c of central) {
    const sat = (n: number): number => (zip64 ? 0xffffffff : n);
    out.fields([[0x02014b50, 4], [45, 2], [zip64 ? 45 : 20, 2], [0, 2], [c.spec.method ?? 0, 2], [0, 2], [0x21, 2],
      [c.crc, 4], [sat(c.compressed), 4], [sat(c.spec.data.length), 4], [c.name.length, 2], [zip64 ? 28 : 0, 2],
      [0, 2], [0, 2], [0, 2], [0, 4], [sat(c.offset), 4]]);
    out.push(c.name);
    if (zip64) out.fields([[0x0001, 2], [24, 2], [c.spec.data.length, 8], [c.compressed, 8], [c.offset, 8]]);
  }
  const directorySize = out.length - directoryAt;
  if (zip64) {
    const eocd64At = out.length;
    out.fields([[0x06064b50, 4], [44, 8], [45, 2], [45, 2], [0, 4], [0, 4], [central.length, 8], [central.length, 8],
      [directorySize, 8], [directoryAt, 8]]);
    out.fields([[0x07064b50, 4], [0, 4], [eocd64At, 8], [1, 4]]);
    out.fields([[0x06054b50, 4], [0, 2], [0, 2], [0xffff, 2], [0xffff, 2], [0xffffffff, 4], [0xffffffff, 4], [0, 2]]);
  } else {
    out.fields([[0x06054b50, 4], [0, 2], [0, 2], [central.length, 2], [central.length, 2], [directorySize, 4], [directoryAt, 4], [0, 2]]);
  }
  return out.finish();
}
