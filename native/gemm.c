/* AdapterKit's own SGEMM, GotoBLAS/BLIS style (contract in gemm.h).
 *
 * c = alpha * op(a) · op(b) + beta * c is cut into cache blocks, loops from the outside in:
 *   ic: MC rows of op(a)   -> the A block (mc,kc) is packed once, shared by the threads (L2/L3)
 *   pc: KC of the K dim    -> the first K block applies beta, the later ones add (beta 1)
 *   jc: NC columns of op(b), within this thread's column range -> the B block (kc,nc) is packed per thread (L2)
 *   ir: MR-row slivers of the A block (kc*mr floats, stays in L1 across the jr loop)
 *   jr: NR-column slivers of the B block -> one microkernel call: an (mr,nr) tile of c held in registers
 * Packing copies each block into the order the microkernel reads (sliver by sliver, k-major, zero-padded to
 * whole slivers), so the inner loop reads contiguous memory whatever the transposes and leading dims. For a
 * few rows of c and b not transposed, b is read in place instead (reads_b_in_place).
 *
 * Microkernels, chosen once at run time from the CPU flags (never from the build machine's -march):
 *   avx512  8x48: 24 zmm accumulators, 3 zmm loads of b and 8 broadcasts of a per k
 *   avx2    6x16: 12 ymm accumulators, 2 ymm loads of b and 6 broadcasts of a per k
 *   generic 4x16: plain C the compiler vectorises; the only one on non-x86 builds
 * On the 2-core Zen 5 of bench/gemm.ts, avx512 8x48 ran ~1.2x faster than 12x32, 14x32 or 6x64, and ~2x
 * faster than avx2 6x16 (whose speed matches OpenBLAS's Haswell kernel there).
 * Each c element is one k-ordered FMA chain per K block, and edge tiles run the same microkernel into a
 * stack tile, so results do not depend on the thread count or on where the tiles fall.
 *
 * Threads (OpenMP): the columns are split among the threads in whole NR slivers, each thread packing its own
 * B blocks while they pack the shared A block together; when there are too few columns for that, the rows
 * are split instead and each thread runs the whole loop nest on its rows.
 */
#include "gemm.h"

#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

/* Largest register tile of any microkernel (the stack tile for edges; checked below the kernels). */
#define MR_MAX 8
#define NR_MAX 48

/* Up to this many rows of c, b (not transposed) is read in place rather than packed (reads_b_in_place). */
#define DIRECT_B_MAX_ROWS 32

/* Below this many multiply-adds a call stays on one thread: waking another costs more than it saves. */
#define GEMM_MIN_THREAD_WORK (64 * 64 * 64)

/* c (mr,nr; ld ldc) = alpha * a_sliver (kc,mr) · b_sliver (kc,nr; ld ldb) + beta * c; beta 0 never reads c.
 * a_sliver[k*mr + i] packed; b_sliver[k*ldb + j] packed (ldb nr) or read in place from b (see direct_b). */
typedef void (*Microkernel)(int64_t kc, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                            float alpha, float beta);

/* dst[k*ldd + r] = src[r*lds + k] for r < rows, k < cols: a transposing copy, for operands whose packed order
 * runs across their stored rows (a not transposed, b transposed). */
typedef void (*TransposeCopy)(float *dst, int64_t ldd, const float *src, int64_t lds, int64_t rows, int64_t cols);

typedef struct {
  const char *name;
  int mr, nr;          /* register tile */
  int64_t mc, kc, nc;  /* largest cache blocks, A (mc,kc) and B (kc,nc), mc and nc multiples of mr, nr */
  Microkernel run;
  TransposeCopy transpose; /* packs a not transposed and b transposed */
} Kernel;

/* One call's arguments. */
typedef struct {
  const Kernel *kern;
  bool trans_a, trans_b;
  int64_t M, N, K;
  float alpha, beta;
  const float *a, *b;
  float *c;
  int64_t lda, ldb, ldc;
  const float *b_packed; /* all of op(b) packed once by gemm_pack_b, or NULL: packed per call */
} Gemm;

