/* The one GEMM the kernels call: OpenBLAS's cblas_sgemm, or with ADAPTERKIT_BUILTIN_BLAS (binding.gyp's
 * blas=builtin, chosen by scripts/build-native.mjs when OpenBLAS is missing or ADAPTERKIT_BLAS=builtin) the
 * addon's own gemm.c. Row-major; same contract as gemm.h's gemm_sgemm. binding.c has checked that every dim
 * and leading dim fits OpenBLAS's 32-bit int.
 */
#ifndef ADAPTERKIT_BLAS_H
#define ADAPTERKIT_BLAS_H

#include <stdbool.h>
#include <stdint.h>

#include "gemm.h"

#ifndef ADAPTERKIT_BUILTIN_BLAS
#include <cblas.h>
#endif

/* c (M,N; ld ldc) = alpha * op(a) (M,K) · op(b) (K,N) + beta * c */
static inline void ak_sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                            float alpha, const float *a, int64_t lda, const float *b, int64_t ldb,
                            float beta, float *c, int64_t ldc) {
#ifdef ADAPTERKIT_BUILTIN_BLAS
  gemm_sgemm(trans_a, trans_b, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc);
#else
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
              (int)M, (int)N, (int)K, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
#endif
}

#endif
