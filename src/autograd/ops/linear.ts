// linear(x, W, b) = x·Wᵀ + b: x (..., IN), W (OUT, IN) as Hugging Face stores it, b (OUT) -> (..., OUT).
// A frozen W (requiresGrad false) skips its weight-gradient GEMM: backward is then one GEMM (dX).
// A frozen W may also be packed once (packWeight) into the backend's own layout, fp32 panels, int8 or bf16,
// which the forward then reads instead of W. Backward's dX GEMM reads W itself, or in bf16, when packed for
// training, Wᵀ packed the same way (dX = dOut·W is a Linear over Wᵀ).
import { formatShape } from "../../dtype.js";
import { ConfigError, ShapeError } from "../../errors.js";
import type { FloatArray, LinearPrecision } from "../../kernels/index.js";
import type { Tensor } from "../tensor.js";

/** A frozen weight packed once for linear's forward, valid while the weight holds the array it was packed from. */
export interface PackedWeight {
  readonly precision: LinearPrecision;
  readonly data: Uint8Array;
  /** Wᵀ (IN, OUT) packed at the same precision, for backward's dX; bf16 packed for training only, else null. */
  readonly transposed: Uint8Array | null;
  readonly source: FloatArray;
}

/**
 * Packs a frozen float32 weight (OUT, IN) for linear(); a precision the backend has no kernel for throws.
 * channelScale (IN, int8 only): SmoothQuant's per-input-channel factors s (Backend.packLinear), default all 1.
 */
export function packWeight(weight: Tensor, precision: LinearPrecision, channelScale: Float32Array | null = null, options: { forTraining?: boolean } = {}): PackedWeight {
  if (weight.rank !== 2) throw new ShapeError(`packWeight: expected a weight [OUT,IN], got ${formatShape(weight.shape)}`);
  if (weight.requiresGrad) throw new ConfigError(`packWeight: expected a frozen weight (requiresGrad false), got one that trains`);
  if (!(weight.data instanceof Float32Array)) throw new ConfigError(`packWeight: expected a float32 weight, got a float64 one`);
  const [N, K] = weight.shape;
  const backend = weight.engine.backend;
  if (options.forTraining && precision !== "bf16") throw new ConfigError(`packWeight: expected bf16 to pack for training, got ${precision} (inference only)`);
  const pack = (w: Float32Array, rows: number, cols: number, scale: Float32Array | null): Uint8Array => {
    const packed = new Uint8Array(backend.allocate(backend.packedLinearBytes(rows, cols, precision)));
    backend.packLinear(packed, w, scale, rows, cols, precision);
    return packed;
  };
  const data = pack(weight.data, N, K, channelScale);
  let transposed: Uint8Array | null = null;
  if (options.forTraining) {
    const wT = new Float32Array(N * K);
    for (let j = 0; j < N; j++) {
      for (let k = 0; k < K; k++) wT[k * N + j] = weight.data[j * K + k];
    }
    transposed = pack(wT, K, N, null);
  }
  return { precision, data, transposed, source: weight.data };
}

export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null, packed: PackedWeight | null = null): Tensor {
  const IN = x.shape[x.rank - 1];
  if (weight.rank !== 2 || weight.shape[1] !== IN || (bias !== null && (bias.rank !== 1 || bias.shape[0] !== weight.shape[0]))) {
    throw new ShapeError(`linear: expected weight [OUT,${IN}] and bias [OUT] for input ${formatShape(x.shape)}, got weight ${formatShape(weight.shape)}${bias ? ` and bias ${formatShape(bias.shape)}` : ""}`);
  }
  const OUT = weight.shape[0];
  const N = x.size / IN;
  const e = x.engine;
  const out = e.output([...x.shape.slice(0, -1), OUT]);
  if (packed) {
    if (packed.source !== weight.data) throw new ConfigError(`linear: expected the packed weight ${formatShape(weight.shape)} to be unchanged since it was packed, got new values; pack it again`);
    e.backend.linearPacked(out.data, x.data, packed.data, bias ? bias.data : null, N, OUT, IN, packed.precision);
  } else {
    e.backend.matmul(out.data, x.data, weight.data, 1, N, OUT, IN, false, true, 0, false);
    if (bias) e.backend.biasAddForward(out.data, bias.data, N, OUT);
  }
  e.record("linear", out, bias ? [x, weight, bias] : [x, weight], (dOut) => {
    const dX = e.gradOf(x);
    if (dX && packed?.transposed) {
      const t = e.buffer(N * IN); // dX (N,IN) += dOut·W, as a packed Linear over Wᵀ
      e.backend.linearPacked(t, dOut, packed.transposed, null, N, IN, OUT, packed.precision);
      e.backend.scaleBackward(dX, t, 1, N * IN);
    } else if (dX) {
      e.backend.matmul(dX, dOut, weight.data, 1, N, IN, OUT, false, false, 1, false); // dX (N,IN) += dOut·W
    }
    const dW = e.gradOf(weight);
    if (dW) e.backend.matmul(dW, dOut, x.data, 1, OUT, IN, N, true, false, 1, false); // dW (OUT,IN) += dOutᵀ·x
    const dBias = bias ? e.gradOf(bias) : null;
    if (dBias) e.backend.biasAddBackward(dBias, dOut, N, OUT);
  });
  return out;
}
