// matmul(a, b): batched matrix product with optional transposed operands.
//   a (...batch, M, K) — or (...batch, K, M) with transA
//   b (...batch, K, N) with the same batch dims, or one matrix (K, N) shared by every batch item
//     — (N, K) with transB
//   -> out (...batch, M, N)
// Gradients, with op(x) the operand as used:  d op(A) = dC · op(B)ᵀ,  d op(B) = op(A)ᵀ · dC.
import { formatShape, type Shape } from "../../dtype.js";
import { ShapeError } from "../../errors.js";
import type { Tensor } from "../tensor.js";

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  const fail = (why: string): never => {
    throw new ShapeError(`matmul: expected ${why}, got a ${formatShape(a.shape)}${transA ? "ᵀ" : ""} and b ${formatShape(b.shape)}${transB ? "ᵀ" : ""}`);
  };
  if (a.rank < 2 || b.rank < 2) fail("operands of rank >= 2");
  const [aRows, aCols] = a.shape.slice(-2);
  const [bRows, bCols] = b.shape.slice(-2);
  const M = transA ? aCols : aRows;
  const K = transA ? aRows : aCols;
  const N = transB ? bRows : bCols;
  if ((transB ? bCols : bRows) !== K) fail(`equal inner dims (K)`);
  const batchShape: Shape = a.shape.slice(0, -2);
  const batch = a.size / (aRows * aCols);
  const bShared = b.rank === 2 && a.rank > 2;
  if (!bShared && formatShape(b.shape.slice(0, -2)) !== formatShape(batchShape)) fail("equal batch dims, or a 2-D b");
  if (bShared && transA) fail("a non-transposed a when b is shared across the batch");

  const e = a.engine;
  const out = e.output([...batchShape, M, N]);
  e.backend.matmul(out.data, a.data, b.data, batch, M, N, K, transA, transB, 0, bShared);
  e.record("matmul", out, [a, b], (dOut) => {
    const dA = e.gradOf(a);
    if (dA) {
      if (!transA) e.backend.matmul(dA, dOut, b.data, batch, M, K, N, false, !transB, 1, bShared);
      else e.backend.matmul(dA, b.data, dOut, batch, K, M, N, transB, true, 1, false);
    }
    const dB = e.gradOf(b);
    if (dB) {
      // a shared b sums its gradient over the batch: fold the batch into the reduction dim (a is !transA)
      const rows = bShared ? batch * M : M;
      const n = bShared ? 1 : batch;
      if (!transB) e.backend.matmul(dB, a.data, dOut, n, K, N, rows, !transA, false, 1, false);
      else e.backend.matmul(dB, dOut, a.data, n, N, K, rows, true, transA, 1, false);
    }
  });
  return out;
}
