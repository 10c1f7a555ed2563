/* Pointwise activations: GELU (tanh approximation and exact erf form), tanh, ReLU. Twin of ref/activations.ts.
 * Float arithmetic with vectorised expf/tanhf/erfcf (vecmath.h); results within a few ulp of the reference,
 * which computes the same formulas in double. The accumulation into dInp is done in double, as in JS. */
#include "vecmath.h"

#include "kernels.h"
#include "threads.h"

#define SQRT_2_OVER_PI 0.7978845608028654f /* sqrt(2/pi) */
#define GELU_CUBIC 0.044715f
#define INV_SQRT_2 0.7071067811865476f     /* 1/sqrt(2) */
#define INV_SQRT_2PI 0.3989422804014327f   /* 1/sqrt(2*pi) */
/* exp(-2u) is clamped here: beyond it the sigmoid below is 0 to float precision, and exp would overflow */
#define GELU_EXP_CLAMP 80.0f

/* tanh GELU: 0.5x(1 + tanh(u)), u = sqrt(2/pi)(x + 0.044715x^3). We use the identity
 *   0.5(1 + tanh(u)) = sigmoid(2u) = 1 / (1 + exp(-2u))
 * which avoids the cancellation in 1 + tanh(u) for negative x (there the float form loses all relative
 * precision, while the reference's double form does not). */
static inline float gelu_tanh_sigmoid(float x, float *e_out) {
  const float u = SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x);
  float z = -2.0f * u;
  z = z > GELU_EXP_CLAMP ? GELU_EXP_CLAMP : z;
  const float e = expf(z);
  *e_out = e;
  return 1.0f / (1.0f + e);
}

/* erf GELU: x * Phi(x), Phi(x) = 0.5(1 + erf(x/sqrt2)) = 0.5 erfc(-x/sqrt2); erfc keeps relative precision
 * in the far negative tail where 1 + erf cancels. */
static inline float normal_cdf(float x) {
  return 0.5f * erfcf(-x * INV_SQRT_2);
}

VECTOR_CLONES
void gelu_forward(float *out, const float *inp, int64_t n, GeluApproximation approximation) {
  if (approximation == GELU_TANH) {
#pragma omp parallel for simd schedule(static) num_threads(loop_threads(n))
    for (int64_t i = 0; i < n; i++) {
      const float x = inp[i];
      float e;
      out[i] = x * gelu_tanh_sigmoid(x, &e);
    }
  } else {
#pragma omp parallel for simd schedule(static) num_threads(loop_threads(n))
    for (int64_t i = 0; i < n; i++) out[i] = inp[i] * normal_cdf(inp[i]);
  }
}

VECTOR_CLONES
void gelu_backward(float *d_inp, const float *d_out, const float *inp, int64_t n, GeluApproximation approximation) {
  if (approximation == GELU_TANH) {
    /* with s = sigmoid(2u): d/dx x*s = s + x * 2 s (1 - s) du/dx, and 1 - s = e*s where e = exp(-2u)
     * (same value as the reference's 0.5(1+t) + 0.5x(1-t^2)du/dx, since 1 - t^2 = 4 s (1-s)) */
#pragma omp parallel for simd schedule(static) num_threads(loop_threads(n))
    for (int64_t i = 0; i < n; i++) {
      const float x = inp[i];
      float e;
      const float s = gelu_tanh_sigmoid(x, &e);
      const float du = SQRT_2_OVER_PI * (1.0f + 3.0f * GELU_CUBIC * x * x);
      const float local = s + 2.0f * x * s * (e * s) * du;
      d_inp[i] = (float)((double)d_inp[i] + (double)d_out[i] * local);
    }
  } else {
    /* d/dx x*Phi(x) = Phi(x) + x*phi(x) */
#pragma omp parallel for simd schedule(static) num_threads(loop_threads(n))
    for (int64_t i = 0; i < n; i++) {
      const float x = inp[i];
      const float local = normal_cdf(x) + x * INV_SQRT_2PI * expf(-0.5f * x * x);
      d_inp[i] = (float)((double)d_inp[i] + (double)d_out[i] * local);
    }
  }
}

VECTOR_CLONES
void tanh_forward(float *out, const float *inp, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = tanhf(inp[i]);
}

/* d tanh = 1 - out^2, in double like the reference (1 - out^2 cancels near |out| = 1) */
VECTOR_CLONES
void tanh_backward(float *d_inp, const float *d_out, const float *out, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    const double t = out[i];
    d_inp[i] = (float)((double)d_inp[i] + (double)d_out[i] * (1.0 - t * t));
  }
}

/* x > 0 ? x : 0 (NaN maps to 0, as in the reference) */
VECTOR_CLONES
void relu_forward(float *out, const float *inp, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = inp[i] > 0.0f ? inp[i] : 0.0f;
}

VECTOR_CLONES
void relu_backward(float *d_inp, const float *d_out, const float *inp, int64_t n) {
  for (int64_t i = 0; i < n; i++) d_inp[i] += inp[i] > 0.0f ? d_out[i] : 0.0f;
}
