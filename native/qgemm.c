/* The int8 and bf16 GEMMs of frozen Linear weights (contract in qgemm.h): --precision int8 / bf16 for inference.
 *
 * int8.
 * A weight w (N,K) is packed once with a per-input-channel factor s_k (SmoothQuant's migration: s_k > 1 moves
 * an activation channel's large range into the weight; all 1 without calibration): w'_jk = w_jk * s_k is
 * quantized per output channel, symmetric:
 *   scale_j = max_k |w'_jk| / 127,  q_jk = round-half-even(w'_jk * (127 / max_k |w'_jk|)) in [-127, 127]
 * Each call quantizes the rows of x' = x * (1 / s_k), per row, asymmetric (unsigned, with a zero point):
 *   lo = min(0, min_k x'_ik), hi = max(0, max_k x'_ik), scale_i = (hi - lo) / 255, inv = 255 / (hi - lo)
 *   zp_i = round-half-even(-lo * inv) in [0, 255],  u_ik = round-half-even(x'_ik * inv) + zp_i in [0, 255]
 * and writes
 *   out_ij = (float)(Σ_k u_ik q_jk - zp_i Σ_k q_jk) * (scale_i * scale_j)
 * every float operation rounded on its own, the sums exact in int32 (K * 255 * 127 < 2^31 for K < 66,000).
 * ref/linear-packed.ts computes the same numbers bit for bit. The dot products run on AVX-512 VNNI: vpdpbusd
 * multiplies 4 unsigned bytes by 4 signed bytes and adds the four products into an int32 lane.
 *
 * Packed weight (qgemm_packed_bytes), n_pad = N rounded up to QNR, k4 = K rounded up to 4, k16 to 16:
 *   float   scale[n_pad]                         (0 for an all-zero row and for the padding)
 *   int32   colsum[n_pad]                        Σ_k q_jk
 *   float   inv_s[k16]                           1 / s_k (the padding 0)
 *   int8    q[n_pad / QNR][k4 / 4][QNR][4]       slivers of QNR columns, 4 consecutive k per column, zero-padded
 * x's rows are packed per call the same way: [m_pad / QMR][k4 / 4][QMR][4] unsigned bytes.
 * The microkernel holds a QMR x QNR tile of int32 sums in 24 zmm registers over all of K (int32 sums are exact
 * in any order, so there is no K blocking to match).
 *
 * bf16. w is rounded once to bfloat16 (round to nearest even, as vcvtneps2bf16), x's rows at each call; the
 * products are exact in fp32 and vdpbf16ps adds each pair into an fp32 lane, k odd before k even:
 *   acc = 0;  for each pair (k, k+1):  acc += x[k+1] w[k+1];  acc += x[k] w[k]   (each += rounded to fp32)
 *   out_ij = acc (+ bias_j)
 * with denormal inputs and results flushed to zero. Packed weight (qgemm_bf16_packed_bytes), k2 = K rounded up
 * to 2: uint16 q[n_pad / QNR][k2 / 2][QNR][2], the same 4-byte groups as int8's (2 k instead of 4).
 */
#include "qgemm.h"

#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define QMR 8
#define QNR 48
/* x's rows are walked in blocks of about this many packed bytes, each past every column sliver, so the block
 * stays in L2 while the weights stream (measured 1,024 x 768..3,072 rows: 1.29x over walking all rows) */
#define QROW_BLOCK_BYTES (256 * 1024)

/* Below this many multiply-adds a call stays on one thread (as in gemm.c). */
#define QGEMM_MIN_THREAD_WORK (64 * 64 * 64)

static int64_t round_up(int64_t x, int64_t to) { return (x + to - 1) / to * to; }

/* Where each part of a packed weight starts. */
typedef struct {
  float *scale;
  int32_t *colsum;
  float *inv_s;
  uint8_t *q;
} Packed;

static Packed packed_parts(const uint8_t *base, int64_t N, int64_t K) {
  const int64_t n_pad = round_up(N, QNR), k16 = round_up(K, 16);
  uint8_t *p = (uint8_t *)base;
  const Packed parts = {(float *)p, (int32_t *)(p + n_pad * 4), (float *)(p + n_pad * 8), p + n_pad * 8 + k16 * 4};
  return parts;
}

int64_t qgemm_packed_bytes(int64_t N, int64_t K) {
  const int64_t n_pad = round_up(N, QNR);
  return n_pad * 8 + round_up(K, 16) * 4 + n_pad * round_up(K, 4);
}

