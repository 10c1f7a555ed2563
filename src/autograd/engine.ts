// The engine ties a kernel backend, a tape and a buffer pool together. Every tensor belongs to one engine;
// ops find the backend through their inputs, so model code reads like maths: gelu(linear(x, w, b)).
//
// Memory is explicit: op outputs, buffers saved for backward and intermediate gradients come from the
// pool and return to it on release(), which a training loop calls once per step after reading results.
// Leaves (parameters, inputs made with tensor()) are ordinary allocations owned by the caller.
import { formatShape, shapeSize, type Shape } from "../dtype.js";
import { ConfigError, EngineError, ShapeError } from "../errors.js";
import type { Backend, FloatArray } from "../kernels/index.js";
import { BufferPool, type Precision } from "./buffer-pool.js";
import { Tape } from "./tape.js";
import { Storage, Tensor } from "./tensor.js";

export interface EngineOptions {
  backend: Backend;
  /** float64 is for gradient checks on the reference backend only. */
  precision?: Precision;
}

export interface TensorOptions {
  requiresGrad?: boolean;
}

export class Engine {
  readonly backend: Backend;
  readonly precision: Precision;
  readonly tape = new Tape();
  private readonly pool: BufferPool;
  private readonly inUse = new Set<FloatArray>(); // pooled buffers handed out since the last release()
  private readonly pooledStorages: Storage[] = [];
  private gradEnabled = true;

  constructor(options: EngineOptions) {
    this.backend = options.backend;
    this.precision = options.precision ?? "float32";
    if (this.precision === "float64" && this.backend.name !== "ref") {
      throw new ConfigError(`Engine: expected the ref backend for float64 precision, got "${this.backend.name}"`);
    }
    this.pool = new BufferPool(this.precision);
  }

  // ---- leaves ----------------------------------------------------------------------------------------
  /** A leaf tensor that owns a copy of `values`. */
  tensor(values: ArrayLike<number>, shape: Shape, options: TensorOptions = {}): Tensor {
    const size = shapeSize(shape);
    if (values.length !== size) {
      throw new ShapeError(`tensor: expected ${size} values for shape ${formatShape(shape)}, got ${values.length}`);
    }
    const data = this.newArray(size);
    data.set(values);
    return new Tensor(this, shape, new Storage(data, false), options.requiresGrad ?? false);
  }

  zeros(shape: Shape, options: TensorOptions = {}): Tensor {
    return new Tensor(this, shape, new Storage(this.newArray(shapeSize(shape)), false), options.requiresGrad ?? false);
  }

  // ---- for ops -------------------------------------------------------------------------------------------
  /** A pooled output tensor with unspecified contents: the op's forward kernel must write every element. */
  output(shape: Shape): Tensor {
    const storage = new Storage(this.acquire(shapeSize(shape), false), true);
    this.pooledStorages.push(storage);
    return new Tensor(this, shape, storage, false);
  }

  /** A pooled work or saved buffer (mean/rstd, probs, dropout mask), returned on release(). */
  buffer(n: number, zero = false): FloatArray {
    return this.acquire(n, zero);
  }

  /** True when an op with these inputs must record itself. */
  needsTape(inputs: readonly Tensor[]): boolean {
    for (const t of inputs) {
      if (t.engine !== this) throw new EngineError(`${t}: expected tensors of one engine, got tensors from two`);
    }
    return this.gradEnabled && inputs.some((t) => t.requiresGrad);
  }

  /**
   * Records an op when any input requires a gradient: marks the output as requiring one and stores the
   * backward closure. Ops call this after computing the forward.
   */
  record(op: string, output: Tensor, inputs: readonly Tensor[], backward: (dOut: FloatArray) => void): void {
    if (!this.needsTape(inputs)) return;
    output.requiresGrad = true;
    this.tape.record({ op, output, backward });
  }