/* The one rounding rule of every store: t = alpha*acc, then c = t + beta*c, each product and sum rounded on
 * its own (no FMA here), so edge tiles written through combine() match the SIMD stores bit for bit. */
static inline float combine(float acc, float alpha, float beta, float c) {
  const float t = alpha == 1.0f ? acc : acc * alpha;
  if (beta == 0.0f) return t;
  return beta == 1.0f ? t + c : t + beta * c;
}

static int64_t round_up(int64_t x, int64_t to) { return (x + to - 1) / to * to; }

/* ---- microkernels ------------------------------------------------------------------------------------ */

#define GENERIC_MR 4
#define GENERIC_NR 16

static void microkernel_generic(int64_t kc, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                                float alpha, float beta) {
  float acc[GENERIC_MR][GENERIC_NR] = {{0}};
  for (int64_t k = 0; k < kc; k++) {
    const float *a_k = a + k * GENERIC_MR, *b_k = b + k * ldb;
    for (int i = 0; i < GENERIC_MR; i++) {
      for (int j = 0; j < GENERIC_NR; j++) acc[i][j] += a_k[i] * b_k[j];
    }
  }
  for (int i = 0; i < GENERIC_MR; i++) {
    for (int j = 0; j < GENERIC_NR; j++) c[i * ldc + j] = combine(acc[i][j], alpha, beta, c[i * ldc + j]);
  }
}

#if defined(__x86_64__)

#define AVX2_MR 6
#define AVX2_NR 16

/* one row of the tile: c_i0, c_i1 += a[i] * (b0, b1) */
#define AVX2_ROW(i)                                                      \
  do {                                                                   \
    const __m256 a_i = _mm256_broadcast_ss(a + (i));                     \
    c##i##0 = _mm256_fmadd_ps(a_i, b0, c##i##0);                         \
    c##i##1 = _mm256_fmadd_ps(a_i, b1, c##i##1);                         \
  } while (0)

/* Twelve named accumulators, not an array: with 16 ymm registers GCC spills an array's rows to the stack
 * on every k (measured 2x slower). */
__attribute__((target("avx2,fma")))
static void microkernel_avx2(int64_t kc, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                             float alpha, float beta) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int64_t k = 0; k < kc; k++) {
    const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    AVX2_ROW(0);
    AVX2_ROW(1);
    AVX2_ROW(2);
    AVX2_ROW(3);
    AVX2_ROW(4);
    AVX2_ROW(5);
    a += AVX2_MR;
    b += ldb;
  }
  const __m256 acc[AVX2_MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
  for (int i = 0; i < AVX2_MR; i++) {
    for (int h = 0; h < 2; h++) {
      float *c_ih = c + i * ldc + 8 * h;
      const __m256 t = alpha == 1.0f ? acc[i][h] : _mm256_mul_ps(acc[i][h], va);
      if (beta == 0.0f) _mm256_storeu_ps(c_ih, t);
      else if (beta == 1.0f) _mm256_storeu_ps(c_ih, _mm256_add_ps(t, _mm256_loadu_ps(c_ih)));
      else _mm256_storeu_ps(c_ih, _mm256_add_ps(t, _mm256_mul_ps(vb, _mm256_loadu_ps(c_ih))));
    }
  }
}

/* AVX512_MR rows of c, each AVX512_NV zmm wide (with 32 zmm registers GCC keeps the array in them) */
#define AVX512_MR 8
#define AVX512_NV 3
#define AVX512_NR (16 * AVX512_NV)