int64_t qgemm_bf16_packed_bytes(int64_t N, int64_t K) { return round_up(N, QNR) * round_up(K, 2) * 2; }

#if defined(__x86_64__)

/* What this CPU runs, decided once (binding.c asks on every linearPacked call). */
static bool int8_ok, bf16_ok;
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

static void probe(void) {
  __builtin_cpu_init();
  /* the fp32 GEMM's choice first: ADAPTERKIT_GEMM_KERNEL=avx2 or generic turns int8 and bf16 off as well */
  const bool avx512 = strcmp(gemm_kernel_name(), "avx512") == 0 && __builtin_cpu_supports("avx512bw");
  int8_ok = avx512 && __builtin_cpu_supports("avx512vnni");
  bf16_ok = avx512 && __builtin_cpu_supports("avx512bf16");
}

bool qgemm_available(void) {
  pthread_once(&probe_once, probe);
  return int8_ok;
}

#define Q_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

#define KMASK(K, k) ((K) - (k) >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << ((K) - (k))) - 1))

/* Weights: q[k] = round-half-even(v[k] * (127 / amax)) in [-127, 127], amax = max_k |v[k]|; returns amax / 127,
 * and 0 with every q 0 when v is all zero. */
Q_TARGET static float quantize_symmetric(int8_t *q, const float *v, int64_t K) {
  __m512 vmax = _mm512_setzero_ps();
  for (int64_t k = 0; k < K; k += 16) vmax = _mm512_max_ps(vmax, _mm512_abs_ps(_mm512_maskz_loadu_ps(KMASK(K, k), v + k)));
  const float amax = _mm512_reduce_max_ps(vmax);
  const __m512 inv = _mm512_set1_ps(amax > 0.0f ? 127.0f / amax : 0.0f);
  const __m512i lo = _mm512_set1_epi32(-127), hi = _mm512_set1_epi32(127);
  for (int64_t k = 0; k < K; k += 16) {
    /* cvtps2dq rounds to nearest even (MXCSR's default mode) */
    const __m512i r = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(KMASK(K, k), v + k), inv));
    _mm512_mask_cvtepi32_storeu_epi8(q + k, KMASK(K, k), _mm512_min_epi32(_mm512_max_epi32(r, lo), hi));
  }
  return amax / 127.0f;
}

/* Activations: x' = x * inv_s, then u[k] = round-half-even(x'[k] * inv) + zp in [0, 255] (see the top). */
Q_TARGET static void quantize_asymmetric(uint8_t *u, float *scale, int32_t *zp, const float *x, const float *inv_s,
                                         int64_t K) {
  __m512 vlo = _mm512_setzero_ps(), vhi = _mm512_setzero_ps();
  for (int64_t k = 0; k < K; k += 16) {
    const __mmask16 m = KMASK(K, k);
    const __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + k), _mm512_maskz_loadu_ps(m, inv_s + k));
    vlo = _mm512_min_ps(vlo, v);
    vhi = _mm512_max_ps(vhi, v);
  }
  const float lo = _mm512_reduce_min_ps(vlo), range = _mm512_reduce_max_ps(vhi) - lo;
  const float inv = range > 0.0f ? 255.0f / range : 0.0f;
  int32_t z = (int32_t)nearbyintf(-lo * inv);
  z = z < 0 ? 0 : z > 255 ? 255 : z;
  *scale = range / 255.0f;
  *zp = z;
  const __m512 vinv = _mm512_set1_ps(inv);
  const __m512i zero = _mm512_setzero_si512(), top = _mm512_set1_epi32(255), vz = _mm512_set1_epi32(z);
  for (int64_t k = 0; k < K; k += 16) {
    const __mmask16 m = KMASK(K, k);
    const __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + k), _mm512_maskz_loadu_ps(m, inv_s + k));
    const __m512i r = _mm512_add_epi32(_mm512_cvtps_epi32(_mm512_mul_ps(v, vinv)), vz);
    _mm512_mask_cvtepi32_storeu_epi8(u + k, m, _mm512_min_epi32(_mm512_max_epi32(r, zero), top));
  }
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

