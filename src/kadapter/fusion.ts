// Combining the PLM's last hidden state with knowledge adapters' outputs for a downstream task
// (microsoft/K-Adapter `RobertaModelwithAdapter.forward`, `ETModel` / `TACREDModel` in the fine-tuning scripts):
//
//   "concat": f_k  = perAdapter_k(cat[h_plm, h_k])       (B,T,2H) -> (B,T,H), one Linear per adapter
//             out  = task(cat[f_1, ..., f_n])             (B,T,n·H) -> (B,T,H), only when n >= 2
//   "add":    out  = h_plm + Σ_k h_k                      no parameters
//
// With exactly one adapter the reference's RobertaModelwithAdapter returns f_1 itself: it builds `task_dense`
// but never calls it (its OpenEntity/TACRED scripts require two adapters in concat mode). So with one adapter
// there is no `task` Linear here. The reference's task_dense is Linear(2H -> H) for its two adapters; n·H -> H
// generalises it. Every Linear takes PyTorch's default init, as there.
import { add, concat, type Engine, type Tensor } from "../autograd/index.js";
import { formatShape } from "../dtype.js";
import { ConfigError, ShapeError } from "../errors.js";
import { Linear, Module, ModuleList } from "../nn/index.js";
import type { Rng } from "../rng.js";

export type FusionMode = "concat" | "add";
export const FUSION_MODES: readonly FusionMode[] = ["concat", "add"];

export class KnowledgeFusion extends Module {
  /** concat: adapter k's Linear(2H -> H); empty for add. */
  readonly perAdapter: ModuleList<Linear>;
  /** concat with two or more adapters: Linear(n·H -> H); otherwise null. */
  readonly task: Linear | null;

  constructor(e: Engine, readonly mode: FusionMode, readonly hiddenSize: number, readonly numAdapters: number, rng: Rng) {
    super();
    if (!FUSION_MODES.includes(mode)) throw new ConfigError(`KnowledgeFusion: unknown mode ${JSON.stringify(mode)}; expected one of ${FUSION_MODES.join(", ")}`);
    if (!Number.isInteger(numAdapters) || numAdapters < 1) throw new ConfigError(`KnowledgeFusion: expected at least one adapter, got ${numAdapters}`);
    const H = hiddenSize;
    const init = { rng, fanInUniform: true } as const;
    const concatMode = mode === "concat";
    this.perAdapter = this.child("perAdapter", new ModuleList(concatMode ? Array.from({ length: numAdapters }, () => new Linear(e, 2 * H, H, init)) : []));
    this.task = concatMode && numAdapters >= 2 ? this.child("task", new Linear(e, numAdapters * H, H, init)) : null;
  }

  /** plmLast (B,T,H), adapterOutputs: n tensors (B,T,H) in construction order -> task features (B,T,H). */
  forward(plmLast: Tensor, adapterOutputs: readonly Tensor[]): Tensor {
    const want = formatShape(plmLast.shape);
    if (plmLast.rank !== 3 || plmLast.shape[2] !== this.hiddenSize || adapterOutputs.length !== this.numAdapters
      || adapterOutputs.some((h) => formatShape(h.shape) !== want)) {
      throw new ShapeError(`KnowledgeFusion(${this.mode}): expected the PLM's last hidden state (B,T,${this.hiddenSize}) and ${this.numAdapters} adapter output(s) of its shape, got ${want} and ${adapterOutputs.map((h) => formatShape(h.shape)).join(", ") || "none"}`);
    }
    if (this.mode === "add") return adapterOutputs.reduce((sum, h) => add(sum, h), plmLast);
    const perAdapter = adapterOutputs.map((h, k) => this.perAdapter.items[k].forward(concat([plmLast, h], 2))); // (B,T,H) each
    return this.task ? this.task.forward(concat(perAdapter, 2)) : perAdapter[0];
  }
}
