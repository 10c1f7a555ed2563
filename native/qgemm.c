/* The int8 GEMM of frozen Linear weights (contract in qgemm.h): --precision int8 for inference.
 *
 * A weight w (N,K) is quantized once, per output channel: scale_j = max_k |w_jk| / 127 and
 * q_jk = round-half-even(w_jk * (127 / max_k |w_jk|)) in [-127, 127]. Each call quantizes the rows of x the same
 * way (per row, dynamically), multiplies the int8 values with exact int32 sums and writes
 *   out_ij = (float)(Σ_k qx_ik q_jk) * (scale_i * scale_j)
 * each product rounded to float on its own. ref/linear-packed.ts computes the same numbers bit for bit.
 *
 * The dot products run on AVX-512 VNNI: vpdpbusd multiplies 4 unsigned bytes by 4 signed bytes and adds the
 * four products into an int32 lane. x's values are made unsigned by adding 128; the sum of 128 * q_jk over k,
 * stored with the packed weight, is taken off again. int32 cannot overflow: K * 255 * 127 < 2^31 for K < 66,000.
 *
 * Packed weight (qgemm_packed_bytes), n_pad = N rounded up to QNR, k4 = K rounded up to 4:
 *   float   scale[n_pad]                         (0 for an all-zero row and for the padding)
 *   int32   shift[n_pad]                         128 * Σ_k q_jk
 *   int8    q[n_pad / QNR][k4 / 4][QNR][4]       slivers of QNR columns, 4 consecutive k per column, zero-padded
 * x's rows are packed per call the same way: [m_pad / QMR][k4 / 4][QMR][4] unsigned bytes.
 * The microkernel holds a QMR x QNR tile of int32 sums in 24 zmm registers over all of K (int32 sums are exact
 * in any order, so there is no K blocking to match).
 */
#include "qgemm.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define QMR 8
#define QNR 48

/* Below this many multiply-adds a call stays on one thread (as in gemm.c). */
#define QGEMM_MIN_THREAD_WORK (64 * 64 * 64)

static int64_t round_up(int64_t x, int64_t to) { return (x + to - 1) / to * to; }

int64_t qgemm_packed_bytes(int64_t N, int64_t K) {
  const int64_t n_pad = round_up(N, QNR);
  return n_pad * (int64_t)(sizeof(float) + sizeof(int32_t)) + n_pad * round_up(K, 4);
}

#if defined(__x86_64__)

bool qgemm_available(void) {
  __builtin_cpu_init();
  /* the fp32 GEMM's choice first: ADAPTERKIT_GEMM_KERNEL=avx2 or generic turns int8 off as well */
  return strcmp(gemm_kernel_name(), "avx512") == 0 && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vnni");
}

#define Q_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

/* q[k] = round-half-even(v[k] * (127 / amax)) clamped to [-127, 127] (+ offset), amax = max_k |v[k]|; returns
 * amax / 127, and 0 with all q = offset when v is all zero. */
Q_TARGET static float quantize_row(uint8_t *q, const float *v, int64_t K, int offset) {
  __m512 vmax = _mm512_setzero_ps();
  for (int64_t k = 0; k < K; k += 16) {
    const __mmask16 m = K - k >= 16 ? 0xFFFF : (__mmask16)((1u << (K - k)) - 1);
    vmax = _mm512_max_ps(vmax, _mm512_abs_ps(_mm512_maskz_loadu_ps(m, v + k)));
  }
  const float amax = _mm512_reduce_max_ps(vmax);
  const float inv = amax > 0.0f ? 127.0f / amax : 0.0f;
  const __m512 vinv = _mm512_set1_ps(inv);
  const __m512i lo = _mm512_set1_epi32(-127), hi = _mm512_set1_epi32(127), off = _mm512_set1_epi32(offset);
  for (int64_t k = 0; k < K; k += 16) {
    const __mmask16 m = K - k >= 16 ? 0xFFFF : (__mmask16)((1u << (K - k)) - 1);
    /* cvtps2dq rounds to nearest even (MXCSR's default mode) */
    __m512i r = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, v + k), vinv));
    r = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(r, lo), hi), off);
    _mm512_mask_cvtepi32_storeu_epi8(q + k, m, r);
  }
  return amax / 127.0f;
}