Q_TARGET bool qgemm_pack(uint8_t *dst, const float *w, const float *s, int64_t N, int64_t K) {
  const int64_t k4 = round_up(K, 4), k16 = round_up(K, 16);
  const int threads = gemm_threads();
  /* per thread: the row w'_j (K floats, 64-byte multiple) and its quantized bytes */
  const size_t row_bytes = (size_t)k16 * sizeof(float) + (size_t)k4;
  uint8_t *rows = malloc((size_t)threads * row_bytes);
  if (!rows) return false;
  const Packed p = packed_parts(dst, N, K);
  memset(dst, 0, (size_t)qgemm_packed_bytes(N, K));
  for (int64_t k = 0; k < K; k++) p.inv_s[k] = s ? 1.0f / s[k] : 1.0f;
#pragma omp parallel num_threads(threads)
  {
    float *scaled = (float *)(rows + (size_t)omp_get_thread_num() * row_bytes);
    int8_t *row = (int8_t *)(scaled + k16);
#pragma omp for schedule(static)
    for (int64_t j = 0; j < N; j++) {
      for (int64_t k = 0; k < K; k++) scaled[k] = s ? w[j * K + k] * s[k] : w[j * K + k];
      p.scale[j] = quantize_symmetric(row, scaled, K);
      int32_t sum = 0;
      for (int64_t k = 0; k < K; k++) sum += row[k];
      p.colsum[j] = sum;
      interleave(p.q + (j / QNR) * QNR * k4, QNR, (const uint8_t *)row, j % QNR, K);
    }
  }
  free(rows);
  return true;
}

/* The register tile both formats share: tile (QMR, QNR) = a_sliver · b_sliver over `groups` 4-byte groups of
 * k. Per group, row i's 4 bytes of a are broadcast and DOT (the format's dot-product instruction, on __m512i
 * operands) adds them times each column's 4 bytes of b into c_i0, c_i1, c_i2. Twenty-four named accumulators
 * of type VEC from ZERO: with an array GCC copied each to the stack on every k (measured 2x slower). */
#define TILE_ROW(DOT, i)                              \
  do {                                                \
    int32_t a4;                                       \
    memcpy(&a4, a + 4 * (i), 4);                      \
    const __m512i a_i = _mm512_set1_epi32(a4);        \
    c##i##0 = DOT(c##i##0, a_i, b0);                  \
    c##i##1 = DOT(c##i##1, a_i, b1);                  \
    c##i##2 = DOT(c##i##2, a_i, b2);                  \
  } while (0)
#define TILE_KERNEL(VEC, ZERO, DOT, STORE)                                                                      \
  VEC c00 = ZERO, c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00, c21 = c00, c22 = c00;       \
  VEC c30 = c00, c31 = c00, c32 = c00, c40 = c00, c41 = c00, c42 = c00, c50 = c00, c51 = c00, c52 = c00;       \
  VEC c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00;                                         \
  for (int64_t g = 0; g < groups; g++) {                                                                        \
    const __m512i b0 = _mm512_loadu_si512(b), b1 = _mm512_loadu_si512(b + 64), b2 = _mm512_loadu_si512(b + 128); \
    TILE_ROW(DOT, 0);                                                                                           \
    TILE_ROW(DOT, 1);                                                                                           \
    TILE_ROW(DOT, 2);                                                                                           \
    TILE_ROW(DOT, 3);                                                                                           \
    TILE_ROW(DOT, 4);                                                                                           \
    TILE_ROW(DOT, 5);                                                                                           \
    TILE_ROW(DOT, 6);                                                                                           \
    TILE_ROW(DOT, 7);                                                                                           \
    a += 4 * QMR;                                                                                               \
    b += 4 * QNR;                                                                                               \
  }                                                                                                             \
  const VEC acc[QMR][3] = {{c00, c01, c02}, {c10, c11, c12}, {c20, c21, c22}, {c30, c31, c32},                  \
                           {c40, c41, c42}, {c50, c51, c52}, {c60, c61, c62}, {c70, c71, c72}};                 \
  for (int i = 0; i < QMR; i++) {                                                                               \
    for (int v = 0; v < 3; v++) STORE(tile + i * QNR + 16 * v, acc[i][v]);                                      \
  }

/* int8: unsigned a times signed b, 4 k per group, int32 sums */
Q_TARGET static void microkernel_vnni(int64_t groups, const uint8_t *a, const uint8_t *b, int32_t *tile) {
  TILE_KERNEL(__m512i, _mm512_setzero_si512(), _mm512_dpbusd_epi32, _mm512_storeu_si512)
}

