// GPT-2's bytes_to_unicode: a printable stand-in for each of the 256 byte values, so that byte-level BPE
// vocabularies are plain strings. Printable Latin-1 bytes stand for themselves; the other 68 (controls,
// space, U+00A0, soft hyphen) are shifted to U+0100 onwards, which is why a space shows as "Ġ" (U+0120).

function buildByteToChar(): string[] {
  const byteToChar: string[] = new Array<string>(256);
  const printable = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    byteToChar[b] = printable(b) ? String.fromCharCode(b) : String.fromCharCode(256 + shifted++);
  }
  return byteToChar;
}

/** BYTE_TO_CHAR[b] is the one-code-point stand-in for byte b. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

/** The inverse of BYTE_TO_CHAR. */
export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((ch, b) => [ch, b]));

/** The UTF-8 bytes of one code point; a lone surrogate encodes as U+FFFD, as TextEncoder does. */
export function utf8Bytes(cp: number): number[] {
  if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
}