/* A quantized row (K bytes) into row i (< mr) of its packed sliver, 4 k per group, the k past K zero. */
static void interleave(uint8_t *dst, int mr, const uint8_t *row, int64_t i, int64_t K) {
  const int64_t groups = round_up(K, 4) / 4;
  for (int64_t g = 0; g < groups; g++) {
    uint8_t *d = dst + (g * mr + i) * 4;
    const int64_t n = K - 4 * g < 4 ? K - 4 * g : 4;
    memcpy(d, row + 4 * g, (size_t)n);
    for (int64_t t = n; t < 4; t++) d[t] = 0;
  }
}

Q_TARGET bool qgemm_pack(uint8_t *dst, const float *w, int64_t N, int64_t K) {
  const int64_t n_pad = round_up(N, QNR), k4 = round_up(K, 4);
  const int threads = gemm_threads();
  uint8_t *rows = malloc((size_t)threads * (size_t)k4); /* a row of K bytes per thread to quantize into */
  if (!rows) return false;
  float *scale = (float *)dst;
  int32_t *shift = (int32_t *)(dst + n_pad * sizeof(float));
  uint8_t *q = dst + n_pad * (sizeof(float) + sizeof(int32_t));
  memset(dst, 0, (size_t)qgemm_packed_bytes(N, K));
#pragma omp parallel num_threads(threads)
  {
    uint8_t *row = rows + (size_t)omp_get_thread_num() * (size_t)k4;
#pragma omp for schedule(static)
    for (int64_t j = 0; j < N; j++) {
      scale[j] = quantize_row(row, w + j * K, K, 0);
      int32_t sum = 0;
      for (int64_t k = 0; k < K; k++) sum += (int8_t)row[k];
      shift[j] = 128 * sum;
      interleave(q + (j / QNR) * QNR * k4, QNR, row, j % QNR, K);
    }
  }
  free(rows);
  return true;
}

/* row i of the tile: c_i0, c_i1, c_i2 += a's 4 bytes of row i times the 4 k of each column */
#define VNNI_ROW(i)                                   \
  do {                                                \
    int32_t a4;                                       \
    memcpy(&a4, a + 4 * (i), 4);                      \
    const __m512i a_i = _mm512_set1_epi32(a4);        \
    c##i##0 = _mm512_dpbusd_epi32(c##i##0, a_i, b0); \
    c##i##1 = _mm512_dpbusd_epi32(c##i##1, a_i, b1); \
    c##i##2 = _mm512_dpbusd_epi32(c##i##2, a_i, b2); \
  } while (0)

/* tile (QMR, QNR) = a_sliver · b_sliver over `groups` groups of 4 k: unsigned a times signed b, int32 sums.
 * Twenty-four named accumulators: with an array GCC copied each to the stack on every k (measured 2x slower). */
Q_TARGET static void microkernel_vnni(int64_t groups, const uint8_t *a, const uint8_t *b, int32_t *tile) {
  __m512i c00 = _mm512_setzero_si512(), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
  __m512i c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
  __m512i c40 = c00, c41 = c00, c42 = c00, c50 = c00, c51 = c00, c52 = c00;
  __m512i c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00;
  for (int64_t g = 0; g < groups; g++) {
    const __m512i b0 = _mm512_loadu_si512(b), b1 = _mm512_loadu_si512(b + 64), b2 = _mm512_loadu_si512(b + 128);
    VNNI_ROW(0);
    VNNI_ROW(1);
    VNNI_ROW(2);
    VNNI_ROW(3);
    VNNI_ROW(4);
    VNNI_ROW(5);
    VNNI_ROW(6);
    VNNI_ROW(7);
    a += 4 * QMR;
    b += 4 * QNR;
  }
  const __m512i acc[QMR][3] = {{c00, c01, c02}, {c10, c11, c12}, {c20, c21, c22}, {c30, c31, c32},
                               {c40, c41, c42}, {c50, c51, c52}, {c60, c61, c62}, {c70, c71, c72}};
  for (int i = 0; i < QMR; i++) {
    for (int v = 0; v < 3; v++) _mm512_storeu_si512(tile + i * QNR + 16 * v, acc[i][v]);
  }
}