/* out rows [i0, i0 + h), columns [j0, j0 + w) = (tile - zp_i * colsum_j) * (scale_i * scale_j) (+ bias_j) */
Q_TARGET static void dequantize(float *out, int64_t ldo, const int32_t *tile, int64_t h, int64_t w, const float *x_scale,
                                const int32_t *x_zp, const float *w_scale, const int32_t *colsum, const float *bias) {
  for (int64_t i = 0; i < h; i++) {
    const __m512 sx = _mm512_set1_ps(x_scale[i]);
    const __m512i zp = _mm512_set1_epi32(x_zp[i]);
    for (int64_t j = 0; j < w; j += 16) {
      const __mmask16 m = KMASK(w, j);
      const __m512i shift = _mm512_mullo_epi32(zp, _mm512_maskz_loadu_epi32(m, colsum + j));
      const __m512i dot = _mm512_sub_epi32(_mm512_loadu_si512(tile + i * QNR + j), shift);
      const __m512 s = _mm512_mul_ps(sx, _mm512_maskz_loadu_ps(m, w_scale + j));
      __m512 y = _mm512_mul_ps(_mm512_cvtepi32_ps(dot), s);
      if (bias) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(m, bias + j)); /* a separate add (-std=c11: no FMA contraction) */
      _mm512_mask_storeu_ps(out + i * ldo + j, m, y);
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

/* ---- bf16 ---------------------------------------------------------------------------------------------- */

bool qgemm_bf16_available(void) {
  pthread_once(&probe_once, probe);
  return bf16_ok;
}

#define B_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

/* v (K floats) -> K bfloat16, round to nearest even, zero-padded to a whole pair */
B_TARGET static void to_bf16(uint16_t *q, const float *v, int64_t K) {
  for (int64_t k = 0; k < K; k += 16) {
    const __mmask16 m = KMASK(K, k);
    const __m256bh h = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, v + k));
    _mm256_mask_storeu_epi16(q + k, m, (__m256i)h);
  }
  if (K % 2) q[K] = 0;
}

B_TARGET bool qgemm_bf16_pack(uint8_t *dst, const float *w, int64_t N, int64_t K) {
  const int64_t k2 = round_up(K, 2);
  const int threads = gemm_threads();
  uint16_t *rows = malloc((size_t)threads * (size_t)k2 * sizeof(uint16_t));
  if (!rows) return false;
  memset(dst, 0, (size_t)qgemm_bf16_packed_bytes(N, K));
#pragma omp parallel num_threads(threads)
  {
    uint16_t *row = rows + (size_t)omp_get_thread_num() * (size_t)k2;
#pragma omp for schedule(static)
    for (int64_t j = 0; j < N; j++) {
      to_bf16(row, w + j * K, K);
      interleave(dst + (j / QNR) * QNR * k2 * 2, QNR, (const uint8_t *)row, j % QNR, k2 * 2);
    }
  }
  free(rows);
  return true;
}

/* bf16: a pair of k per group, vdpbf16ps adding each pair's products into an fp32 lane */
#define DPBF16(c, a, b) _mm512_dpbf16_ps(c, (__m512bh)(a), (__m512bh)(b))
B_TARGET static void microkernel_bf16(int64_t groups, const uint8_t *a, const uint8_t *b, float *tile) {
  TILE_KERNEL(__m512, _mm512_setzero_ps(), DPBF16, _mm512_storeu_ps)
}

/* out rows [i0, i0 + h), columns [j0, j0 + w) = tile (+ bias_j), or += tile (accumulate) */
B_TARGET static void store_bf16_tile(float *out, int64_t ldo, const float *tile, int64_t h, int64_t w, const float *bias,
                                     bool accumulate) {
  for (int64_t i = 0; i < h; i++) {
    for (int64_t j = 0; j < w; j += 16) {
      const __mmask16 m = KMASK(w, j);
      __m512 y = _mm512_loadu_ps(tile + i * QNR + j);
      if (bias) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(m, bias + j));
      if (accumulate) y = _mm512_add_ps(_mm512_maskz_loadu_ps(m, out + i * ldo + j), y);
      _mm512_mask_storeu_ps(out + i * ldo + j, m, y);
    }
  }
}

/* The call's loop nest, either format: x's rows converted (int8: quantized; bf16: rounded) into 4-byte groups
 * of packed slivers, then every (row sliver, column sliver) tile through the format's microkernel and store
 * (bf16 accumulate: out += the product, backward's dX). */
