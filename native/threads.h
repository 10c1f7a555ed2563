/* How many threads a kernel's loop may use.
 *
 * Loops whose iterations are independent (elements, rows, column chunks) are shared among as many OpenMP
 * threads as the GEMM uses, so they get the cores the GEMMs get: OpenBLAS's count (OPENBLAS_NUM_THREADS,
 * else the cores), or for the built-in GEMM (blas.h) omp_get_max_threads() (OMP_NUM_THREADS, else the
 * cores). Each iteration computes exactly what it computed single-threaded, so results never depend on the
 * thread count. Below LOOP_MIN_WORK elements a loop stays on one thread: waking another costs more than it
 * saves.
 */
#ifndef ADAPTERKIT_THREADS_H
#define ADAPTERKIT_THREADS_H

#include <stdint.h>

#ifdef ADAPTERKIT_BUILTIN_BLAS
#include "gemm.h"

static inline int ak_blas_threads(void) { return gemm_threads(); }
static inline void ak_set_blas_threads(int threads) { gemm_set_threads(threads); }
#else
/* OpenBLAS's own thread controls (declared here: not every cblas.h has them). */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

static inline int ak_blas_threads(void) { return openblas_get_num_threads(); }
static inline void ak_set_blas_threads(int threads) { openblas_set_num_threads(threads); }
#endif

#define LOOP_MIN_WORK 65536

static inline int loop_threads(int64_t work) {
  return work < LOOP_MIN_WORK ? 1 : ak_blas_threads();
}

#endif
