/* Sum (and, with a scale, mean) over one axis of inp viewed as (outer, L, inner). Twin of ref/reductions.ts. */
#include <string.h>

#include "kernels.h"
#include "vecmath.h"

/* The sum runs over chunks of this many inner positions at a time, with double accumulators on the stack,
 * so the reads stay contiguous whatever the axis. */
#define INNER_CHUNK 256

/* out (outer, inner) = scale * sum over l of inp (outer, L, inner) */
VECTOR_CLONES
void sum_axis_forward(float *out, const float *inp, int64_t outer, int64_t L, int64_t inner, double scale) {
  double acc[INNER_CHUNK];
  for (int64_t o = 0; o < outer; o++) {
    for (int64_t i0 = 0; i0 < inner; i0 += INNER_CHUNK) {
      const int64_t width = inner - i0 < INNER_CHUNK ? inner - i0 : INNER_CHUNK;
      memset(acc, 0, sizeof acc);
      for (int64_t l = 0; l < L; l++) {
        const float *x = inp + (o * L + l) * inner + i0;
        for (int64_t j = 0; j < width; j++) acc[j] += x[j];
      }
      for (int64_t j = 0; j < width; j++) out[o * inner + i0 + j] = (float)(scale * acc[j]);
    }
  }
}

/* dInp[o, l, i] += scale * dOut[o, i] */
VECTOR_CLONES
void sum_axis_backward(float *d_inp, const float *d_out, int64_t outer, int64_t L, int64_t inner, double scale) {
  for (int64_t o = 0; o < outer; o++) {
    const float *g = d_out + o * inner;
    for (int64_t l = 0; l < L; l++) {
      float *dx = d_inp + (o * L + l) * inner;
      for (int64_t i = 0; i < inner; i++) dx[i] = (float)((double)dx[i] + scale * g[i]);
    }
  }
}
