// Byte-level decoding (GPT-2, RoBERTa): concatenate the pieces, turn each byte-alphabet character back
// into its byte, and read the bytes as UTF-8. Bytes that do not form valid UTF-8 (a sequence cut inside a
// character) become U+FFFD, like Rust's String::from_utf8_lossy.
import { CHAR_TO_BYTE, utf8Bytes } from "../byte-alphabet.js";
import type { Decoder } from "../pipeline.js";

export class ByteLevelDecoder implements Decoder {
  private readonly utf8 = new TextDecoder("utf-8", { fatal: false });

  decode(tokens: readonly string[]): string {
    const bytes: number[] = [];
    for (const token of tokens) {
      for (const ch of token) {
        const b = CHAR_TO_BYTE.get(ch);
        // A character outside the byte alphabet (in an added token) stands for its own UTF-8 bytes.
        if (b === undefined) bytes.push(...utf8Bytes(ch.codePointAt(0) ?? 0));
        else bytes.push(b);
      }
    }
    return this.utf8.decode(Uint8Array.from(bytes));
  }
}
