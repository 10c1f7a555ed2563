// Hand-rolled protobuf wire-format decoding: enough for the few small messages of a TF checkpoint index.
// A message is a sequence of (tag varint = field << 3 | wire type, payload). Wire types: 0 varint,
// 1 fixed64, 2 length-delimited bytes, 5 fixed32 (3/4, the deprecated groups, are rejected).
import { FormatError } from "../errors.js";

export type ProtoField =
  | { field: number; wire: "varint"; value: number }
  | { field: number; wire: "fixed64"; value: bigint }
  | { field: number; wire: "bytes"; bytes: Uint8Array }
  | { field: number; wire: "fixed32"; value: number };

/**
 * Reads a varint at `offset`; returns the value and the offset after it. Values above 2^53 (including
 * negative int64s, which take 10 bytes) cannot be exact JS numbers and are rejected: no field we read has one.
 */
export function readVarint(bytes: Uint8Array, offset: number, label: string): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = offset; i < bytes.length && i < offset + 10; i++) {
    const byte = bytes[i];
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      if (value > Number.MAX_SAFE_INTEGER) throw new FormatError(`${label}: varint at offset ${offset} exceeds 2^53`);
      return { value, next: i + 1 };
    }
    scale *= 128;
  }
  throw new FormatError(`${label}: truncated or overlong varint at offset ${offset}`);
}

/** All fields of one message, in wire order (repeated fields appear once per element). */
export function decodeMessage(bytes: Uint8Array, label: string): ProtoField[] {
  const fields: ProtoField[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  while (pos < bytes.length) {
    const tagAt = pos;
    const tag = readVarint(bytes, pos, label);
    pos = tag.next;
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (field === 0) throw new FormatError(`${label}: field number 0 at offset ${tagAt}`);
    const need = (n: number): void => {
      if (pos + n > bytes.length) throw new FormatError(`${label}: field ${field} at offset ${tagAt} needs ${n} bytes, ${bytes.length - pos} left`);
    };
    switch (wireType) {
      case 0: {
        const v = readVarint(bytes, pos, label);
        fields.push({ field, wire: "varint", value: v.value });
        pos = v.next;
        break;
      }
      case 1:
        need(8);
        fields.push({ field, wire: "fixed64", value: view.getBigUint64(pos, true) });
        pos += 8;
        break;
      case 2: {
        const len = readVarint(bytes, pos, label);
        pos = len.next;
        need(len.value);
        fields.push({ field, wire: "bytes", bytes: bytes.subarray(pos, pos + len.value) });
        pos += len.value;
        break;
      }
      case 5:
        need(4);
        fields.push({ field, wire: "fixed32", value: view.getUint32(pos, true) });
        pos += 4;
        break;
      default:
        throw new FormatError(`${label}: unsupported wire type ${wireType} for field ${field} at offset ${tagAt}`);
    }
  }
  return fields;
}
