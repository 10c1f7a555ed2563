/* Dropout masks from a counter-based hash. Twin of ref/dropout-mask.ts: the same (seed, i) -> 32-bit hash
 * and the same integer threshold, so both backends draw identical masks. */
#include "kernels.h"
#include "vecmath.h"

static inline uint32_t mix32(uint32_t seed, uint32_t i) {
  uint32_t h = seed ^ (i * 0x9e3779b9u);
  h = (h ^ (h >> 16)) * 0x85ebca6bu;
  h = (h ^ (h >> 13)) * 0xc2b2ae35u;
  return h ^ (h >> 16);
}

VECTOR_CLONES
void dropout_mask(float *mask, int64_t n, double p, uint32_t seed) {
  const float keep = (float)(1.0 / (1.0 - p));
  const uint64_t threshold = (uint64_t)(p * 4294967296.0);
  for (int64_t i = 0; i < n; i++) mask[i] = (uint64_t)mix32(seed, (uint32_t)i) < threshold ? 0.0f : keep;
}
