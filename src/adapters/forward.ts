// One forward of the frozen encoder over a batch whose rows may run different adapters: the base work
// (embeddings, Q/K/V, attention, output and FFN GEMMs, the pooler) runs once over all rows; each adapter's
// bottlenecks, LayerNorms and head run over its own rows only. A batch with one adapter on every row takes
// the plain path (no row is cut out), so it computes what a single-adapter forward always did.
import type { Tensor } from "../autograd/index.js";
import { InternalError } from "../errors.js";
import { meanOverTokens } from "../heads/index.js";
import type { BertModel, EncoderInput } from "../models/index.js";
import { rowsOf, Routing, type ForwardContext } from "../nn/index.js";
import type { Adapter } from "./adapter.js";

/** One adapter's rows of the batch and its head's logits for them: (n,C), or (n,T,C) for tagging. */
export interface AdapterLogits {
  readonly adapter: Adapter;
  readonly rows: Int32Array;
  readonly logits: Tensor;
}

/** rowAdapters[b]: the adapter row b runs (length B) -> one entry per distinct adapter, in order of first row. */
export function forwardAdapters(encoder: BertModel, input: EncoderInput, rowAdapters: readonly Adapter[], ctx: ForwardContext): AdapterLogits[] {
  const routing = Routing.perRow(rowAdapters);
  const out = encoder.forward(input, ctx, { routing });
  const B = input.batchSize;
  const T = input.seqLength;
  return routing.groups.map(({ insertions, rows }) => {
    if (!insertions) throw new InternalError("forwardAdapters: a row without an adapter");
    const adapter = insertions;
    const all = rows.length === B; // the whole batch: no cut, so this is exactly the single-adapter path
    const pick = (x: Tensor): Tensor => (all ? x : rowsOf(x, rows));
    const head = adapter.head;
    let features: Tensor;
    if (head.readsTokens) features = pick(out.lastHidden);
    else if (head.config.pooling === "pooler") features = pick(out.pooled);
    else {
      const mask = input.attentionMask;
      const rowMask = mask && !all ? Int32Array.from({ length: rows.length * T }, (_, i) => mask[rows[Math.floor(i / T)] * T + (i % T)]) : mask;
      features = meanOverTokens(pick(out.lastHidden), rowMask);
    }
    return { adapter, rows, logits: head.forward(features, ctx) };
  });
}
