// The options of encode / encodeBatch, checked once at the public boundary and given their defaults
// (Hugging Face's __call__ arguments: add_special_tokens, max_length, truncation, padding, pad_to_multiple_of).
import { ConfigError } from "../errors.js";

/** Hugging Face's truncation strategies; "longest_first" takes one token at a time from the longer sequence. */
export type TruncationStrategy = "longest_first" | "only_first" | "only_second";
/** "longest": to the longest encoding of the batch; "max_length": to maxLength. */
export type PaddingStrategy = "longest" | "max_length";

export interface EncodeOptions {
  /** Add [CLS]/[SEP] (BERT) or <s>/</s> (RoBERTa). Default true. */
  addSpecialTokens?: boolean;
  /** Most tokens per encoding, special tokens included. */
  maxLength?: number;
  /** Default "longest_first" when maxLength is set (as Hugging Face defaults it), else false. */
  truncation?: TruncationStrategy | false;
  /** Default false. Pads on the right with the pad token. */
  padding?: PaddingStrategy | false;
  /** Round the padded length up to a multiple of this (8 suits tensor cores). */
  padToMultipleOf?: number;
}

export interface ResolvedEncodeOptions {
  addSpecialTokens: boolean;
  maxLength: number | null;
  truncation: TruncationStrategy | false;
  padding: PaddingStrategy | false;
  padToMultipleOf: number | null;
}

const TRUNCATIONS: readonly string[] = ["longest_first", "only_first", "only_second"];
const PADDINGS: readonly string[] = ["longest", "max_length"];

export function resolveEncodeOptions(options: EncodeOptions = {}): ResolvedEncodeOptions {
  const addSpecialTokens = options.addSpecialTokens ?? true;
  if (typeof addSpecialTokens !== "boolean") throw new ConfigError(`encode: expected addSpecialTokens true or false, got ${String(addSpecialTokens)}`);
  const maxLength = options.maxLength ?? null;
  if (maxLength !== null && !(Number.isInteger(maxLength) && maxLength > 0)) {
    throw new ConfigError(`encode: expected maxLength a positive integer, got ${String(maxLength)}`);
  }
  const padToMultipleOf = options.padToMultipleOf ?? null;
  if (padToMultipleOf !== null && !(Number.isInteger(padToMultipleOf) && padToMultipleOf > 0)) {
    throw new ConfigError(`encode: expected padToMultipleOf a positive integer, got ${String(padToMultipleOf)}`);
  }
  const truncation = options.truncation ?? (maxLength === null ? false : "longest_first");
  if (truncation !== false && !TRUNCATIONS.includes(truncation)) {
    throw new ConfigError(`encode: expected truncation one of ${TRUNCATIONS.join(", ")} or false, got ${JSON.stringify(truncation)}`);
  }
  const padding = options.padding ?? false;
  if (padding !== false && !PADDINGS.includes(padding)) {
    throw new ConfigError(`encode: expected padding one of ${PADDINGS.join(", ")} or false, got ${JSON.stringify(padding)}`);
  }
  if (truncation !== false && maxLength === null) {
    throw new ConfigError(`encode: expected maxLength with truncation "${truncation}", got none`);
  }
  if (padding === "max_length" && maxLength === null) {
    throw new ConfigError(`encode: expected maxLength with padding "max_length", got none`);
  }
  if (truncation !== false && padding !== false && maxLength !== null && padToMultipleOf !== null && maxLength % padToMultipleOf !== 0) {
    // Padding would round past maxLength after truncating to it; Hugging Face refuses the same combination.
    throw new ConfigError(
      `encode: expected maxLength a multiple of padToMultipleOf when truncating and padding, got maxLength ${maxLength} and padToMultipleOf ${padToMultipleOf}`,
    );
  }
  return { addSpecialTokens, maxLength, truncation, padding, padToMultipleOf };
}
