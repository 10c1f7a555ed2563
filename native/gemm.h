/* AdapterKit's own SGEMM (gemm.c): the GEMM of builds without OpenBLAS, and always available beside it so
 * tests and bench/gemm.ts can compare the two in one process (the addon's matmulBuiltin and gemmName).
 *
 * Row-major, cblas_sgemm semantics: c (M,N; ld ldc) = alpha * op(a) (M,K) · op(b) (K,N) + beta * c
 *   a stored (M,K; ld lda), or (K,M; ld lda) when trans_a
 *   b stored (K,N; ld ldb), or (N,K; ld ldb) when trans_b
 * beta 0 overwrites c without reading it (NaN in c does not leak), as BLAS does.
 */
#ifndef ADAPTERKIT_GEMM_H
#define ADAPTERKIT_GEMM_H

#include <stdbool.h>
#include <stdint.h>

void gemm_sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                float alpha, const float *a, int64_t lda, const float *b, int64_t ldb,
                float beta, float *c, int64_t ldc);

/* A frozen b stored (N,K) (a Linear's weight, op(b) = bᵀ), packed once into the microkernel's panels
 * (gemm_packed_b_floats floats, for this process's microkernel) and reused by every gemm_sgemm_packed call:
 * c (M,N; ld ldc) = a (M,K; ld lda) · bᵀ + beta * c, bit for bit what gemm_sgemm computes. */
int64_t gemm_packed_b_floats(int64_t N, int64_t K);
void gemm_pack_b(float *dst, const float *b, int64_t N, int64_t K);
void gemm_sgemm_packed(int64_t M, int64_t N, int64_t K, const float *a, int64_t lda, const float *b_packed,
                       float beta, float *c, int64_t ldc);

/* The microkernel chosen for this CPU at first use: "avx512", "avx2" or "generic".
 * ADAPTERKIT_GEMM_KERNEL=avx2|generic (read once) picks a lesser one, so tests can check every kernel the
 * CPU runs; a kernel the CPU lacks, or an unknown name, is ignored. */
const char *gemm_kernel_name(void);

/* Threads of one gemm_sgemm call: set by gemm_set_threads, else omp_get_max_threads() (OMP_NUM_THREADS).
 * A call made inside an OpenMP parallel region always runs on its own thread. */
int gemm_threads(void);
void gemm_set_threads(int threads);

#endif
