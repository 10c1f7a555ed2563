/* Losses that reduce to one scalar (a mean), written to loss[0]. Twin of ref/losses.ts.
 * Per-element terms and the running totals are in double. */
#include <math.h>

#include "kernels.h"
#include "threads.h"
#include "vecmath.h"

/* cross-entropy rows are scored in blocks of this many, in parallel, then added up in row order */
#define LOSS_BLOCK_ROWS 1024

/* logits (N,C), targets (N) -> loss[0] = mean over rows with target != ignore_index of -log softmax(logits)[t];
 * saves probs (N,C) for every row, ignored ones included. count = number of kept rows; 0 gives loss 0. */
VECTOR_CLONES
void cross_entropy_forward(float *loss, float *probs, const float *logits, const int32_t *targets,
                           int64_t N, int64_t C, int64_t ignore_index, double count) {
  double total = 0.0;
  double terms[LOSS_BLOCK_ROWS];
  for (int64_t i0 = 0; i0 < N; i0 += LOSS_BLOCK_ROWS) {
    const int64_t rows = N - i0 < LOSS_BLOCK_ROWS ? N - i0 : LOSS_BLOCK_ROWS;
#pragma omp parallel for schedule(static) num_threads(loop_threads(rows * C))
    for (int64_t r = 0; r < rows; r++) {
      const int64_t i = i0 + r;
      const float *x = logits + i * C;
      const double lse = softmax_row(probs + i * C, x, C);
      const int64_t t = targets[i];
      /* -log p_t = logsumexp(x) - x_t, from the logits: exact even when p_t underflows in float */
      terms[r] = t == ignore_index ? 0.0 : lse - x[t];
    }
    for (int64_t r = 0; r < rows; r++) total += terms[r]; /* ignored rows add an exact 0 */
  }
  loss[0] = count > 0 ? (float)(total / count) : 0.0f;
}

/* dLogits[i,c] += dLoss * (probs[i,c] - [c == t_i]) / count, skipping ignored rows */
VECTOR_CLONES
void cross_entropy_backward(float *d_logits, const float *probs, const int32_t *targets, double d_loss,
                            int64_t N, int64_t C, int64_t ignore_index, double count) {
  if (count == 0) return;
  const double s = d_loss / count;
#pragma omp parallel for schedule(static) num_threads(loop_threads(N * C))
  for (int64_t i = 0; i < N; i++) {
    const int64_t t = targets[i];
    if (t == ignore_index) continue;
    const float *p = probs + i * C;
    float *g = d_logits + i * C;
    for (int64_t c = 0; c < C; c++) g[c] = (float)((double)g[c] + s * ((double)p[c] - (c == t ? 1.0 : 0.0)));
  }
}

/* mean of max(x,0) - x*y + log(1 + exp(-|x|)): the stable form of -[y log sigmoid(x) + (1-y) log(1-sigmoid(x))] */
VECTOR_CLONES
void bce_with_logits_forward(float *loss, const float *logits, const float *targets, int64_t n) {
  double total = 0.0;
  for (int64_t i = 0; i < n; i++) {
    const double x = logits[i];
    total += (x > 0.0 ? x : 0.0) - x * targets[i] + log1p(exp(-fabs(x)));
  }
  loss[0] = (float)(total / (double)n);
}

/* dLogits[i] += dLoss * (sigmoid(x_i) - y_i) / n */
VECTOR_CLONES
void bce_with_logits_backward(float *d_logits, const float *logits, const float *targets, double d_loss, int64_t n) {
  const double s = d_loss / (double)n;
  for (int64_t i = 0; i < n; i++) {
    const double sigmoid = 1.0 / (1.0 + exp(-(double)logits[i]));
    d_logits[i] = (float)((double)d_logits[i] + s * (sigmoid - targets[i]));
  }
}

/* mean of (pred - target)^2 */
VECTOR_CLONES
void mse_forward(float *loss, const float *pred, const float *target, int64_t n) {
  double total = 0.0;
  for (int64_t i = 0; i < n; i++) {
    const double d = (double)pred[i] - target[i];
    total += d * d;
  }
  loss[0] = (float)(total / (double)n);
}

/* dPred[i] += dLoss * 2 (pred[i] - target[i]) / n */
VECTOR_CLONES
void mse_backward(float *d_pred, const float *pred, const float *target, double d_loss, int64_t n) {
  const double s = (2.0 * d_loss) / (double)n;
  for (int64_t i = 0; i < n; i++) d_pred[i] = (float)((double)d_pred[i] + s * ((double)pred[i] - target[i]));
}
