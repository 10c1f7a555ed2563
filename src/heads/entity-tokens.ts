// What the K-Adapter heads share: checking their (B,T,H) inputs, and picking one token per batch item (an
// entity's first marker token). The reference picks it with bmm(one_hot_row (B,1,T), features (B,T,H)); a row
// gather computes the same values and sends the gradient to the same place.
import { reshape, selectTokens, type Tensor } from "../autograd/index.js";
import { formatShape } from "../dtype.js";
import { ShapeError } from "../errors.js";

/** x must be (B,T,H). */
export function checkSequence(head: string, what: string, x: Tensor, H: number): void {
  if (x.rank !== 3 || x.shape[2] !== H) throw new ShapeError(`${head}: expected ${what} (B,T,${H}), got ${formatShape(x.shape)}`);
}

/** The PLM's and an adapter's last hidden states must both be (B,T,H), of one shape. */
export function checkPair(head: string, plmLast: Tensor, adapterLast: Tensor, H: number): void {
  if (plmLast.rank !== 3 || plmLast.shape[2] !== H || formatShape(plmLast.shape) !== formatShape(adapterLast.shape)) {
    throw new ShapeError(`${head}: expected the PLM's and the adapter's last hidden states of one shape (B,T,${H}), got ${formatShape(plmLast.shape)} and ${formatShape(adapterLast.shape)}`);
  }
}

/** features (B,T,H), positions (B) in [0,T), one per batch item -> (B,H). */
export function tokensAt(head: string, what: string, features: Tensor, positions: Int32Array): Tensor {
  const [B, T, H] = features.shape;
  if (positions.length !== B) {
    throw new ShapeError(`${head}: expected ${B} ${what} positions (one per batch item of features ${formatShape(features.shape)}), got ${positions.length}`);
  }
  positions.forEach((t, b) => {
    if (!(t >= 0 && t < T)) throw new ShapeError(`${head}: expected ${what} positions in [0,${T}) for features ${formatShape(features.shape)}, got ${t} for batch item ${b}`);
  });
  return reshape(selectTokens(features, positions, 1), [B, H]);
}