/* out rows [i0, i0 + h), columns [j0, j0 + w) = (tile - shift) * (a_scale * w_scale) */
Q_TARGET static void dequantize(float *out, int64_t ldo, const int32_t *tile, int64_t h, int64_t w,
                                const float *a_scale, const float *w_scale, const int32_t *shift) {
  for (int64_t i = 0; i < h; i++) {
    const __m512 sa = _mm512_set1_ps(a_scale[i]);
    for (int64_t j = 0; j < w; j += 16) {
      const __mmask16 m = w - j >= 16 ? 0xFFFF : (__mmask16)((1u << (w - j)) - 1);
      const __m512i dot = _mm512_sub_epi32(_mm512_loadu_si512(tile + i * QNR + j), _mm512_maskz_loadu_epi32(m, shift + j));
      const __m512 s = _mm512_mul_ps(sa, _mm512_maskz_loadu_ps(m, w_scale + j));
      _mm512_mask_storeu_ps(out + i * ldo + j, m, _mm512_mul_ps(_mm512_cvtepi32_ps(dot), s));
    }
  }
}

/* x's packed rows and their scales, one buffer per calling thread, kept for its next calls (as gemm.c's) */
static _Thread_local uint8_t *x_buffer;
static _Thread_local size_t x_bytes;

static uint8_t *x_packing_buffer(size_t bytes) {
  if (bytes <= x_bytes) return x_buffer;
  free(x_buffer);
  x_buffer = aligned_alloc(64, (bytes + 63) / 64 * 64);
  x_bytes = x_buffer ? bytes : 0;
  return x_buffer;
}

bool qgemm_linear(float *out, const float *x, const uint8_t *packed, int64_t M, int64_t N, int64_t K) {
  if (M <= 0 || N <= 0) return true;
  const int64_t n_pad = round_up(N, QNR), m_pad = round_up(M, QMR), k4 = round_up(K, 4);
  const float *w_scale = (const float *)packed;
  const int32_t *shift = (const int32_t *)(packed + n_pad * sizeof(float));
  const uint8_t *q = packed + n_pad * (sizeof(float) + sizeof(int32_t));
  int threads = omp_in_parallel() || (double)M * N * K < QGEMM_MIN_THREAD_WORK ? 1 : gemm_threads();
  /* per thread a row of K bytes to quantize into; then the packed rows, then their scales */
  const size_t rows_at = (size_t)threads * (size_t)k4, scales_at = rows_at + (size_t)(m_pad * k4);
  uint8_t *buffer = x_packing_buffer(scales_at + (size_t)m_pad * sizeof(float));
  if (!buffer) return false;
  uint8_t *xq = buffer + rows_at;
  float *x_scale = (float *)(buffer + scales_at);
  const int64_t row_slivers = m_pad / QMR, col_slivers = n_pad / QNR;
#pragma omp parallel num_threads(threads)
  {
    uint8_t *row = buffer + (size_t)omp_get_thread_num() * (size_t)k4;
#pragma omp for schedule(static)
    for (int64_t i = 0; i < m_pad; i++) {
      uint8_t *sliver = xq + (i / QMR) * QMR * k4;
      if (i < M) {
        x_scale[i] = quantize_row(row, x + i * K, K, 128);
        interleave(sliver, QMR, row, i % QMR, K);
      } else { /* padding rows: zeros, never stored */
        for (int64_t g = 0; g < k4 / 4; g++) memset(sliver + (g * QMR + i % QMR) * 4, 0, 4);
        x_scale[i] = 0.0f;
      }
    }
    /* (the omp for ends in a barrier: every row is packed) tiles column-sliver major, so each thread keeps a
     * few weight slivers and streams x's rows past them */
#pragma omp for schedule(static)
    for (int64_t t = 0; t < row_slivers * col_slivers; t++) {
      const int64_t s = t / row_slivers, r = t % row_slivers;
      const int64_t i0 = r * QMR, j0 = s * QNR;
      int32_t tile[QMR * QNR] __attribute__((aligned(64)));
      microkernel_vnni(k4 / 4, xq + r * QMR * k4, q + s * QNR * k4, tile);
      dequantize(out + i0 * N + j0, N, tile, M - i0 < QMR ? M - i0 : QMR, N - j0 < QNR ? N - j0 : QNR,
                 x_scale + i0, w_scale + j0, shift + j0);
    }
  }
  return true;
}

#else /* not x86-64: no int8 path; callers check qgemm_available first */

bool qgemm_available(void) { return false; }
bool qgemm_pack(uint8_t *dst, const float *w, int64_t N, int64_t K) {
  (void)dst, (void)w, (void)N, (void)K;
  return false;
}
bool qgemm_linear(float *out, const float *x, const uint8_t *packed, int64_t M, int64_t N, int64_t K) {
  (void)out, (void)x, (void)packed, (void)M, (void)N, (void)K;
  return false;
}

#endif