static bool lowp_linear(bool bf16, bool accumulate, float *out, const float *x, const uint8_t *packed,
                        const float *bias, int64_t M, int64_t N, int64_t K) {
  if (M <= 0 || N <= 0) return true;
  const int64_t m_pad = round_up(M, QMR);
  const int64_t row_bytes = bf16 ? round_up(K, 2) * 2 : round_up(K, 4); /* a packed row: groups of 4 bytes */
  const Packed p = bf16 ? (Packed){NULL, NULL, NULL, (uint8_t *)packed} : packed_parts(packed, N, K);
  const int threads = omp_in_parallel() || (double)M * N * K < QGEMM_MIN_THREAD_WORK ? 1 : gemm_threads();
  /* per thread a row to convert into; then the packed rows, their scales and zero points (int8) */
  const size_t rows_at = (size_t)threads * (size_t)row_bytes, scales_at = rows_at + (size_t)(m_pad * row_bytes);
  uint8_t *buffer = x_packing_buffer(scales_at + (size_t)m_pad * (sizeof(float) + sizeof(int32_t)));
  if (!buffer) return false;
  uint8_t *xq = buffer + rows_at;
  float *x_scale = (float *)(buffer + scales_at);
  int32_t *x_zp = (int32_t *)(x_scale + m_pad);
  const int64_t row_slivers = m_pad / QMR, col_slivers = round_up(N, QNR) / QNR;
  const int64_t block_slivers = QROW_BLOCK_BYTES / (QMR * row_bytes) > 0 ? QROW_BLOCK_BYTES / (QMR * row_bytes) : 1;
#pragma omp parallel num_threads(threads)
  {
    uint8_t *row = buffer + (size_t)omp_get_thread_num() * (size_t)row_bytes;
#pragma omp for schedule(static)
    for (int64_t i = 0; i < m_pad; i++) {
      uint8_t *sliver = xq + (i / QMR) * QMR * row_bytes;
      if (i < M) {
        if (bf16) to_bf16((uint16_t *)row, x + i * K, K);
        else quantize_asymmetric(row, x_scale + i, x_zp + i, x + i * K, p.inv_s, K);
        interleave(sliver, QMR, row, i % QMR, bf16 ? row_bytes : K);
      } else { /* padding rows: zeros, never stored */
        for (int64_t g = 0; g < row_bytes / 4; g++) memset(sliver + (g * QMR + i % QMR) * 4, 0, 4);
        x_scale[i] = 0.0f;
        x_zp[i] = 0;
      }
    }
    /* (the omp for ends in a barrier: every row is packed) row blocks of block_slivers slivers, each walked
     * column sliver by column sliver: x's block stays in L2 while a thread's weight slivers stream past it */
#pragma omp for schedule(static)
    for (int64_t t = 0; t < row_slivers * col_slivers; t++) {
      const int64_t rb = t / (block_slivers * col_slivers), in_block = t % (block_slivers * col_slivers);
      const int64_t height = row_slivers - rb * block_slivers < block_slivers ? row_slivers - rb * block_slivers : block_slivers;
      const int64_t sl = in_block / height, r = rb * block_slivers + in_block % height;
      const int64_t i0 = r * QMR, j0 = sl * QNR, h = M - i0 < QMR ? M - i0 : QMR, w = N - j0 < QNR ? N - j0 : QNR;
      const uint8_t *a = xq + r * QMR * row_bytes, *b = p.q + sl * QNR * row_bytes;
      if (bf16) {
        float tile[QMR * QNR] __attribute__((aligned(64)));
        microkernel_bf16(row_bytes / 4, a, b, tile);
        store_bf16_tile(out + i0 * N + j0, N, tile, h, w, bias ? bias + j0 : NULL, accumulate);
      } else {
        int32_t tile[QMR * QNR] __attribute__((aligned(64)));
        microkernel_vnni(row_bytes / 4, a, b, tile);
        dequantize(out + i0 * N + j0, N, tile, h, w, x_scale + i0, x_zp + i0, p.scale + j0, p.colsum + j0,
                   bias ? bias + j0 : NULL);
      }
    }
  }
  return true;
}

bool qgemm_linear(float *out, const float *x, const uint8_t *packed, const float *bias, int64_t M, int64_t N, int64_t K) {
  return lowp_linear(false, false, out, x, packed, bias, M, N, K);
}

bool qgemm_bf16_linear(float *out, const float *x, const uint8_t *packed, const float *bias, int64_t M, int64_t N,
                       int64_t K) {
  return lowp_linear(true, false, out, x, packed, bias, M, N, K);
}

