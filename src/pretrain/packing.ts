// Packing text into fixed-length training sequences, RoBERTa's FULL-SENTENCES way: every document's
// WordPiece ids are laid end to end in one stream, a [SEP] after each document, and the stream is cut into
// bodies of T-2 tokens; [CLS] and [SEP] are added around each body when a batch is built. No padding and
// no next-sentence task, so every token of every step is training signal.
import { ConfigError } from "../errors.js";
import type { Tokenizer } from "../tokenize/index.js";

export interface PackedSequences {
  /** count·bodyLength token ids, sequence i at [i·bodyLength, (i+1)·bodyLength). */
  readonly tokens: Int32Array;
  readonly bodyLength: number;
  readonly count: number;
}

export class TokenStream {
  private data = new Int32Array(1 << 20);
  private length = 0;

  constructor(private readonly tokenizer: Tokenizer) {}

  get tokenCount(): number {
    return this.length;
  }

  /** Appends a document's paragraphs, then the separator. */
  addDocument(paragraphs: readonly string[]): void {
    for (const paragraph of paragraphs) this.push(this.tokenizer.encode(paragraph, null, { addSpecialTokens: false }).ids);
    this.push([separatorId(this.tokenizer)]);
  }

  /** The stream cut into bodies of bodyLength tokens (a last partial body is dropped). */
  pack(bodyLength: number): PackedSequences {
    if (!(Number.isInteger(bodyLength) && bodyLength > 0)) throw new ConfigError(`pack: expected a positive body length, got ${bodyLength}`);
    const count = Math.floor(this.length / bodyLength);
    return { tokens: this.data.slice(0, count * bodyLength), bodyLength, count };
  }

  private push(ids: ArrayLike<number>): void {
    if (this.length + ids.length > this.data.length) {
      const grown = new Int32Array(Math.max(2 * this.data.length, this.length + ids.length));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    for (let i = 0; i < ids.length; i++) this.data[this.length + i] = ids[i];
    this.length += ids.length;
  }
}

function separatorId(tokenizer: Tokenizer): number {
  const id = tokenizer.specialTokenIds.sep;
  if (id === null) throw new ConfigError("pretraining: expected a tokenizer with a separator token ([SEP] or </s>)");
  return id;
}
