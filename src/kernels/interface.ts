// The kernel contract: every numeric loop AdapterKit runs goes through one of these functions.
//
// Conventions (see STYLE.md §4):
// - Row-major, contiguous arrays; offsets are explicit; kernels never see tensors, strides of views or shapes
//   beyond the dims passed in.
// - Argument order: outputs, saved buffers, inputs, weights, dims last.
// - Forward kernels overwrite every element of their outputs. Backward kernels ADD into gradient buffers
//   (`dInp[i] += ...`) and never overwrite them; a null gradient buffer means "not needed, skip the work".
// - Kernels do not allocate, validate or log: the autograd op that calls them checks shapes once.
//
// Dim legend: B batch, T tokens (Tq queries, Tk keys), C channels (last dim), N rows (= product of leading
// dims), NH heads, HS head size, M/N/K matrix dims of a GEMM, V vocab/table rows.

/** Float buffers a kernel reads or writes. The reference backend also accepts Float64Array (for gradcheck). */
export type FloatArray = Float32Array | Float64Array;

export type GeluApproximation = "tanh" | "erf";

/** How a frozen Linear weight is packed for inference: float32 GEMM panels, int8 per output channel, or bfloat16. */
export type LinearPrecision = "fp32" | "int8" | "bf16";

export interface Backend {
  /** "ref" (pure TypeScript) or "native" (N-API addon over OpenBLAS). */
  readonly name: "ref" | "native";

  // ---- matrix products -------------------------------------------------------------------------------
  /**
   * Batched GEMM. For each of `batch` problems (each operand contiguous, batch strides M*K, K*N, M*N):
   *   out[M,N] = op(a)[M,K] · op(b)[K,N] + beta * out[M,N]
   * where op(a) = a stored [K,M] when transA, else a stored [M,K]; op(b) = b stored [N,K] when transB.
   * beta is 0 (overwrite) or 1 (accumulate into gradients). When `bShared` is true, b is one [K,N]
   * (or [N,K]) matrix used by every batch item.
   */
  matmul(
    out: FloatArray, a: FloatArray, b: FloatArray,
    batch: number, M: number, N: number, K: number,
    transA: boolean, transB: boolean, beta: number, bShared: boolean,
  ): void;

  /** out (N,C) += bias (C) broadcast over rows. */
  biasAddForward(out: FloatArray, bias: FloatArray, N: number, C: number): void;
  /** dBias (C) += sum over rows of dOut (N,C). */
  biasAddBackward(dBias: FloatArray, dOut: FloatArray, N: number, C: number): void;

  // ---- frozen Linear weights, packed once (inference) ----------------------------------------------------
  // A weight w (N,K) that never changes is packed once into this backend's own layout (a buffer is only read
  // by the backend, and the process, that packed it):
  //   fp32  the GEMM's panels: linearPacked returns what matmul(out, x, w, 1, M, N, K, false, true, 0, false)
  //         does on the built-in GEMM, bit for bit, without re-packing w at each call
  //   int8  w'[j,k] = w[j,k]·s[k] (s: channelScale, SmoothQuant's per-input-channel migration, or all 1),
  //         quantized per output channel, symmetric; each call quantizes x[i,k]/s[k] per row, asymmetric
  //         (unsigned with a zero point), multiplies in exact integer sums and rescales to float;
  //         native/qgemm.c's top comment has the maths, ref/linear-packed.ts is the definition
  //   bf16  w rounded once to bfloat16 (round to nearest even), x's rows at each call, exact products summed in
  //         fp32 pair by pair as vdpbf16ps does (the same places, ref/linear-packed.ts)
  /** Zero-filled memory for a large buffer that lives long (a packed weight); native maps it on huge pages. */
  allocate(bytes: number): ArrayBuffer;
  /** Gives the memory of data back to the OS, where it can (native: its whole pages, which read as zeros from
   *  then on; the reference backend: nothing). For arrays nothing will read again. */
  discard(data: Float32Array): void;
  /** Bytes packLinear writes; a precision whose linearKernel() is null throws. */
  packedLinearBytes(N: number, K: number, precision: LinearPrecision): number;
  /** dst (packedLinearBytes, byteOffset a multiple of 4) = weight (N,K) packed; channelScale (K) int8 only. */
  packLinear(dst: Uint8Array, weight: Float32Array, channelScale: Float32Array | null, N: number, K: number, precision: LinearPrecision): void;
  /** out (M,N) = x (M,K) · wᵀ from packLinear's buffer, + bias (N) unless null (as biasAddForward after it). */
  linearPacked(out: FloatArray, x: FloatArray, packed: Uint8Array, bias: FloatArray | null, M: number, N: number, K: number, precision: LinearPrecision): void;
  /** out (M,K) += x (M,N) · w, w (N,K) from packLinear's buffer: backward's dX over a frozen weight, the product
   *  the same numbers as linearPacked over wᵀ packed, each added to out in one rounding; bf16 only (the one
   *  precision that trains), else a RangeError. */
  linearPackedTransposed(out: FloatArray, x: FloatArray, packed: Uint8Array, M: number, N: number, K: number, precision: LinearPrecision): void;
  /** What runs linearPacked at a precision here ("avx512-vnni", "avx512-bf16", the fp32 GEMM's kernel,
   *  "reference"), or null: this CPU has no kernel for it. */
  linearKernel(precision: LinearPrecision): string | null;

