/* How many threads a kernel's loop may use.
 *
 * Loops whose iterations are independent (elements, rows, column chunks) are shared among as many OpenMP
 * threads as OpenBLAS uses (OPENBLAS_NUM_THREADS, else the cores), so they get the cores the GEMMs get.
 * Each iteration computes exactly what it computed single-threaded, so results never depend on the thread
 * count. Below LOOP_MIN_WORK elements a loop stays on one thread: waking another costs more than it saves.
 */
#ifndef ADAPTERKIT_THREADS_H
#define ADAPTERKIT_THREADS_H

#include <stdint.h>

/* OpenBLAS's own thread controls (declared here: not every cblas.h has them). */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

#define LOOP_MIN_WORK 65536

static inline int loop_threads(int64_t work) {
  return work < LOOP_MIN_WORK ? 1 : openblas_get_num_threads();
}

#endif
