/* Adam's per-parameter update. Twin of ref/optimizer.ts: biasCorrection 0 is BERT's AdamWeightDecay,
 * 1 is torch's AdamW. Computed in double and rounded once, as the reference does. */
#include <math.h>

#include "kernels.h"
#include "threads.h"
#include "vecmath.h"

VECTOR_CLONES
void adam_step(float *param, float *m, float *v, const float *grad, int64_t n,
               double lr, double beta1, double beta2, double eps, double weight_decay, double step, int bias_correction) {
  const double correction1 = bias_correction ? 1.0 - pow(beta1, step) : 1.0;
  const double correction2 = bias_correction ? 1.0 - pow(beta2, step) : 1.0;
#pragma omp parallel for schedule(static) num_threads(loop_threads(n))
  for (int64_t i = 0; i < n; i++) {
    const double g = grad ? (double)grad[i] : 0.0;
    const double mi = (float)(beta1 * m[i] + (1.0 - beta1) * g);
    const double vi = (float)(beta2 * v[i] + (1.0 - beta2) * g * g);
    m[i] = (float)mi;
    v[i] = (float)vi;
    double p = param[i];
    if (bias_correction) {
      p = (float)(p - lr * weight_decay * p);
      p = p - (lr * (mi / correction1)) / (sqrt(vi / correction2) + eps);
    } else {
      p = p - lr * (mi / (sqrt(vi) + eps) + weight_decay * p);
    }
    param[i] = (float)p;
  }
}