__attribute__((target("avx512f,avx512vl,fma")))
static void microkernel_avx512(int64_t kc, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                               float alpha, float beta) {
  __m512 acc[AVX512_MR][AVX512_NV];
  for (int i = 0; i < AVX512_MR; i++) {
    for (int v = 0; v < AVX512_NV; v++) acc[i][v] = _mm512_setzero_ps();
  }
  for (int64_t k = 0; k < kc; k++) {
    __m512 b_k[AVX512_NV];
    for (int v = 0; v < AVX512_NV; v++) b_k[v] = _mm512_loadu_ps(b + 16 * v);
    for (int i = 0; i < AVX512_MR; i++) {
      const __m512 a_i = _mm512_set1_ps(a[i]);
      for (int v = 0; v < AVX512_NV; v++) acc[i][v] = _mm512_fmadd_ps(a_i, b_k[v], acc[i][v]);
    }
    a += AVX512_MR;
    b += ldb;
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  for (int i = 0; i < AVX512_MR; i++) {
    for (int v = 0; v < AVX512_NV; v++) {
      float *c_iv = c + i * ldc + 16 * v;
      const __m512 t = alpha == 1.0f ? acc[i][v] : _mm512_mul_ps(acc[i][v], va);
      if (beta == 0.0f) _mm512_storeu_ps(c_iv, t);
      else if (beta == 1.0f) _mm512_storeu_ps(c_iv, _mm512_add_ps(t, _mm512_loadu_ps(c_iv)));
      else _mm512_storeu_ps(c_iv, _mm512_add_ps(t, _mm512_mul_ps(vb, _mm512_loadu_ps(c_iv))));
    }
  }
}

#endif

/* ---- transposing copies (packing a not transposed, b transposed) -------------------------------------- */

static void transpose_copy_scalar(float *dst, int64_t ldd, const float *src, int64_t lds,
                                  int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; r++) {
    for (int64_t k = 0; k < cols; k++) dst[k * ldd + r] = src[r * lds + k];
  }
}

#if defined(__x86_64__)
/* The same in 8x8 blocks through ymm registers (24 shuffles per 64 floats instead of 64 scalar stores),
 * the ragged edges scalar. */
__attribute__((target("avx2,fma")))
static void transpose_copy_avx2(float *dst, int64_t ldd, const float *src, int64_t lds,
                                int64_t rows, int64_t cols) {
  const int64_t rows8 = rows / 8 * 8, cols8 = cols / 8 * 8;
  for (int64_t r = 0; r < rows8; r += 8) {
    for (int64_t k = 0; k < cols8; k += 8) {
      const float *s = src + r * lds + k;
      const __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + lds);
      const __m256 r2 = _mm256_loadu_ps(s + 2 * lds), r3 = _mm256_loadu_ps(s + 3 * lds);
      const __m256 r4 = _mm256_loadu_ps(s + 4 * lds), r5 = _mm256_loadu_ps(s + 5 * lds);
      const __m256 r6 = _mm256_loadu_ps(s + 6 * lds), r7 = _mm256_loadu_ps(s + 7 * lds);
      const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
      const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
      const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
      const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
      const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
      const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
      const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
      const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
      float *d = dst + k * ldd + r;
      _mm256_storeu_ps(d, _mm256_permute2f128_ps(u0, u4, 0x20));
      _mm256_storeu_ps(d + ldd, _mm256_permute2f128_ps(u1, u5, 0x20));
      _mm256_storeu_ps(d + 2 * ldd, _mm256_permute2f128_ps(u2, u6, 0x20));
      _mm256_storeu_ps(d + 3 * ldd, _mm256_permute2f128_ps(u3, u7, 0x20));
      _mm256_storeu_ps(d + 4 * ldd, _mm256_permute2f128_ps(u0, u4, 0x31));
      _mm256_storeu_ps(d + 5 * ldd, _mm256_permute2f128_ps(u1, u5, 0x31));
      _mm256_storeu_ps(d + 6 * ldd, _mm256_permute2f128_ps(u2, u6, 0x31));
      _mm256_storeu_ps(d + 7 * ldd, _mm256_permute2f128_ps(u3, u7, 0x31));
    }
    for (int64_t i = r; i < r + 8; i++) {
      for (int64_t k = cols8; k < cols; k++) dst[k * ldd + i] = src[i * lds + k];
    }
  }
  for (int64_t i = rows8; i < rows; i++) {
    for (int64_t k = 0; k < cols; k++) dst[k * ldd + i] = src[i * lds + k];
  }
}
#endif

