// One forward of the frozen encoder over a batch whose rows may run different adapters: the base work
// (embeddings, Q/K/V, attention, output and FFN GEMMs, the pooler) runs once over all rows; each adapter's
// bottlenecks, LayerNorms and head run over its own rows only. A batch with one adapter on every row takes
// the plain path (no row is cut out), so it computes what a single-adapter forward always did. A row with no
// adapter (null) runs the plain base and gets no logits here: its caller reads the encoder's output itself
// (K-Adapter tasks read the hidden states, so hiddenStates asks the encoder to keep them).
import type { Tensor } from "../autograd/index.js";
import { meanOverTokens } from "../heads/index.js";
import { ConfigError } from "../errors.js";
import { firstToken, type BertModel, type EncoderInput, type EncoderOutput } from "../models/index.js";
import { maskRows, rowsOf, Routing, type ForwardContext } from "../nn/index.js";
import type { Adapter } from "./adapter.js";

/** One adapter's rows of the batch and its head's logits for them: (n,C), or (n,T,C) for tagging. */
export interface AdapterLogits {
  readonly adapter: Adapter;
  readonly rows: Int32Array;
  readonly logits: Tensor;
}

/** rowAdapters[b]: the adapter row b runs, or null (length B) -> one entry per distinct adapter, in order of
 *  first row, and the encoder's output. */
export function forwardAdapters(
  encoder: BertModel,
  input: EncoderInput,
  rowAdapters: readonly (Adapter | null)[],
  ctx: ForwardContext,
  options: { hiddenStates?: boolean } = {},
): { groups: AdapterLogits[]; output: EncoderOutput } {
  const routing = Routing.perRow(rowAdapters);
  const output = encoder.forward(input, ctx, { routing, hiddenStates: options.hiddenStates });
  const B = input.batchSize;
  const T = input.seqLength;
  const groups = routing.groups.flatMap(({ insertions: adapter, rows }): AdapterLogits[] => {
    if (!adapter) return [];
    const all = rows.length === B; // the whole batch: no cut, so this is exactly the single-adapter path
    const pick = (x: Tensor): Tensor => (all ? x : rowsOf(x, rows));
    const head = adapter.head;
    let features: Tensor;
    if (head.readsTokens) features = pick(output.lastHidden);
    else if (head.config.pooling === "cls") features = firstToken(pick(output.lastHidden));
    else if (head.config.pooling === "pooler") {
      if (!output.pooled)
        throw new ConfigError(
          `adapter "${adapter.name}": its head reads the pooled output, and this base model has no pooler; hint: train with pooling "cls" (AdapterHub's default head) or "mean"`,
        );
      features = pick(output.pooled);
    } else {
      const mask = input.attentionMask;
      features = meanOverTokens(pick(output.lastHidden), mask && !all ? maskRows(mask, rows, T) : mask);
    }
    return [{ adapter, rows, logits: head.forward(features, ctx) }];
  });
  return { groups, output };
}
