/* Elementwise add and mul with broadcasting, and scaling. Twin of ref/elementwise.ts.
 *
 * Broadcasting comes as per-dim element strides of a and b over the contiguous output shape (0 on a
 * broadcast dim). We walk the output row by row (a row = the innermost dim) with an odometer over the outer
 * dims, after merging adjacent dims that both inputs traverse contiguously, so a same-shape add is one row.
 * The visiting order is the reference's row-major order, so accumulating backward sums round identically.
 * Arithmetic is done in double and rounded once to float, as the reference's JS numbers do.
 */
#include <string.h>

#include "kernels.h"
#include "vecmath.h"

typedef struct {
  int64_t rank;                           /* dims left after merging; >= 1 */
  int64_t shape[ELEMENTWISE_MAX_RANK];
  int64_t a_stride[ELEMENTWISE_MAX_RANK];
  int64_t b_stride[ELEMENTWISE_MAX_RANK];
  int64_t index[ELEMENTWISE_MAX_RANK];    /* odometer over dims 0 .. rank-2 */
  int64_t rows;                           /* product of all dims but the innermost */
  int64_t ia, ib;                         /* offsets in a and b of the current row's first element */
} Broadcast;

/* Returns false when the output is empty. */
static bool broadcast_init(Broadcast *it, const int32_t *shape, const int32_t *a_strides, const int32_t *b_strides,
                           int64_t rank) {
  memset(it, 0, sizeof *it);
  int64_t total = 1;
  for (int64_t d = 0; d < rank; d++) total *= shape[d];
  if (total == 0) return false;
  for (int64_t d = 0; d < rank; d++) {
    if (shape[d] == 1) continue; /* a size-1 dim never moves the offsets */
    const int64_t n = shape[d], sa = a_strides[d], sb = b_strides[d];
    const int64_t last = it->rank - 1;
    if (it->rank > 0 && it->a_stride[last] == sa * n && it->b_stride[last] == sb * n) {
      /* dim d continues dim `last` in both inputs: merge them into one longer dim */
      it->shape[last] *= n;
      it->a_stride[last] = sa;
      it->b_stride[last] = sb;
    } else {
      it->shape[it->rank] = n;
      it->a_stride[it->rank] = sa;
      it->b_stride[it->rank] = sb;
      it->rank++;
    }
  }
  if (it->rank == 0) { /* a single element */
    it->rank = 1;
    it->shape[0] = 1;
  }
  it->rows = total / it->shape[it->rank - 1];
  return true;
}

/* Advances (ia, ib) to the next row: odometer increment over the outer dims, innermost outer dim first. */
static void broadcast_next_row(Broadcast *it) {
  for (int64_t d = it->rank - 2; d >= 0; d--) {
    it->index[d]++;
    it->ia += it->a_stride[d];
    it->ib += it->b_stride[d];
    if (it->index[d] < it->shape[d]) return;
    it->ia -= it->a_stride[d] * it->shape[d];
    it->ib -= it->b_stride[d] * it->shape[d];
    it->index[d] = 0;
  }
}

/* out = a + b */
VECTOR_CLONES
void add_forward(float *out, const float *a, const float *b,
                 const int32_t *shape, const int32_t *a_strides, const int32_t *b_strides, int64_t rank) {
  Broadcast it;
  if (!broadcast_init(&it, shape, a_strides, b_strides, rank)) return;
  const int64_t n = it.shape[it.rank - 1], sa = it.a_stride[it.rank - 1], sb = it.b_stride[it.rank - 1];
  for (int64_t row = 0; row < it.rows; row++) {
    float *o = out + row * n;
    const float *ar = a + it.ia, *br = b + it.ib;
    for (int64_t j = 0; j < n; j++) o[j] = ar[j * sa] + br[j * sb];
    broadcast_next_row(&it);
  }
}

/* dA[ia] += dOut[i]; dB[ib] += dOut[i] (repeated ia/ib on broadcast dims sum up) */
VECTOR_CLONES
void add_backward(float *d_a, float *d_b, const float *d_out,
                  const int32_t *shape, const int32_t *a_strides, const int32_t *b_strides, int64_t rank) {
  Broadcast it;
  if (!broadcast_init(&it, shape, a_strides, b_strides, rank)) return;
  const int64_t n = it.shape[it.rank - 1], sa = it.a_stride[it.rank - 1], sb = it.b_stride[it.rank - 1];
  for (int64_t row = 0; row < it.rows; row++) {
    const float *g = d_out + row * n;
    if (d_a) {
      float *da = d_a + it.ia;
      for (int64_t j = 0; j < n; j++) da[j * sa] += g[j];
    }
    if (d_b) {
      float *db = d_b + it.ib;
      for (int64_t j = 0; j < n; j++) db[j * sb] += g[j];
    }
    broadcast_next_row(&it);
  }
}

/* out = a * b */
VECTOR_CLONES
void mul_forward(float *out, const float *a, const float *b,
                 const int32_t *shape, const int32_t *a_strides, const int32_t *b_strides, int64_t rank) {
  Broadcast it;
  if (!broadcast_init(&it, shape, a_strides, b_strides, rank)) return;
  const int64_t n = it.shape[it.rank - 1], sa = it.a_stride[it.rank - 1], sb = it.b_stride[it.rank - 1];
  for (int64_t row = 0; row < it.rows; row++) {
    float *o = out + row * n;
    const float *ar = a + it.ia, *br = b + it.ib;
    for (int64_t j = 0; j < n; j++) o[j] = ar[j * sa] * br[j * sb];
    broadcast_next_row(&it);
  }
}

/* dA[ia] += dOut[i] * b[ib]; dB[ib] += dOut[i] * a[ia] */
VECTOR_CLONES
void mul_backward(float *d_a, float *d_b, const float *d_out, const float *a, const float *b,
                  const int32_t *shape, const int32_t *a_strides, const int32_t *b_strides, int64_t rank) {
  Broadcast it;
  if (!broadcast_init(&it, shape, a_strides, b_strides, rank)) return;
  const int64_t n = it.shape[it.rank - 1], sa = it.a_stride[it.rank - 1], sb = it.b_stride[it.rank - 1];
  for (int64_t row = 0; row < it.rows; row++) {
    const float *g = d_out + row * n;
    const float *ar = a + it.ia, *br = b + it.ib;
    if (d_a) {
      float *da = d_a + it.ia;
      for (int64_t j = 0; j < n; j++) da[j * sa] = (float)((double)da[j * sa] + (double)g[j] * br[j * sb]);
    }
    if (d_b) {
      float *db = d_b + it.ib;
      for (int64_t j = 0; j < n; j++) db[j * sb] = (float)((double)db[j * sb] + (double)g[j] * ar[j * sa]);
    }
    broadcast_next_row(&it);
  }
}

/* out[i] = s * inp[i] */
VECTOR_CLONES
void scale_forward(float *out, const float *inp, double s, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = (float)(s * inp[i]);
}

/* dInp[i] += s * dOut[i] */
VECTOR_CLONES
void scale_backward(float *d_inp, const float *d_out, double s, int64_t n) {
  for (int64_t i = 0; i < n; i++) d_inp[i] = (float)((double)d_inp[i] + s * d_out[i]);
}
