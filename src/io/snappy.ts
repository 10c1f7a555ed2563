// Snappy raw-block decompression (LevelDB block compression type 1). TensorFlow writes checkpoint indexes
// uncompressed, but a table may still carry snappy blocks, and the format is small enough to read.
// Layout: varint uncompressed length, then elements tagged by the low 2 bits of their first byte:
//   00 literal: length-1 in the upper 6 bits, or (60..63) in the next 1..4 bytes (little-endian)
//   01 copy: length 4 + bits 2..4, offset = bits 5..7 << 8 | next byte
//   10 copy: length 1 + upper 6 bits, offset = next 2 bytes (LE)
//   11 copy: length 1 + upper 6 bits, offset = next 4 bytes (LE)
// A copy repeats `length` bytes starting `offset` bytes back; it may overlap its own output.
import { FormatError } from "../errors.js";
import { readVarint } from "./protobuf.js";

export function snappyDecompress(input: Uint8Array, label: string): Uint8Array {
  const header = readVarint(input, 0, label);
  // No element expands more than 64 bytes out of 3 in, so a larger claim is corruption, not data.
  if (header.value > 32 * input.length) {
    throw new FormatError(`${label}: corrupt snappy block: declares ${header.value} bytes from ${input.length}`);
  }
  const out = new Uint8Array(header.value);
  let pos = header.next;
  let outPos = 0;
  const fail = (what: string, at: number): never => {
    throw new FormatError(`${label}: corrupt snappy block: ${what} at compressed offset ${at}`);
  };
  const readLE = (at: number, n: number): number => {
    if (at + n > input.length) fail(`element needs ${n} more bytes`, at);
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + input[at + i];
    return v;
  };
  while (pos < input.length) {
    const at = pos;
    const tag = input[pos++];
    const kind = tag & 3;
    if (kind === 0) {
      let length = (tag >> 2) + 1;
      if (length > 60) {
        const n = length - 60;
        length = readLE(pos, n) + 1;
        pos += n;
      }
      if (pos + length > input.length) fail(`literal of ${length} bytes runs past the input`, at);
      if (outPos + length > out.length) fail(`literal overflows the declared ${out.length} bytes`, at);
      out.set(input.subarray(pos, pos + length), outPos);
      pos += length;
      outPos += length;
      continue;
    }
    let length: number;
    let offset: number;
    if (kind === 1) {
      length = 4 + ((tag >> 2) & 7);
      offset = ((tag >> 5) << 8) | readLE(pos, 1);
      pos += 1;
    } else {
      const n = kind === 2 ? 2 : 4;
      length = (tag >> 2) + 1;
      offset = readLE(pos, n);
      pos += n;
    }
    if (offset === 0 || offset > outPos) fail(`copy offset ${offset} with ${outPos} bytes written`, at);
    if (outPos + length > out.length) fail(`copy overflows the declared ${out.length} bytes`, at);
    for (let i = 0; i < length; i++, outPos++) out[outPos] = out[outPos - offset]; // byte-wise: may overlap
  }
  if (outPos !== out.length) fail(`${outPos} bytes decoded, ${out.length} declared`, input.length);
  return out;
}
