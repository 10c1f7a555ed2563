// BERT's next-sentence pairs made from packed bodies: each body of L tokens is cut at a random point into
// segment A and segment B, with a [SEP] between them (B loses its last token to make room). Half the time B
// is the text that really follows A (label 0); otherwise B is cut from a random other body (label 1).
// Token types are 0 up to and including the middle [SEP], 1 after, as BERT's create_pretraining_data.
import type { Rng } from "../rng.js";
import { maskBatch, type MaskedBatch, type MaskingOptions, type MaskingVocab } from "./masking.js";

export const IS_NEXT = 0;
export const NOT_NEXT = 1;

/** Masks a batch of next-sentence pairs; pickOther draws the body a "not next" segment B is cut from. */
export function maskPairBatch(
  bodies: Int32Array, batchSize: number, vocab: MaskingVocab, options: MaskingOptions, rng: Rng, pickOther: (rng: Rng) => Int32Array,
): MaskedBatch {
  const L = bodies.length / batchSize;
  const T = L + 2;
  const paired = new Int32Array(bodies.length);
  const typeIds = new Int32Array(batchSize * T);
  const labels = new Int32Array(batchSize);
  for (let b = 0; b < batchSize; b++) {
    const body = bodies.subarray(b * L, (b + 1) * L);
    const out = paired.subarray(b * L, (b + 1) * L);
    const k = Math.floor(L / 4) + rng.int(Math.ceil(L / 2)); // length of A
    const lengthB = L - 1 - k;
    out.set(body.subarray(0, k));
    out[k] = vocab.sepId;
    labels[b] = rng.uniform() < 0.5 ? IS_NEXT : NOT_NEXT;
    if (labels[b] === IS_NEXT) out.set(body.subarray(k, k + lengthB), k + 1);
    else {
      const other = pickOther(rng);
      const start = rng.int(other.length - lengthB + 1);
      out.set(other.subarray(start, start + lengthB), k + 1);
    }
    typeIds.fill(1, b * T + k + 2, (b + 1) * T); // [CLS] A [SEP] are type 0
  }
  const batch = maskBatch(paired, batchSize, vocab, options, rng);
  return { ...batch, input: { ...batch.input, typeIds }, nextSentenceLabels: labels };
}
