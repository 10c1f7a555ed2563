// A pipeline turns one input into the token row an adapter reads, and that row's logits into a typed result
// (transformers.js's pipelines/): text-classification for sequence heads, token-classification for tagging.
import type { HeadConfig } from "../heads/index.js";
import type { Tokenizer } from "../tokenize/index.js";
import type { PredictInput } from "./inputs.js";

/** One input, tokenised, with what its result needs. */
export interface PipelineRow<R> {
  readonly ids: Int32Array; // (T)
  readonly typeIds: Int32Array; // (T)
  /** logits: the batch's logits; offset: where this row's start; T: the batch's padded length. */
  decode(logits: ArrayLike<number>, offset: number, T: number): R;
}

export interface Pipeline<R> {
  readonly head: HeadConfig;
  encode(tokenizer: Tokenizer, input: PredictInput, maxLength: number, where: string): PipelineRow<R>;
  /** Floats per row in the logits: C for sequence heads, T·C for tagging. */
  rowWidth(T: number): number;
}
