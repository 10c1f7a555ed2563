/* Softmax over the last dim of (N,C). Twin of ref/softmax.ts. */
#include "vecmath.h"

#include "kernels.h"
#include "threads.h"

/* out (C) = softmax(inp (C)); out may be inp. Returns logsumexp(inp) = max + log(sum exp(inp - max)). */
VECTOR_CLONES
double softmax_row(float *out, const float *inp, int64_t C) {
  /* subtract the row max so exp never overflows; the result is unchanged */
  float max = -INFINITY;
  for (int64_t c = 0; c < C; c++) max = inp[c] > max ? inp[c] : max;
  for (int64_t c = 0; c < C; c++) out[c] = expf(inp[c] - max); /* vectorised (vecmath.h) */
  double sum = 0.0;
  for (int64_t c = 0; c < C; c++) sum += out[c];
  const double inv = 1.0 / sum;
  for (int64_t c = 0; c < C; c++) out[c] = (float)(out[c] * inv);
  return max + log(sum);
}

/* inp (N,C) -> out (N,C) */
VECTOR_CLONES
void softmax_forward(float *out, const float *inp, int64_t N, int64_t C) {
#pragma omp parallel for schedule(static) num_threads(loop_threads(N * C))
  for (int64_t i = 0; i < N; i++) softmax_row(out + i * C, inp + i * C, C);
}

/* dInp = out * (dOut - sum(dOut * out)) per row */
VECTOR_CLONES
void softmax_backward(float *d_inp, const float *d_out, const float *out, int64_t N, int64_t C) {
#pragma omp parallel for schedule(static) num_threads(loop_threads(N * C))
  for (int64_t i = 0; i < N; i++) {
    const float *g = d_out + i * C, *y = out + i * C;
    float *dx = d_inp + i * C;
    double dot = 0.0;
    for (int64_t c = 0; c < C; c++) dot += (double)g[c] * y[c];
    for (int64_t c = 0; c < C; c++) dx[c] = (float)((double)dx[c] + (double)y[c] * ((double)g[c] - dot));
  }
}