  // ---- elementwise with broadcasting -----------------------------------------------------------------
  // `shape` is the output shape (rank R); aStrides/bStrides give, per output dim, the element stride in a
  // and b, with 0 on broadcast dims. Output is contiguous.
  addForward(out: FloatArray, a: FloatArray, b: FloatArray, shape: Int32Array, aStrides: Int32Array, bStrides: Int32Array): void;
  /** dA[ia] += dOut[i]; dB[ib] += dOut[i] (reducing over broadcast dims). */
  addBackward(dA: FloatArray | null, dB: FloatArray | null, dOut: FloatArray, shape: Int32Array, aStrides: Int32Array, bStrides: Int32Array): void;
  mulForward(out: FloatArray, a: FloatArray, b: FloatArray, shape: Int32Array, aStrides: Int32Array, bStrides: Int32Array): void;
  /** dA[ia] += dOut[i]*b[ib]; dB[ib] += dOut[i]*a[ia]. */
  mulBackward(dA: FloatArray | null, dB: FloatArray | null, dOut: FloatArray, a: FloatArray, b: FloatArray, shape: Int32Array, aStrides: Int32Array, bStrides: Int32Array): void;

  /** out[i] = s * inp[i], n elements. */
  scaleForward(out: FloatArray, inp: FloatArray, s: number, n: number): void;
  /** dInp[i] += s * dOut[i]. */
  scaleBackward(dInp: FloatArray, dOut: FloatArray, s: number, n: number): void;

  // ---- activations (n elements) ------------------------------------------------------------------------
  /** tanh: 0.5x(1+tanh(√(2/π)(x+0.044715x³))) (BERT/Google); erf: 0.5x(1+erf(x/√2)) (HF "gelu"). */
  geluForward(out: FloatArray, inp: FloatArray, n: number, approximation: GeluApproximation): void;
  geluBackward(dInp: FloatArray, dOut: FloatArray, inp: FloatArray, n: number, approximation: GeluApproximation): void;
  tanhForward(out: FloatArray, inp: FloatArray, n: number): void;
  /** Uses the saved output: d tanh = 1 - out². */
  tanhBackward(dInp: FloatArray, dOut: FloatArray, out: FloatArray, n: number): void;
  reluForward(out: FloatArray, inp: FloatArray, n: number): void;
  reluBackward(dInp: FloatArray, dOut: FloatArray, inp: FloatArray, n: number): void;

  // ---- normalisation ---------------------------------------------------------------------------------
  /** Softmax over the last dim: inp (N,C) -> out (N,C). */
  softmaxForward(out: FloatArray, inp: FloatArray, N: number, C: number): void;
  softmaxBackward(dInp: FloatArray, dOut: FloatArray, out: FloatArray, N: number, C: number): void;
  /** inp (N,C), weight (C), bias (C) -> out (N,C); saves mean (N), rstd (N) = 1/sqrt(var + eps), biased var. */
  layernormForward(out: FloatArray, mean: FloatArray, rstd: FloatArray, inp: FloatArray, weight: FloatArray, bias: FloatArray, N: number, C: number, eps: number): void;
  layernormBackward(dInp: FloatArray | null, dWeight: FloatArray | null, dBias: FloatArray | null, dOut: FloatArray, inp: FloatArray, weight: FloatArray, mean: FloatArray, rstd: FloatArray, N: number, C: number): void;

  // ---- attention ---------------------------------------------------------------------------------------
  /**
   * Fused scaled dot-product attention, heads read in place from the projection layout.
   *   q (B,Tq,NH*HS), k (B,Tk,NH*HS), v (B,Tk,NH*HS) -> out (B,Tq,NH*HS)
   *   probs (B,NH,Tq,Tk) = softmax(q·kᵀ * scale + mask[b, :]) saved for backward (before dropout)
   *   mask (B,Tk) additive (0 keep, large negative drop) or null
   *   dropMask (B,NH,Tq,Tk) multiplier on probs (0 or 1/(1-p)) or null for no dropout
   */
  attentionForward(
    out: FloatArray, probs: FloatArray,
    q: FloatArray, k: FloatArray, v: FloatArray, mask: FloatArray | null, dropMask: FloatArray | null,
    B: number, Tq: number, Tk: number, NH: number, HS: number, scale: number,
  ): void;
  /** dQ, dK, dV accumulate (null = not needed). scratch is (Tq*Tk) floats of workspace. */
  attentionBackward(
    dQ: FloatArray | null, dK: FloatArray | null, dV: FloatArray | null, scratch: FloatArray,
    dOut: FloatArray, probs: FloatArray, q: FloatArray, k: FloatArray, v: FloatArray, dropMask: FloatArray | null,
    B: number, Tq: number, Tk: number, NH: number, HS: number, scale: number,
  ): void;