/* ---- the kernels of this CPU ------------------------------------------------------------------------- */

/* Block sizes {mc, kc, nc}: the B block (kc,nc) fills under half of a 1 MiB L2, an A sliver (kc,mr) a fifth
 * of a 48 KiB L1; mc is large because each A block costs one packing of B per thread. kc 256..512 and nc
 * 240..480 measured within noise of each other on the Zen 5. */
static const Kernel KERNEL_GENERIC = {"generic", GENERIC_MR, GENERIC_NR, 512, 256, 512,
                                      microkernel_generic, transpose_copy_scalar};
#if defined(__x86_64__)
static const Kernel KERNEL_AVX2 = {"avx2", AVX2_MR, AVX2_NR, 1020, 384, 288,
                                   microkernel_avx2, transpose_copy_avx2};
static const Kernel KERNEL_AVX512 = {"avx512", AVX512_MR, AVX512_NR, 1024, 384, 288,
                                     microkernel_avx512, transpose_copy_avx2};
_Static_assert(AVX2_MR <= MR_MAX && AVX2_NR <= NR_MAX, "edge tile too small for avx2");
_Static_assert(AVX512_MR <= MR_MAX && AVX512_NR <= NR_MAX, "edge tile too small for avx512");
#endif
_Static_assert(GENERIC_MR <= MR_MAX && GENERIC_NR <= NR_MAX, "edge tile too small for generic");

static const Kernel *chosen_kernel;
static pthread_once_t choose_once = PTHREAD_ONCE_INIT;

static void choose_kernel(void) {
  const char *forced = getenv("ADAPTERKIT_GEMM_KERNEL");
  chosen_kernel = &KERNEL_GENERIC;
#if defined(__x86_64__)
  __builtin_cpu_init();
  /* libgcc sets these only when the OS also saves the ymm/zmm registers */
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
  const bool want_generic = forced && strcmp(forced, "generic") == 0;
  const bool want_avx2 = forced && strcmp(forced, "avx2") == 0;
  if (avx512 && !want_avx2 && !want_generic) chosen_kernel = &KERNEL_AVX512;
  else if (avx2 && !want_generic) chosen_kernel = &KERNEL_AVX2;
#else
  (void)forced;
#endif
}

static const Kernel *kernel(void) {
  pthread_once(&choose_once, choose_kernel);
  return chosen_kernel;
}

const char *gemm_kernel_name(void) { return kernel()->name; }

/* 0: not set, use omp_get_max_threads(). Written only outside parallel regions (attention.c). */
static int requested_threads;

int gemm_threads(void) { return requested_threads > 0 ? requested_threads : omp_get_max_threads(); }

void gemm_set_threads(int threads) { requested_threads = threads; }

/* ---- packing the blocks -------------------------------------------------------------------------------- */

/* A sliver: rows [i0, i0+rows) of op(a), columns [p0, p0+kc) -> dst[k*mr + r], rows up to mr zero */
static void pack_a_sliver(float *dst, const Gemm *g, int64_t i0, int64_t rows, int64_t p0, int64_t kc) {
  const int mr = g->kern->mr;
  if (g->trans_a) { /* op(a)(i,k) = a[k*lda + i]: each k is a contiguous run of rows */
    for (int64_t k = 0; k < kc; k++) {
      const float *src = g->a + (p0 + k) * g->lda + i0;
      float *d = dst + k * mr;
      memcpy(d, src, (size_t)rows * sizeof(float));
      for (int64_t r = rows; r < mr; r++) d[r] = 0.0f;
    }
  } else { /* op(a)(i,k) = a[i*lda + k]: each row is a contiguous run of k */
    g->kern->transpose(dst, mr, g->a + i0 * g->lda + p0, g->lda, rows, kc);
    for (int64_t r = rows; r < mr; r++) {
      for (int64_t k = 0; k < kc; k++) dst[k * mr + r] = 0.0f;
    }
  }
}

