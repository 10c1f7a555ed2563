// Reuses float buffers across training steps, so a step allocates nothing once the first one has run.
// Requests are rounded up to a size class (2^k · {1, 1.25, 1.5, 1.75}, at most 25% slack) so batches of
// slightly different lengths (dynamic padding) share buffers instead of growing the pool.
import type { FloatArray } from "../kernels/index.js";

export type Precision = "float32" | "float64";

export class BufferPool {
  private readonly free = new Map<number, FloatArray[]>();
  private readonly baseOf = new WeakMap<FloatArray, FloatArray>();
  private allocatedBytes = 0;

  constructor(private readonly precision: Precision) {}

  /** A buffer of exactly n elements; zeroed when asked, otherwise with stale contents. */
  acquire(n: number, zero: boolean): FloatArray {
    const capacity = sizeClass(n);
    const base = this.free.get(capacity)?.pop() ?? this.create(capacity);
    const view = base.length === n ? base : base.subarray(0, n);
    this.baseOf.set(view, base);
    if (zero) view.fill(0);
    return view;
  }

  release(view: FloatArray): void {
    const base = this.baseOf.get(view) ?? view;
    const list = this.free.get(base.length);
    if (list) list.push(base);
    else this.free.set(base.length, [base]);
  }

  /** Bytes ever allocated by this pool: flat across steps once the pool is warm. */
  get bytes(): number {
    return this.allocatedBytes;
  }

  private create(capacity: number): FloatArray {
    const buffer = this.precision === "float64" ? new Float64Array(capacity) : new Float32Array(capacity);
    this.allocatedBytes += buffer.byteLength;
    return buffer;
  }
}

export function sizeClass(n: number): number {
  if (n <= 64) return 64;
  const power = 2 ** Math.floor(Math.log2(n));
  for (const step of [1, 1.25, 1.5, 1.75, 2]) {
    const candidate = Math.ceil(power * step);
    if (candidate >= n) return candidate;
  }
  return 2 * power;
}
