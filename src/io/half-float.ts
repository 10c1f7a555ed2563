// Conversions between float32 and the two 16-bit float formats checkpoints use, on raw bit patterns.
//   F16  (IEEE binary16): sign 1, exponent 5 (bias 15), mantissa 10; subnormals below 2^-14.
//   BF16 (bfloat16):      sign 1, exponent 8 (bias 127), mantissa 7: the top half of a float32.
// Upcasts are exact (every F16/BF16 value is a float32). Downcasts round to nearest, ties to even, like
// PyTorch's `.half()` / `.bfloat16()`; a NaN becomes one canonical quiet NaN (F16 keeps the sign).

/** Float32 bits of one F16 value; exact, including subnormals, infinities and NaN payloads. */
function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0x1f) return sign | 0x7f800000 | (mantissa << 13); // inf, or NaN with its payload
  if (exponent !== 0) return sign | ((exponent + 112) << 23) | (mantissa << 13); // rebias 15 -> 127
  if (mantissa === 0) return sign; // signed zero
  // Subnormal: value = mantissa * 2^-24. Shift the leading 1 up to bit 10; each shift lowers the exponent.
  let e = 113;
  let m = mantissa;
  while ((m & 0x400) === 0) {
    m <<= 1;
    e -= 1;
  }
  return sign | (e << 23) | ((m & 0x3ff) << 13);
}

/** F16 bits nearest to float32 bits `x` (ties to even). */
function f32BitsToF16Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const abs = x & 0x7fffffff;
  if (abs > 0x7f800000) return sign | 0x7e00; // NaN: PyTorch's canonical quiet NaN
  if (abs >= 0x477ff000) return sign | 0x7c00; // >= 65520 (max 65504 + half an ulp, tie to even) -> inf
  if (abs >= 0x38800000) {
    // Normal F16 (>= 2^-14): rebias the exponent, drop 13 mantissa bits with rounding. A carry out of the
    // mantissa correctly bumps the exponent.
    let h = (abs - 0x38000000) >>> 13;
    const rest = abs & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h += 1;
    return sign | h;
  }
  if (abs <= 0x33000000) return sign; // <= 2^-25: half the smallest subnormal or less rounds to zero
  // Subnormal F16: count units of 2^-24. value = significand * 2^(e-150), so units = significand >> (126-e).
  const e = abs >>> 23;
  const significand = (abs & 0x7fffff) | 0x800000;
  const shift = 126 - e; // 14..24
  let h = significand >>> shift;
  const rest = significand & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && (h & 1) === 1)) h += 1;
  return sign | h;
}

/** BF16 bits nearest to float32 bits `x` (ties to even). */
function f32BitsToBF16Bits(x: number): number {
  if ((x & 0x7fffffff) > 0x7f800000) return 0x7fc0; // NaN: c10::BFloat16's canonical quiet NaN
  const roundingBias = 0x7fff + ((x >>> 16) & 1);
  return ((x + roundingBias) >>> 16) & 0xffff; // finite values stay below 2^32, so no wrap-around
}

/** The float32 bit patterns of `values`, read in place (no copy). */
function bitsOf(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

export function f16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = bitsOf(out);
  for (let i = 0; i < bits.length; i++) outBits[i] = f16BitsToF32Bits(bits[i]);
  return out;
}

export function bf16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = bitsOf(out);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i] << 16;
  return out;
}

/** Rounds each float32 to the nearest F16 (ties to even); beyond ±65504 gives ±inf. */
export function float32ToF16(values: Float32Array): Uint16Array {
  const inBits = bitsOf(values);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f32BitsToF16Bits(inBits[i]);
  return out;
}

/** Rounds each float32 to the nearest BF16 (ties to even). */
export function float32ToBF16(values: Float32Array): Uint16Array {
  const inBits = bitsOf(values);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f32BitsToBF16Bits(inBits[i]);
  return out;
}