/* B sliver: rows [p0, p0+kc) of op(b), columns [j0, j0+cols) -> dst[k*nr + j], columns up to nr zero */
static void pack_b_sliver(float *dst, const Gemm *g, int64_t p0, int64_t kc, int64_t j0, int64_t cols) {
  const int nr = g->kern->nr;
  if (g->trans_b) { /* op(b)(k,j) = b[j*ldb + k]: each column is a contiguous run of k */
    g->kern->transpose(dst, nr, g->b + j0 * g->ldb + p0, g->ldb, cols, kc);
    for (int64_t j = cols; j < nr; j++) {
      for (int64_t k = 0; k < kc; k++) dst[k * nr + j] = 0.0f;
    }
  } else { /* op(b)(k,j) = b[k*ldb + j]: each k is a contiguous run of columns */
    for (int64_t k = 0; k < kc; k++) {
      const float *src = g->b + (p0 + k) * g->ldb + j0;
      float *d = dst + k * nr;
      memcpy(d, src, (size_t)cols * sizeof(float));
      for (int64_t j = cols; j < nr; j++) d[j] = 0.0f;
    }
  }
}

/* ---- the loop nest ----------------------------------------------------------------------------------- */

/* c rows [i0, i0+rows), columns [j0, j0+cols) (+)= packed A block (rows,kc) · B block (kc,cols): packed, or
 * with direct_b read in place from b at rows [p0, p0+kc) but for a last partial sliver, packed. */
static void macro_kernel(const Gemm *g, const float *a_block, const float *b_block, bool direct_b, int64_t p0,
                         int64_t i0, int64_t rows, int64_t j0, int64_t cols, int64_t kc, float beta) {
  const Kernel *kern = g->kern;
  const int mr = kern->mr, nr = kern->nr;
  for (int64_t ir = 0; ir < rows; ir += mr) {
    const int64_t h = rows - ir < mr ? rows - ir : mr;
    const float *a_sliver = a_block + ir * kc;
    for (int64_t jr = 0; jr < cols; jr += nr) {
      const int64_t w = cols - jr < nr ? cols - jr : nr;
      const bool in_place = direct_b && w == nr;
      const float *b_sliver = in_place ? g->b + p0 * g->ldb + j0 + jr : b_block + jr * kc;
      const int64_t ldb = in_place ? g->ldb : nr;
      float *c_tile = g->c + (i0 + ir) * g->ldc + j0 + jr;
      if (h == mr && w == nr) {
        kern->run(kc, a_sliver, b_sliver, ldb, c_tile, g->ldc, g->alpha, beta);
      } else { /* an edge: the full tile into the stack, then the part that exists into c */
        float tile[MR_MAX * NR_MAX] __attribute__((aligned(64)));
        kern->run(kc, a_sliver, b_sliver, ldb, tile, nr, g->alpha, 0.0f);
        for (int64_t i = 0; i < h; i++) {
          float *c_row = c_tile + i * g->ldc;
          for (int64_t j = 0; j < w; j++) c_row[j] = combine(tile[i * nr + j], 1.0f, beta, c_row[j]);
        }
      }
    }
  }
}

/* Packs the B block for macro_kernel: all of it, or with direct_b only a last partial sliver. */
static void pack_b_block(float *dst, const Gemm *g, bool direct_b,
                         int64_t p0, int64_t kc, int64_t j0, int64_t cols) {
  const int nr = g->kern->nr;
  for (int64_t jr = direct_b ? cols / nr * nr : 0; jr < cols; jr += nr) {
    const int64_t w = cols - jr < nr ? cols - jr : nr;
    pack_b_sliver(dst + jr * kc, g, p0, kc, j0 + jr, w);
  }
}

