// Global-norm gradient clipping, as tf.clip_by_global_norm: every gradient is scaled by
// maxNorm / max(globalNorm, maxNorm), so nothing changes when the norm is already small.
import type { Tensor } from "../autograd/index.js";

/** Returns the global norm before clipping (NaN or Infinity when a gradient is not finite). */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): number {
  let sumSquares = 0;
  for (const p of params) {
    const g = p.grad;
    if (g) for (let i = 0; i < g.length; i++) sumSquares += g[i] * g[i];
  }
  const norm = Math.sqrt(sumSquares);
  if (!Number.isFinite(norm) || norm <= maxNorm) return norm;
  const s = maxNorm / norm;
  for (const p of params) {
    const g = p.grad;
    if (g) for (let i = 0; i < g.length; i++) g[i] *= s;
  }
  return norm;
}
