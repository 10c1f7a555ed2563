// WordPiece decoding (Hugging Face's WordPiece decoder): a piece with the "##" prefix glues onto the one
// before it; any other piece starts a new space-separated word. With cleanup on, each piece also gets the
// Rust decoder's own per-piece cleanup (a space before ".", "?", "!", "," goes away).
import type { Decoder } from "../pipeline.js";

export class WordPieceDecoder implements Decoder {
  constructor(
    readonly prefix: string,
    readonly cleanup: boolean,
  ) {}

  decode(tokens: readonly string[]): string {
    let out = "";
    tokens.forEach((token, i) => {
      let piece: string;
      if (i === 0) piece = token;
      else if (token.startsWith(this.prefix)) piece = token.slice(this.prefix.length);
      else piece = ` ${token}`;
      out += this.cleanup ? cleanupPiece(piece) : piece;
    });
    return out;
  }
}

/** The Rust WordPiece decoder's cleanup list, applied to one piece at a time. */
function cleanupPiece(piece: string): string {
  return piece
    .replaceAll(" .", ".")
    .replaceAll(" ?", "?")
    .replaceAll(" !", "!")
    .replaceAll(" ,", ",")
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" do not", " don't")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}
