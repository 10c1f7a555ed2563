// linear(x, W, b) = x·Wᵀ + b: x (..., IN), W (OUT, IN) as Hugging Face stores it, b (OUT) -> (..., OUT).
// A frozen W (requiresGrad false) skips its weight-gradient GEMM: backward is then one GEMM (dX).
// A frozen W may also be packed once (packWeight) into the backend's own layout, fp32 panels, int8 or bf16,
// which the forward then reads instead of W. Backward's dX GEMM reads W itself, or, packed in bf16, the same
// packed buffer (linearPackedTransposed), so a bf16 weight needs no fp32 copy to train adapters over it.
import { formatShape } from "../../dtype.js";
import { ConfigError, ShapeError } from "../../errors.js";
import type { FloatArray, LinearPrecision } from "../../kernels/index.js";
import type { Tensor } from "../tensor.js";

/** A frozen weight packed once for linear's forward, valid while the weight holds the array it was packed from. */
export interface PackedWeight {
  readonly precision: LinearPrecision;
  readonly data: Uint8Array;
  readonly source: FloatArray;
}

/**
 * Packs a frozen float32 weight (OUT, IN) for linear(); a precision the backend has no kernel for throws.
 * channelScale (IN, int8 only): SmoothQuant's per-input-channel factors s (Backend.packLinear), default all 1.
 */
export function packWeight(weight: Tensor, precision: LinearPrecision, channelScale: Float32Array | null = null): PackedWeight {
  if (weight.rank !== 2) throw new ShapeError(`packWeight: expected a weight [OUT,IN], got ${formatShape(weight.shape)}`);
  if (weight.requiresGrad) throw new ConfigError(`packWeight: expected a frozen weight (requiresGrad false), got one that trains`);
  if (!(weight.data instanceof Float32Array)) throw new ConfigError(`packWeight: expected a float32 weight, got a float64 one`);
  const [N, K] = weight.shape;
  const backend = weight.engine.backend;
  const data = new Uint8Array(backend.allocate(backend.packedLinearBytes(N, K, precision)));
  backend.packLinear(data, weight.data, channelScale, N, K, precision);
  return { precision, data, source: weight.data };
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
    if (dX && packed?.precision === "bf16") {
      e.backend.linearPackedTransposed(dX, dOut, packed.data, N, OUT, IN, packed.precision); // dX (N,IN) += dOut·W from W's bf16 pack
    } else if (dX) {
      if (weight.data.length !== weight.size) throw new ConfigError(`linear: backward through a weight packed in ${packed?.precision} needs its fp32 values, which were dropped; hint: load the base in fp32 or bf16 to train over it`);
      e.backend.matmul(dX, dOut, weight.data, 1, N, IN, OUT, false, false, 1, false); // dX (N,IN) += dOut·W
    }
    const dW = e.gradOf(weight);
    if (dW) e.backend.matmul(dW, dOut, x.data, 1, OUT, IN, N, true, false, 1, false); // dW (OUT,IN) += dOutᵀ·x
    const dBias = bias ? e.gradOf(bias) : null;
    if (dBias) e.backend.biasAddBackward(dBias, dOut, N, OUT);
  });
  return out;
}
