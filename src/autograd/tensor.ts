// Tensor: a shape over a flat, row-major float buffer, plus an optional gradient of the same size.
// Views (reshape) share the Storage, so data and gradient are shared too: no copies, no tape entry.
import { formatShape, shapeSize, type Shape } from "../dtype.js";
import { EngineError } from "../errors.js";
import type { FloatArray } from "../kernels/index.js";
import type { Engine } from "./engine.js";

/** The buffers behind one or more tensors (a tensor and its views). */
export class Storage {
  grad: FloatArray | null = null;
  released = false;

  /** pooled: the buffers come from the engine's pool and go back to it on engine.release(). */
  constructor(public data: FloatArray, readonly pooled: boolean) {}
}

export class Tensor {
  readonly size: number;

  constructor(
    readonly engine: Engine,
    readonly shape: Shape,
    readonly storage: Storage,
    public requiresGrad: boolean,
  ) {
    this.size = shapeSize(shape);
  }

  get data(): FloatArray {
    if (this.storage.released) {
      throw new EngineError(`Tensor${formatShape(this.shape)}: expected a live tensor, got one released by engine.release() or freed as an intermediate of a no-grad forward; hint: read results before releasing the step`);
    }
    return this.storage.data;
  }

  /** The accumulated gradient, or null when nothing has flowed into this tensor yet. */
  get grad(): FloatArray | null {
    return this.storage.grad;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The single value of a one-element tensor (a loss, say). */
  item(): number {
    if (this.size !== 1) throw new EngineError(`item: expected a tensor of one element, got shape ${formatShape(this.shape)}`);
    return this.data[0];
  }

  toArray(): number[] {
    return Array.from(this.data);
  }

  zeroGrad(): void {
    this.storage.grad?.fill(0);
  }

  toString(): string {
    return `Tensor${formatShape(this.shape)}${this.requiresGrad ? " requiresGrad" : ""}`;
  }
}