/* The step that cuts n into the fewest blocks of at most max_step, as even as whole multiples allow
 * (M = 1024 in blocks of 1020 would pack all of B again for the last 4 rows). */
static int64_t even_step(int64_t n, int64_t max_step, int64_t multiple) {
  const int64_t blocks = (n + max_step - 1) / max_step;
  const int64_t step = (n + blocks - 1) / blocks;
  return (step + multiple - 1) / multiple * multiple;
}

/* With few rows each B block serves one or two A slivers, so packing it (a copy through L2 of all of b per
 * call) costs about what the microkernels do; a b that is not transposed is then read in place (measured
 * 16x768x768: 1.2x). With many rows packing wins: the packed block stays in L2 however b's rows alias. */
static bool reads_b_in_place(const Gemm *g) { return !g->b_packed && !g->trans_b && g->M <= DIRECT_B_MAX_ROWS; }

/* The packed A block (rows [ic, ic + mc), k slice [pc, pc + kc)) times columns [n0, n1) of b, in B blocks of
 * n_step columns, each packed (or read in place) and multiplied into c. */
static void multiply_a_block(const Gemm *g, const float *a_block, float *b_block, bool direct_b, int64_t pc, int64_t kc,
                             int64_t ic, int64_t mc, int64_t n0, int64_t n1, int64_t n_step, float beta) {
  for (int64_t jc = n0; jc < n1; jc += n_step) {
    const int64_t nc = n1 - jc < n_step ? n1 - jc : n_step;
    if (g->b_packed) { /* gemm_pack_b's layout: K block pc, then its slivers from column jc on */
      macro_kernel(g, a_block, g->b_packed + pc * round_up(g->N, g->kern->nr) + jc * kc, false, pc, ic, mc, jc, nc, kc, beta);
      continue;
    }
    pack_b_block(b_block, g, direct_b, pc, kc, jc, nc);
    macro_kernel(g, a_block, b_block, direct_b, pc, ic, mc, jc, nc, kc, beta);
  }
}

/* Rows [m0, m1) and columns [n0, n1) of c, on the calling thread alone. */
static void gemm_part(const Gemm *g, int64_t m0, int64_t m1, int64_t n0, int64_t n1,
                      float *a_block, float *b_block) {
  const Kernel *kern = g->kern;
  const int64_t m_step = even_step(m1 - m0, kern->mc, kern->mr), n_step = even_step(n1 - n0, kern->nc, kern->nr);
  const int64_t k_step = even_step(g->K, kern->kc, 1); /* from K alone: the sums never depend on the split */
  const bool direct_b = reads_b_in_place(g);
  for (int64_t ic = m0; ic < m1; ic += m_step) {
    const int64_t mc = m1 - ic < m_step ? m1 - ic : m_step;
    for (int64_t pc = 0; pc < g->K; pc += k_step) {
      const int64_t kc = g->K - pc < k_step ? g->K - pc : k_step;
      const float beta = pc == 0 ? g->beta : 1.0f;
      for (int64_t ir = 0; ir < mc; ir += kern->mr) {
        pack_a_sliver(a_block + ir * kc, g, ic + ir, mc - ir < kern->mr ? mc - ir : kern->mr, pc, kc);
      }
      multiply_a_block(g, a_block, b_block, direct_b, pc, kc, ic, mc, n0, n1, n_step, beta);
    }
  }
}

/* All of c, the columns split among the threads of the enclosing parallel region, which pack each A block
 * together (a_block shared) and their own B blocks (b_block private). Every thread must call it. */
