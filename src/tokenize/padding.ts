// Right padding with the pad token: attention 0, special-token mask 1, type id 0, no word, offsets [0, 0]
// (what Hugging Face's pad() gives BERT and RoBERTa, whose padding side is the right).
import type { PaddingStrategy } from "./encode-options.js";
import type { Encoding } from "./encoding.js";

/** The padded length for encodings of these lengths; maxLength is only read for "max_length". */
export function paddedLength(lengths: readonly number[], padding: PaddingStrategy, maxLength: number | null, padToMultipleOf: number | null): number {
  let target = padding === "max_length" && maxLength !== null ? maxLength : Math.max(0, ...lengths);
  if (padToMultipleOf !== null && target % padToMultipleOf !== 0) target += padToMultipleOf - (target % padToMultipleOf);
  return target;
}

/** `encoding` padded on the right to `length` tokens; one already that long or longer is returned as is. */
export function padEncoding(encoding: Encoding, length: number, pad: { id: number; token: string }): Encoding {
  const have = encoding.ids.length;
  if (have >= length) return encoding;
  const extra = length - have;
  const ids = new Int32Array(length);
  ids.set(encoding.ids);
  ids.fill(pad.id, have);
  const typeIds = new Int32Array(length);
  typeIds.set(encoding.typeIds);
  const attentionMask = new Uint8Array(length);
  attentionMask.set(encoding.attentionMask);
  const specialTokensMask = new Uint8Array(length).fill(1);
  specialTokensMask.set(encoding.specialTokensMask);
  return {
    ids,
    tokens: [...encoding.tokens, ...new Array<string>(extra).fill(pad.token)],
    typeIds,
    attentionMask,
    specialTokensMask,
    wordIds: [...encoding.wordIds, ...new Array<null>(extra).fill(null)],
    sequenceIds: [...encoding.sequenceIds, ...new Array<null>(extra).fill(null)],
    offsets: [...encoding.offsets, ...Array.from({ length: extra }, (): [number, number] => [0, 0])],
  };
}
