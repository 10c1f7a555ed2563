// Truncation as in Hugging Face's fast tokenizers (tokenizers/src/utils/truncation.rs), applied to the
// sequences before special tokens are added; maxLength here is what is left after the special tokens.
import { ConfigError } from "../errors.js";
import type { TruncationStrategy } from "./encode-options.js";
import { sliceSequence, type SequenceEncoding } from "./encoding.js";

export function truncateSequences(
  a: SequenceEncoding,
  b: SequenceEncoding | null,
  maxLength: number,
  strategy: TruncationStrategy,
): [SequenceEncoding, SequenceEncoding | null] {
  const lengthA = a.ids.length;
  const lengthB = b === null ? 0 : b.ids.length;
  if (strategy === "only_second" && b === null) {
    throw new ConfigError(`truncation("only_second"): expected a second sequence, got none; hint: use "only_first" or "longest_first"`);
  }
  if (lengthA + lengthB <= maxLength) return [a, b];
  // Nothing left once the special tokens are in: Rust empties both sequences whatever the strategy.
  if (maxLength === 0) return [sliceSequence(a, 0), b === null ? null : sliceSequence(b, 0)];
  const toRemove = lengthA + lengthB - maxLength;

  if (strategy === "longest_first") {
    if (b === null) return [sliceSequence(a, maxLength), null];
    const [keepA, keepB] = longestFirstLengths(lengthA, lengthB, maxLength);
    return [sliceSequence(a, keepA), sliceSequence(b, keepB)];
  }
  const isFirst = strategy === "only_first";
  const target = isFirst ? a : b;
  if (target === null) throw new ConfigError(`truncation("only_second"): expected a second sequence, got none`);
  const length = target.ids.length;
  if (length <= toRemove) {
    throw new ConfigError(
      `truncation("${strategy}"): expected the ${isFirst ? "first" : "second"} sequence longer than the ${toRemove} tokens to remove, got ${length}; hint: use "longest_first" or a larger maxLength`,
    );
  }
  const cut = sliceSequence(target, length - toRemove);
  return isFirst ? [cut, b] : [a, cut];
}

/**
 * How many tokens of A and B "longest_first" keeps: tokens come off the longer sequence one at a time
 * until the two fit. When both end up cut to the same length and maxLength is odd, the extra token stays
 * with the sequence that was longer (with B when they started equal), as the Rust code's closed form does;
 * Python's slow tokenizers keep it with A when the lengths started equal.
 */
export function longestFirstLengths(lengthA: number, lengthB: number, maxLength: number): [number, number] {
  let shorter = Math.min(lengthA, lengthB);
  let longer: number;
  if (shorter > maxLength) longer = shorter;
  else longer = Math.max(shorter, maxLength - shorter);
  if (shorter + longer > maxLength) {
    shorter = Math.floor(maxLength / 2);
    longer = shorter + (maxLength % 2);
  }
  return lengthA > lengthB ? [longer, shorter] : [shorter, longer];
}