static void gemm_split_columns(const Gemm *g, float *a_block, float *b_block) {
  const Kernel *kern = g->kern;
  const int thread = omp_get_thread_num(), threads = omp_get_num_threads();
  const int64_t slivers = (g->N + kern->nr - 1) / kern->nr;
  const int64_t n0 = slivers * thread / threads * kern->nr;
  const int64_t n1_slivers = slivers * (thread + 1) / threads * kern->nr;
  const int64_t n1 = n1_slivers < g->N ? n1_slivers : g->N;
  const int64_t m_step = even_step(g->M, kern->mc, kern->mr);
  const int64_t n_step = n1 > n0 ? even_step(n1 - n0, kern->nc, kern->nr) : kern->nc;
  const int64_t k_step = even_step(g->K, kern->kc, 1);
  const bool direct_b = reads_b_in_place(g);
  for (int64_t ic = 0; ic < g->M; ic += m_step) {
    const int64_t mc = g->M - ic < m_step ? g->M - ic : m_step;
    for (int64_t pc = 0; pc < g->K; pc += k_step) {
      const int64_t kc = g->K - pc < k_step ? g->K - pc : k_step;
      const float beta = pc == 0 ? g->beta : 1.0f;
#pragma omp for schedule(static)
      for (int64_t ir = 0; ir < mc; ir += kern->mr) {
        pack_a_sliver(a_block + ir * kc, g, ic + ir, mc - ir < kern->mr ? mc - ir : kern->mr, pc, kc);
      }
      /* (the omp for ends in a barrier: the A block is complete) */
      multiply_a_block(g, a_block, b_block, direct_b, pc, kc, ic, mc, n0, n1, n_step, beta);
#pragma omp barrier
      /* (everyone is done with this A block before it is packed over) */
    }
  }
}

/* The packing buffers, one allocation per calling thread, kept for its next calls (and never freed: a few
 * MiB per thread that calls GEMMs), cache-line aligned. */
static _Thread_local float *pack_buffer;
static _Thread_local size_t pack_floats;

static float *packing_buffer(size_t floats) {
  if (floats <= pack_floats) return pack_buffer;
  free(pack_buffer);
  const size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
  pack_buffer = aligned_alloc(64, bytes);
  pack_floats = pack_buffer ? floats : 0;
  return pack_buffer;
}

/* op(b)(k,j) in gemm_pack_b's layout */
static float packed_b_at(const Gemm *g, int64_t k, int64_t j) {
  const int nr = g->kern->nr;
  const int64_t k_step = even_step(g->K, g->kern->kc, 1), pc = k - k % k_step;
  const int64_t kc = g->K - pc < k_step ? g->K - pc : k_step;
  return g->b_packed[pc * round_up(g->N, nr) + (j - j % nr) * kc + (k - pc) * nr + j % nr];
}

/* Without packing buffers (out of memory): the same sums in plain loops, slowly (and rounded in another order). */
static void gemm_unpacked(const Gemm *g) {
  for (int64_t i = 0; i < g->M; i++) {
    for (int64_t j = 0; j < g->N; j++) {
      float acc = 0.0f;
      for (int64_t k = 0; k < g->K; k++) {
        const float a_ik = g->trans_a ? g->a[k * g->lda + i] : g->a[i * g->lda + k];
        const float b_kj = g->b_packed ? packed_b_at(g, k, j) : g->trans_b ? g->b[j * g->ldb + k] : g->b[k * g->ldb + j];
        acc += a_ik * b_kj;
      }
      g->c[i * g->ldc + j] = combine(acc, g->alpha, g->beta, g->c[i * g->ldc + j]);
    }
  }
}