  /** The gradient buffer of `t` to accumulate into, created zeroed on first use; null if t needs none. */
  gradOf(t: Tensor): FloatArray | null {
    if (!t.requiresGrad) return null;
    const storage = t.storage;
    if (storage.grad === null) {
      storage.grad = storage.pooled ? this.acquire(storage.data.length, true) : this.newArray(storage.data.length);
    }
    return storage.grad;
  }

  // ---- modes and lifecycle -------------------------------------------------------------------------
  /** Runs fn without recording anything on the tape (inference, evaluation). */
  noGrad<T>(fn: () => T): T {
    const previous = this.gradEnabled;
    this.gradEnabled = false;
    try {
      return fn();
    } finally {
      this.gradEnabled = previous;
    }
  }

  get isGradEnabled(): boolean {
    return this.gradEnabled;
  }

  /**
   * Inference only: runs fn, then returns to the pool every buffer fn took except its result's. A no-grad
   * forward that wraps each layer so holds one layer's intermediates at a time instead of all of them.
   */
  freeIntermediates(fn: () => Tensor): Tensor {
    if (this.gradEnabled) throw new EngineError("freeIntermediates: expected noGrad mode; with gradients on, the tape may still read these buffers");
    const storagesBefore = this.pooledStorages.length;
    const buffersBefore = new Set(this.inUse);
    const result = fn();
    const kept = result.storage;
    for (const storage of this.pooledStorages.splice(storagesBefore)) {
      if (storage === kept) this.pooledStorages.push(storage);
      else storage.released = true;
    }
    for (const buffer of this.inUse) {
      if (buffersBefore.has(buffer) || buffer === kept.data) continue;
      this.inUse.delete(buffer);
      this.pool.release(buffer);
    }
    return result;
  }

  /** Backpropagates from a scalar loss (or from `dLoss` given for a non-scalar root), then clears the tape. */
  backward(root: Tensor, dLoss?: ArrayLike<number>): void {
    if (!root.requiresGrad) {
      throw new EngineError(`backward: expected a tensor that requires grad, got ${root}; hint: does any parameter have requiresGrad?`);
    }
    if (dLoss === undefined && root.size !== 1) {
      throw new ShapeError(`backward: expected a one-element loss or an explicit dLoss, got shape ${formatShape(root.shape)}`);
    }
    const grad = this.gradOf(root);
    if (grad === null) return;
    if (dLoss === undefined) grad[0] += 1;
    else for (let i = 0; i < root.size; i++) grad[i] += dLoss[i];
    this.tape.replay((output) => this.releaseGrad(output));
  }

  /**
   * Returns an op output's gradient to the pool once its tape entry has run: every consumer ran earlier
   * (reverse recording order), so nothing reads it again. Keeps backward's peak memory near the forward's.
   */
  private releaseGrad(output: Tensor): void {
    const storage = output.storage;
    const grad = storage.grad;
    if (!storage.pooled || grad === null || !this.inUse.delete(grad)) return;
    storage.grad = null;
    this.pool.release(grad);
  }

  /**
   * Ends a step: returns every pooled buffer (op outputs, saved buffers, intermediate gradients) to the pool
   * and clears the tape. Tensors produced by ops before this call are dead afterwards (reading them throws).
   */
  release(): void {
    this.tape.clear();
    for (const storage of this.pooledStorages) {
      storage.released = true;
      storage.grad = null;
    }
    this.pooledStorages.length = 0;
    for (const buffer of this.inUse) this.pool.release(buffer);
    this.inUse.clear();
  }

  /** Bytes the pool has ever allocated: flat across steps once warm (the leak test watches it). */
  get pooledBytes(): number {
    return this.pool.bytes;
  }

  newArray(n: number): FloatArray {
    return this.precision === "float64" ? new Float64Array(n) : new Float32Array(n);
  }

  private acquire(n: number, zero: boolean): FloatArray {
    const buffer = this.pool.acquire(n, zero);
    this.inUse.add(buffer);
    return buffer;
  }
}
