/* Row gather (embedding lookup, picking [CLS] or marker tokens) and strided row copies (concat, slice).
 * Twin of ref/indexing.ts. binding.c has checked every index against the table's row count. */
#include <string.h>

#include "kernels.h"

/* table (V,C), index (N) -> out (N,C): out[i, :] = table[index[i], :] */
void gather_rows_forward(float *out, const float *table, const int32_t *index, int64_t N, int64_t C) {
  for (int64_t i = 0; i < N; i++) {
    memcpy(out + i * C, table + (int64_t)index[i] * C, (size_t)C * sizeof(float));
  }
}

/* dTable[index[i], :] += dOut[i, :]; repeated indices accumulate in row order, as in the reference */
void gather_rows_backward(float *d_table, const float *d_out, const int32_t *index, int64_t N, int64_t C) {
  for (int64_t i = 0; i < N; i++) {
    float *dst = d_table + (int64_t)index[i] * C;
    const float *src = d_out + i * C;
    for (int64_t c = 0; c < C; c++) dst[c] += src[c];
  }
}

/* for r < rows, j < width: dst[dst_offset + r*dst_stride + j] (+)= src[src_offset + r*src_stride + j] */
void copy_rows(float *dst, const float *src, int64_t rows, int64_t width,
               int64_t dst_stride, int64_t dst_offset, int64_t src_stride, int64_t src_offset, bool accumulate) {
  for (int64_t r = 0; r < rows; r++) {
    float *d = dst + dst_offset + r * dst_stride;
    const float *s = src + src_offset + r * src_stride;
    if (accumulate) {
      for (int64_t j = 0; j < width; j++) d[j] += s[j];
    } else {
      memmove(d, s, (size_t)width * sizeof(float)); /* memmove: dst and src may be one buffer */
    }
  }
}