/* The whole call (g's product non-empty), on one thread or split among gemm_threads(). */
static void run_gemm(const Gemm *g) {
  const Kernel *kern = g->kern;
  const int64_t M = g->M, N = g->N, K = g->K;
  int threads = omp_in_parallel() ? 1 : gemm_threads();
  if ((double)M * N * K < GEMM_MIN_THREAD_WORK) threads = 1;
  const int64_t kc = K < kern->kc ? K : kern->kc;
  const int64_t col_slivers = (N + kern->nr - 1) / kern->nr;
  /* columns when every thread gets a few slivers of them, else rows (each thread its own A block) */
  const bool split_columns = threads > 1 && col_slivers >= 4 * (int64_t)threads;
  const bool split_rows = threads > 1 && !split_columns && M >= 2 * kern->mr * (int64_t)threads;
  if (!split_columns && !split_rows) threads = 1;

  const int64_t a_floats = round_up(M < kern->mc ? M : kern->mc, kern->mr) * kc;
  const int64_t b_floats = g->b_packed ? 0 : round_up(N < kern->nc ? N : kern->nc, kern->nr) * kc;
  const int64_t a_count = split_rows ? threads : 1; /* A blocks: one shared, or one per thread */
  float *buffer = packing_buffer((size_t)(a_count * a_floats + threads * b_floats));
  if (!buffer) {
    gemm_unpacked(g);
    return;
  }
  if (threads == 1) {
    gemm_part(g, 0, M, 0, N, buffer, buffer + a_floats);
    return;
  }
  float *b_blocks = buffer + a_count * a_floats;
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    if (split_columns) {
      gemm_split_columns(g, buffer, b_blocks + t * b_floats);
    } else { /* whole slivers of rows for each thread the region got (perhaps fewer than asked) */
      const int64_t slivers = (M + kern->mr - 1) / kern->mr, team = omp_get_num_threads();
      const int64_t m0 = slivers * t / team * kern->mr, m1_slivers = slivers * (t + 1) / team * kern->mr;
      const int64_t m1 = m1_slivers < M ? m1_slivers : M;
      if (m0 < m1) gemm_part(g, m0, m1, 0, N, buffer + t * a_floats, b_blocks + t * b_floats);
    }
  }
}

/* c = beta * c without a product (K 0 or alpha 0); beta 0 clears c without reading it */
static void scale_c(int64_t M, int64_t N, float beta, float *c, int64_t ldc) {
  for (int64_t i = 0; i < M; i++) {
    for (int64_t j = 0; j < N; j++) c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
  }
}

void gemm_sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                float alpha, const float *a, int64_t lda, const float *b, int64_t ldb,
                float beta, float *c, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0.0f) {
    scale_c(M, N, beta, c, ldc);
    return;
  }
  const Gemm g = {kernel(), trans_a, trans_b, M, N, K, alpha, beta, a, b, c, lda, ldb, ldc, NULL};
  run_gemm(&g);
}

/* ---- frozen b, packed once ------------------------------------------------------------------------------- */

int64_t gemm_packed_b_floats(int64_t N, int64_t K) { return round_up(N, kernel()->nr) * K; }

/* The K blocks of gemm_part in turn, each holding all of op(b)'s slivers for its k slice: block pc starts at
 * pc * round_up(N, nr) and its sliver from column j0 at j0 * kc after that, as pack_b_block lays out a B block. */
void gemm_pack_b(float *dst, const float *b, int64_t N, int64_t K) {
  const Kernel *kern = kernel();
  const Gemm g = {.kern = kern, .trans_b = true, .N = N, .K = K, .b = b, .ldb = K};
  const int64_t n_pad = round_up(N, kern->nr), k_step = even_step(K, kern->kc, 1);
  const int64_t slivers = n_pad / kern->nr;
  for (int64_t pc = 0; pc < K; pc += k_step) {
    const int64_t kc = K - pc < k_step ? K - pc : k_step;
#pragma omp parallel for schedule(static) num_threads(gemm_threads())
    for (int64_t s = 0; s < slivers; s++) {
      const int64_t j0 = s * kern->nr, w = N - j0 < kern->nr ? N - j0 : kern->nr;
      pack_b_sliver(dst + pc * n_pad + j0 * kc, &g, pc, kc, j0, w);
    }
  }
}

void gemm_sgemm_packed(int64_t M, int64_t N, int64_t K, const float *a, int64_t lda, const float *b_packed,
                       float beta, float *c, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    scale_c(M, N, beta, c, ldc);
    return;
  }
  const Gemm g = {kernel(), false, true, M, N, K, 1.0f, beta, a, NULL, c, lda, K, ldc, b_packed};
  run_gemm(&g);
}
