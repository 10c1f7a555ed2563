// Sinusoidal values for BERT's learned position embeddings. With the usual N(0, 0.02) init the position rows
// are unrelated random vectors, about a sixth of the word embeddings' norm once those have grown; measured
// here, a 4-layer BERT then settled into a bag-of-words model (shuffling a sequence's tokens left its
// held-out loss unchanged after 5,700 steps) and never left the unigram plateau. Sinusoids make "the token
// k places away" a linear map of the position vector, so one attention head can learn it; the rows stay
// ordinary trainable parameters and the saved model is a plain BERT.
import { ConfigError } from "../errors.js";
import type { Tensor } from "../autograd/index.js";

/** Fills a (P, H) position table with Transformer sinusoids scaled so that every row has norm rowNorm. */
export function fillSinusoidalPositions(weight: Tensor, rowNorm: number): void {
  const [P, H] = weight.shape;
  if (!(rowNorm > 0) || H % 2 !== 0) throw new ConfigError(`position init: expected a positive row norm and an even hidden size, got ${rowNorm} and ${H}`);
  const amplitude = rowNorm / Math.sqrt(H / 2); // each sin/cos pair contributes amplitude² to the squared norm
  for (let p = 0; p < P; p++) {
    for (let i = 0; i < H / 2; i++) {
      const angle = p / 10000 ** ((2 * i) / H);
      weight.data[p * H + 2 * i] = amplitude * Math.sin(angle);
      weight.data[p * H + 2 * i + 1] = amplitude * Math.cos(angle);
    }
  }
}
