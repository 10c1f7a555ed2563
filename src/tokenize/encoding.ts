// What encode returns, and the per-sequence form it is built from. All arrays have one entry per token (T).

/** The tokens of one input sequence before special tokens are added. */
export interface SequenceEncoding {
  ids: number[];
  tokens: string[];
  /** [start, end) in the sequence's text, UTF-16 units. */
  offsets: Array<[number, number]>;
  /** Index of the word each token comes from, from 0 within this sequence. */
  wordIds: number[];
}

export interface Encoding {
  /** Token ids (T). */
  ids: Int32Array;
  /** Token strings (T), as in the vocabulary ("##ing", "Ġworld"). */
  tokens: string[];
  /** Segment ids (T): BERT 0 for "[CLS] A [SEP]" and 1 for "B [SEP]"; RoBERTa all 0. Padding 0. */
  typeIds: Int32Array;
  /** 1 for tokens to attend to, 0 for padding (T). */
  attentionMask: Uint8Array;
  /** 1 for the tokens the template or padding added ([CLS], [SEP], <s>, </s>, [PAD]); 0 for text tokens (T). */
  specialTokensMask: Uint8Array;
  /**
   * Word index of each token (T): a pre-tokenizer word of the text, or the index into the words given to
   * encodePretokenized; restarts at 0 in the second sequence; null for added special tokens and padding.
   */
  wordIds: Array<number | null>;
  /** Which input each token comes from: 0 the text, 1 the pair; null for added special tokens and padding (T). */
  sequenceIds: Array<0 | 1 | null>;
  /**
   * [start, end) of each token in the text it comes from (sequenceIds says which), in UTF-16 units so
   * that `text.slice(start, end)` is the token's source; for encodePretokenized, within its word.
   * [0, 0] for added special tokens and padding. A token holding part of a character spans the whole character.
   */
  offsets: Array<[number, number]>;
}

export function emptySequence(): SequenceEncoding {
  return { ids: [], tokens: [], offsets: [], wordIds: [] };
}

export function sliceSequence(sequence: SequenceEncoding, length: number): SequenceEncoding {
  return {
    ids: sequence.ids.slice(0, length),
    tokens: sequence.tokens.slice(0, length),
    offsets: sequence.offsets.slice(0, length),
    wordIds: sequence.wordIds.slice(0, length),
  };
}

/** Appends `more` to `into`, in place. */
export function appendSequence(into: SequenceEncoding, more: SequenceEncoding): void {
  into.ids.push(...more.ids);
  into.tokens.push(...more.tokens);
  into.offsets.push(...more.offsets);
  into.wordIds.push(...more.wordIds);
}