  // ---- indexing and copies -----------------------------------------------------------------------------
  /** out[i, :] = table[index[i], :]: inp table (V,C), index (N) -> out (N,C). Embedding lookup and row gather. */
  gatherRowsForward(out: FloatArray, table: FloatArray, index: Int32Array, N: number, C: number): void;
  /** dTable[index[i], :] += dOut[i, :] (scatter-add; repeated indices accumulate). */
  gatherRowsBackward(dTable: FloatArray, dOut: FloatArray, index: Int32Array, N: number, C: number): void;
  /**
   * Strided block copy used by concat and slice: for r in [0,rows), j in [0,width):
   *   dst[dstOffset + r*dstStride + j] (+)= src[srcOffset + r*srcStride + j]   (+= when accumulate)
   */
  copyRows(
    dst: FloatArray, src: FloatArray, rows: number, width: number,
    dstStride: number, dstOffset: number, srcStride: number, srcOffset: number, accumulate: boolean,
  ): void;

  // ---- reductions ----------------------------------------------------------------------------------------
  /** inp viewed as (outer, L, inner) -> out (outer, inner) = scale * sum over L. */
  sumAxisForward(out: FloatArray, inp: FloatArray, outer: number, L: number, inner: number, scale: number): void;
  /** dInp[o, l, i] += scale * dOut[o, i]. */
  sumAxisBackward(dInp: FloatArray, dOut: FloatArray, outer: number, L: number, inner: number, scale: number): void;

  // ---- losses (scalar loss written to loss[0]) ---------------------------------------------------------
  /**
   * Softmax cross-entropy, mean over rows whose target != ignoreIndex (count of them passed in as `count`).
   * logits (N,C), targets (N) -> loss[0]; saves probs (N,C).
   */
  crossEntropyForward(loss: FloatArray, probs: FloatArray, logits: FloatArray, targets: Int32Array, N: number, C: number, ignoreIndex: number, count: number): void;
  /** dLogits[i,c] += dLoss * (probs[i,c] - [c == target_i]) / count, skipping ignored rows. */
  crossEntropyBackward(dLogits: FloatArray, probs: FloatArray, targets: Int32Array, dLoss: number, N: number, C: number, ignoreIndex: number, count: number): void;
  /** Binary cross-entropy with logits, mean over n elements, numerically stable form. targets in [0,1]. */
  bceWithLogitsForward(loss: FloatArray, logits: FloatArray, targets: FloatArray, n: number): void;
  /** dLogits[i] += dLoss * (sigmoid(logits[i]) - targets[i]) / n. */
  bceWithLogitsBackward(dLogits: FloatArray, logits: FloatArray, targets: FloatArray, dLoss: number, n: number): void;
  /** Mean squared error, mean over n elements. */
  mseForward(loss: FloatArray, pred: FloatArray, target: FloatArray, n: number): void;
  /** dPred[i] += dLoss * 2 (pred[i] - target[i]) / n. */
  mseBackward(dPred: FloatArray, pred: FloatArray, target: FloatArray, dLoss: number, n: number): void;

  // ---- randomness ------------------------------------------------------------------------------------
  /**
   * Inverted-dropout mask: mask[i] = 0 when u_i < p, else 1/(1-p), with u_i = mix32(seed, i) / 2^32 from a
   * counter-based hash (see ref/dropout-mask.ts), so both backends draw the same mask for the same seed.
   */
  dropoutMask(mask: FloatArray, n: number, p: number, seed: number): void;

  // ---- optimizer -------------------------------------------------------------------------------------
  /**
   * One Adam update of n parameters in place, moments m and v updated (grad null = zero gradient):
   *   m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²
   *   biasCorrection false (BERT's AdamWeightDecay): θ -= lr·(m/(√v + ε) + decay·θ)
   *   biasCorrection true (torch AdamW, step t ≥ 1):  θ -= lr·decay·θ;  θ -= lr·(m/(1-β1^t)) / (√(v/(1-β2^t)) + ε)
   */
  adamStep(
    param: FloatArray, m: FloatArray, v: FloatArray, grad: FloatArray | null, n: number,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number, biasCorrection: boolean,
  ): void;
}
