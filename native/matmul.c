/* Batched GEMM over the addon's GEMM (blas.h: OpenBLAS or the built-in gemm.c), and the bias add that
 * follows a Linear. Twin of ref/matmul.ts. */
#include "blas.h"
#include "gemm.h"
#include "kernels.h"
#include "qgemm.h"
#include "threads.h"
#include "vecmath.h"

/* Column sums run over chunks of this many columns with double accumulators on the stack; the chunks are
 * shared among threads (a width-256 model has four). */
#define COLUMN_CHUNK 64

/* One GEMM of the batch: the build's (ak_sgemm) or always the built-in one (matmul_builtin). */
static void sgemm(bool builtin, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                  const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c) {
  if (builtin) gemm_sgemm(trans_a, trans_b, M, N, K, 1.0f, a, lda, b, ldb, beta, c, N);
  else ak_sgemm(trans_a, trans_b, M, N, K, 1.0f, a, lda, b, ldb, beta, c, N);
}

/* per batch item p: out_p (M,N) = op(a_p) (M,K) · op(b_p) (K,N) + beta * out_p
 *   a_p stored (M,K), or (K,M) when trans_a: leading dim K, or M
 *   b_p stored (K,N), or (N,K) when trans_b: leading dim N, or K
 *   batch strides M*K, K*N (0 when b_shared), M*N */
static void batched_matmul(bool builtin, float *out, const float *a, const float *b,
                           int64_t batch, int64_t M, int64_t N, int64_t K,
                           bool trans_a, bool trans_b, float beta, bool b_shared) {
  if (batch == 0 || M == 0 || N == 0) return;
  const int64_t out_size = batch * M * N;
  if (K == 0) {
    /* empty sum: out = beta * out (cblas would reject a leading dim of 0) */
    for (int64_t i = 0; i < out_size; i++) out[i] = beta == 0.0f ? 0.0f : beta * out[i];
    return;
  }
  const int64_t lda = trans_a ? M : K;
  const int64_t ldb = trans_b ? K : N;
  if (b_shared && !trans_a) {
    /* every a_p is (M,K) and they are contiguous, so the batch is one (batch*M, K) matrix: one GEMM call
     * blocks and threads over all rows at once. binding.c checked batch*M fits an int. */
    sgemm(builtin, trans_a, trans_b, batch * M, N, K, a, lda, b, ldb, beta, out);
    return;
  }
  for (int64_t p = 0; p < batch; p++) {
    const float *a_p = a + p * M * K;
    const float *b_p = b_shared ? b : b + p * K * N;
    float *out_p = out + p * M * N;
    sgemm(builtin, trans_a, trans_b, M, N, K, a_p, lda, b_p, ldb, beta, out_p);
  }
}

void matmul(float *out, const float *a, const float *b,
            int64_t batch, int64_t M, int64_t N, int64_t K,
            bool trans_a, bool trans_b, float beta, bool b_shared) {
  batched_matmul(false, out, a, b, batch, M, N, K, trans_a, trans_b, beta, b_shared);
}

void matmul_builtin(float *out, const float *a, const float *b,
                    int64_t batch, int64_t M, int64_t N, int64_t K,
                    bool trans_a, bool trans_b, float beta, bool b_shared) {
  batched_matmul(true, out, a, b, batch, M, N, K, trans_a, trans_b, beta, b_shared);
}

int64_t packed_linear_bytes(int64_t N, int64_t K, Precision precision) {
  switch (precision) {
    case PRECISION_INT8: return qgemm_packed_bytes(N, K);
    case PRECISION_BF16: return qgemm_bf16_packed_bytes(N, K);
    default: return gemm_packed_b_floats(N, K) * (int64_t)sizeof(float);
  }
}

bool pack_linear(uint8_t *dst, const float *w, const float *channel_scale, int64_t N, int64_t K, Precision precision) {
  if (precision == PRECISION_INT8) return qgemm_pack(dst, w, channel_scale, N, K);
  if (precision == PRECISION_BF16) return qgemm_bf16_pack(dst, w, N, K);
  gemm_pack_b((float *)dst, w, N, K);
  return true;
}

bool linear_packed(float *out, const float *x, const uint8_t *packed, const float *bias, int64_t M, int64_t N, int64_t K,
                   Precision precision) {
  if (precision == PRECISION_INT8) return qgemm_linear(out, x, packed, bias, M, N, K);
  if (precision == PRECISION_BF16) return qgemm_bf16_linear(out, x, packed, bias, M, N, K);
  gemm_sgemm_packed(M, N, K, x, K, (const float *)packed, 0.0f, out, N);
  if (bias) bias_add_forward(out, bias, M, N);
  return true;
}

bool linear_packed_transposed(float *out, const float *x, const uint8_t *packed, int64_t M, int64_t N, int64_t K) {
  return qgemm_bf16_linear_transposed(out, x, packed, M, N, K);
}

/* out (N,C) += bias (C) broadcast over rows */
VECTOR_CLONES
void bias_add_forward(float *out, const float *bias, int64_t N, int64_t C) {
#pragma omp parallel for schedule(static) num_threads(loop_threads(N * C))
  for (int64_t i = 0; i < N; i++) {
    float *row = out + i * C;
    for (int64_t c = 0; c < C; c++) row[c] += bias[c];
  }
}

/* dBias (C) += sum over rows of dOut (N,C): columns in chunks, each summed over all rows in double */
VECTOR_CLONES
void bias_add_backward(float *d_bias, const float *d_out, int64_t N, int64_t C) {
#pragma omp parallel for schedule(static) num_threads(loop_threads(N * C))
  for (int64_t c0 = 0; c0 < C; c0 += COLUMN_CHUNK) {
    const int64_t width = C - c0 < COLUMN_CHUNK ? C - c0 : COLUMN_CHUNK;
    double acc[COLUMN_CHUNK] = {0};
    for (int64_t i = 0; i < N; i++) {
      const float *row = d_out + i * C + c0;
      for (int64_t j = 0; j < width; j++) acc[j] += row[j];
    }
    for (int64_t j = 0; j < width; j++) d_bias[c0 + j] = (float)((double)d_bias[c0 + j] + acc[j]);
  }
}
