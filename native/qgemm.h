/* The int8 (and bf16, below) GEMM of frozen Linear weights (qgemm.c): y = x · wᵀ with w (N,K) quantized once per output channel
 * (after a per-input-channel smoothing factor) and x's rows quantized per call, int32 dot products on AVX-512
 * VNNI. Row-major, contiguous.
 */
#ifndef ADAPTERKIT_QGEMM_H
#define ADAPTERKIT_QGEMM_H

#include <stdbool.h>
#include <stdint.h>

/* Whether this CPU runs it: AVX-512 VNNI and BW, and the fp32 GEMM on its avx512 kernel (so
 * ADAPTERKIT_GEMM_KERNEL=avx2 or generic turns int8 off too, to test the fallback). */
bool qgemm_available(void);

/* Bytes of a packed weight (N,K). */
int64_t qgemm_packed_bytes(int64_t N, int64_t K);

/* Quantizes w (N,K) with the per-input-channel factors s (K, or NULL: all 1) into dst (qgemm_packed_bytes);
 * false when out of memory. */
bool qgemm_pack(uint8_t *dst, const float *w, const float *s, int64_t N, int64_t K);

/* out (M,N) = x (M,K) · wᵀ (+ bias (N), or NULL) in int8, from qgemm_pack's buffer; false when out of memory. */
bool qgemm_linear(float *out, const float *x, const uint8_t *packed, const float *bias, int64_t M, int64_t N, int64_t K);

/* bf16 (see qgemm.c): whether this CPU runs it (AVX-512 BF16 and the avx512 GEMM kernel), the bytes of a packed
 * weight, packing w (N,K) rounded to bfloat16, and out (M,N) = x · wᵀ (+ bias) with x rounded to bfloat16 and
 * fp32 sums; false when out of memory. */
bool qgemm_bf16_available(void);
int64_t qgemm_bf16_packed_bytes(int64_t N, int64_t K);
bool qgemm_bf16_pack(uint8_t *dst, const float *w, int64_t N, int64_t K);
bool qgemm_bf16_linear(float *out, const float *x, const uint8_t *packed, const float *bias, int64_t M, int64_t N,
                       int64_t K);
/* out (M,K) += x (M,N) · w, w (N,K) from qgemm_bf16_pack's buffer: backward's dX, the product the same numbers as
 * packing wᵀ and running qgemm_bf16_linear over it, each added to out in one rounding; false when out of memory. */
bool qgemm_bf16_linear_transposed(float *out, const float *x, const uint8_t *packed, int64_t M, int64_t N, int64_t K);

#endif
