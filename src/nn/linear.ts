// Linear layer y = x·Wᵀ + b with W stored [out, in] (Hugging Face's layout).
import { linear, packWeight, type Engine, type PackedWeight, type Tensor } from "../autograd/index.js";
import type { LinearPrecision } from "../kernels/index.js";
import { ConfigError } from "../errors.js";
import type { Rng } from "../rng.js";
import { normal, truncatedNormal, uniform } from "./init.js";
import { Module } from "./module.js";

/**
 * How a new Linear draws its parameters:
 *   { rng, std }                   BERT: weight N(0, std²) truncated at 2 std, bias zero;
 *   { rng, std, truncated: false } a plain normal weight, bias zero (K-Adapter's down/up projections);
 *   { rng, fanInUniform: true }    PyTorch's nn.Linear default (kaiming_uniform with a = √5): weight and bias
 *                                  both U(-1/√in, 1/√in), weight drawn first;
 *   { zeros: true }                nothing drawn: for weights about to be loaded (drawing BERT-base's takes seconds).
 * bias: false leaves the layer without a bias.
 */
export type LinearInit =
  | { readonly rng: Rng; readonly std: number; readonly truncated?: boolean; readonly bias?: boolean }
  | { readonly rng: Rng; readonly fanInUniform: true; readonly bias?: boolean }
  | { readonly zeros: true; readonly bias?: boolean };

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(e: Engine, readonly inFeatures: number, readonly outFeatures: number, init: LinearInit) {
    super();
    const shape = [outFeatures, inFeatures];
    if ("zeros" in init) {
      this.weight = this.parameter("weight", e.zeros(shape, { requiresGrad: true }));
      this.bias = init.bias === false ? null : this.parameter("bias", e.zeros([outFeatures], { requiresGrad: true }));
      return;
    }
    if ("fanInUniform" in init) {
      const bound = 1 / Math.sqrt(inFeatures);
      this.weight = this.parameter("weight", uniform(e, shape, bound, init.rng));
      this.bias = init.bias === false ? null : this.parameter("bias", uniform(e, [outFeatures], bound, init.rng));
      return;
    }
    const draw = init.truncated === false ? normal : truncatedNormal;
    this.weight = this.parameter("weight", draw(e, shape, init.std, init.rng));
    this.bias = init.bias === false ? null : this.parameter("bias", e.zeros([outFeatures], { requiresGrad: true }));
  }

  private packedWeight: PackedWeight | null = null;
  /** max |x| per input channel over the inputs seen while recording (int8 calibration), or null. */
  private inputMax: Float32Array | null = null;

  /**
   * Packs the frozen weight once for every later forward (fp32 GEMM panels, int8 or bf16); null unpacks it. For
   * int8, inputMax (what recordInputs saw) turns on SmoothQuant's migration with α = 0.5: s_k =
   * √(max|x_k| / max_j|w_jk|), which evens out the channels' ranges between activations and weights before both
   * are quantized.
   */
  pack(precision: LinearPrecision | null, inputMax: Float32Array | null = null): void {
    if (this.dropped) throw new ConfigError(`Linear ${this.outFeatures}x${this.inFeatures}: its fp32 weight was dropped after packing; it cannot be packed again`);
    const scale = precision === "int8" && inputMax ? smoothing(inputMax, this.weight.data, this.inFeatures) : null;
    this.packedWeight = precision === null ? null : packWeight(this.weight, precision, scale);
  }

  /**
   * Frees the fp32 weight of a weight packed in int8 or bf16 (forward, and bf16's dX, read the packed one) and
   * gives its memory back at once (Backend.discard: the layer owns its weight's array); returns its bytes.
   */
  dropFp32Weight(): number {
    const p = this.packedWeight;
    if (!p || p.precision === "fp32") throw new ConfigError(`Linear ${this.outFeatures}x${this.inFeatures}: expected a weight packed in int8 or bf16 before dropping its fp32 values, got ${p ? "fp32" : "none"}`);
    const old = this.weight.data;
    const empty = new Float32Array(0);
    this.weight.storage.data = empty;
    this.packedWeight = { ...p, source: empty };
    if (old instanceof Float32Array) this.weight.engine.backend.discard(old);
    return old.byteLength;
  }

  private get dropped(): boolean {
    return this.weight.data.length !== this.weight.size;
  }

  /** Starts (a fresh max per input channel) or stops recording what this layer's inputs hold. */
  recordInputs(on: boolean): void {
    this.inputMax = on ? new Float32Array(this.inFeatures) : null;
  }

  /** max |x| per input channel since recordInputs(true), or null when not recording. */
  get recordedInputMax(): Float32Array | null {
    return this.inputMax;
  }

  /** Bytes held by the packed weight (0 when not packed). */
  get packedBytes(): number {
    return this.packedWeight?.data.byteLength ?? 0;
  }

  forward(x: Tensor): Tensor {
    if (this.inputMax) {
      const m = this.inputMax;
      for (let row = 0; row < x.size; row += this.inFeatures) {
        for (let k = 0; k < this.inFeatures; k++) m[k] = Math.max(m[k], Math.abs(x.data[row + k]));
      }
    }
    return linear(x, this.weight, this.bias, this.packedWeight);
  }
}

/** s_k = √(max|x_k| / max_j |w_jk|) (SmoothQuant, α = 0.5); 1 where either is 0 (nothing to balance). */
function smoothing(inputMax: Float32Array, w: Float32Array | Float64Array, IN: number): Float32Array {
  const wMax = new Float64Array(IN);
  for (let row = 0; row < w.length; row += IN) {
    for (let k = 0; k < IN; k++) wMax[k] = Math.max(wMax[k], Math.abs(w[row + k]));
  }
  return Float32Array.from(inputMax, (x, k) => (x > 0 && wMax[k] > 0 ? Math.sqrt(x / wMax[k]) : 1));
}
