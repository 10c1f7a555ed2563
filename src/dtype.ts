// Element types and shape aliases shared by every layer.

/** A tensor shape: sizes from the outermost dim to the innermost. */
export type Shape = readonly number[];

/**
 * Storage types a file may hold; in memory AdapterKit computes in float32. F64, I8, U8 and BOOL exist so that
 * checkpoints holding such tensors (float64 statistics, uint8/bool masks) load instead of failing.
 */
export type DType = "F32" | "F16" | "BF16" | "F64" | "I32" | "I64" | "I8" | "U8" | "BOOL";

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(",")}]`;
}