/* Backward's dX += dOut · w is a Linear over wᵀ, added into dX as it is stored. Rather than keep wᵀ packed too
 * (as much memory again), each call packs it from w's own pack into a per-thread buffer: both hold the same
 * bfloat16 values, in 2x2 blocks.
 * w's 4-byte group (k pair, column j) is [w(j,k), w(j,k+1)] and wᵀ's (j pair, column k) is [w(j,k), w(j+1,k)],
 * so one 8-byte load of w's columns j, j+1 (j even) is [a b c d] = [w(j,k) w(j,k+1) w(j+1,k) w(j+1,k+1)], and
 * [a c b d] is wᵀ's columns k, k+1 for the pair j. Both packs zero-pad the same way, so the padding carries. */
static _Thread_local uint8_t *t_buffer;
static _Thread_local size_t t_bytes;

bool qgemm_bf16_linear_transposed(float *out, const float *x, const uint8_t *packed, int64_t M, int64_t N, int64_t K) {
  if (M <= 0 || K <= 0) return true;
  const size_t bytes = (size_t)qgemm_bf16_packed_bytes(K, N);
  if (bytes > t_bytes) {
    free(t_buffer);
    t_buffer = aligned_alloc(64, (bytes + 63) / 64 * 64);
    t_bytes = t_buffer ? bytes : 0;
    if (!t_buffer) return false;
  }
  const int64_t src_groups = round_up(K, 2) / 2, dst_groups = round_up(N, 2) / 2, k_pad = round_up(K, QNR);
  const int64_t k_slivers = k_pad / QNR, sliver_bytes = QNR * dst_groups * 4;
  uint8_t *wt = t_buffer;
  const int threads = (double)N * K < QGEMM_MIN_THREAD_WORK ? 1 : gemm_threads();
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int64_t s = 0; s < k_slivers; s++) { /* wᵀ's sliver of columns k in [s QNR, s QNR + QNR) */
    uint8_t *dst = wt + s * sliver_bytes;
    const int64_t k_end = (s + 1) * QNR < round_up(K, 2) ? (s + 1) * QNR : round_up(K, 2);
    for (int64_t g = 0; g < dst_groups; g++) { /* the pair j = 2g, 2g + 1 */
      const int64_t j = 2 * g;
      const uint8_t *src = packed + (j / QNR) * QNR * src_groups * 4 + (j % QNR) * 4;
      uint8_t *row = dst + g * QNR * 4;
      int64_t k = s * QNR;
      for (; k < k_end; k += 2) {
        uint16_t v[4], t[4];
        memcpy(v, src + (k / 2) * QNR * 4, 8);
        t[0] = v[0], t[1] = v[2], t[2] = v[1], t[3] = v[3];
        memcpy(row + (k % QNR) * 4, t, 8);
      }
      if (k < (s + 1) * QNR) memset(row + (k % QNR) * 4, 0, (size_t)((s + 1) * QNR - k) * 4); /* columns past K */
    }
  }
  return lowp_linear(true, true, out, x, wt, NULL, M, K, N);
}

#else /* not x86-64: no int8 or bf16 path; callers check qgemm_available / qgemm_bf16_available first */

bool qgemm_available(void) { return false; }
bool qgemm_bf16_available(void) { return false; }
bool qgemm_bf16_pack(uint8_t *dst, const float *w, int64_t N, int64_t K) {
  (void)dst, (void)w, (void)N, (void)K;
  return false;
}
bool qgemm_bf16_linear(float *out, const float *x, const uint8_t *packed, const float *bias, int64_t M, int64_t N,
                       int64_t K) {
  (void)out, (void)x, (void)packed, (void)bias, (void)M, (void)N, (void)K;
  return false;
}
bool qgemm_bf16_linear_transposed(float *out, const float *x, const uint8_t *packed, int64_t M, int64_t N, int64_t K) {
  (void)out, (void)x, (void)packed, (void)M, (void)N, (void)K;
  return false;
}
bool qgemm_pack(uint8_t *dst, const float *w, const float *s, int64_t N, int64_t K) {
  (void)dst, (void)w, (void)s, (void)N, (void)K;
  return false;
}
bool qgemm_linear(float *out, const float *x, const uint8_t *packed, const float *bias, int64_t M, int64_t N, int64_t K) {
  (void)out, (void)x, (void)packed, (void)bias, (void)M, (void)N, (void)K;
  return false;
}

#endif
