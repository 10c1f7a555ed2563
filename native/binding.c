/* N-API glue: one JS function per Backend method (src/kernels/interface.ts), same name and argument order,
 * each checking its arguments (args.h: TypeError/RangeError naming the method and argument) and then
 * calling its snake_case C twin in kernels.h. The checks are O(1) per call except the index/target scans,
 * O(N) over int32s and small next to the kernels. Three extras are not Backend methods: matmulBuiltin,
 * gemmName and gemmBuiltinName (the built-in GEMM beside OpenBLAS, for tests and bench/gemm.ts).
 */
#define _DEFAULT_SOURCE /* mmap flags under -std=c11 */
#include "args.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gemm.h"
#include "kernels.h"
#include "qgemm.h"

/* ---- matrix products ------------------------------------------------------------------------------------- */

/* matmul(out, a, b, batch, M, N, K, transA, transB, beta, bShared), and matmulBuiltin with the same
 * arguments on the built-in GEMM whatever the build links */
static napi_value matmul_call(napi_env env, napi_callback_info info, const char *fn, bool builtin) {
  Call c;
  if (!call_init(&c, env, info, fn, 11)) return NULL;
  const int64_t batch = arg_dim(&c, 3, "batch"), M = arg_dim(&c, 4, "M"), N = arg_dim(&c, 5, "N");
  const int64_t K = arg_dim(&c, 6, "K");
  const bool trans_a = arg_bool(&c, 7, "transA"), trans_b = arg_bool(&c, 8, "transB");
  const double beta = arg_number(&c, 9, "beta");
  const bool b_shared = arg_bool(&c, 10, "bShared");
  float *out = arg_f32(&c, 0, "out", (double)batch * M * N, "batch*M*N");
  const float *a = arg_f32(&c, 1, "a", (double)batch * M * K, "batch*M*K");
  const float *b = arg_f32(&c, 2, "b", (b_shared ? 1.0 : (double)batch) * K * N, b_shared ? "K*N" : "batch*K*N");
  if (!c.failed && b_shared && !trans_a && (double)batch * M > INT_MAX) {
    fail(&c, true, "expected batch*M <= %d for a shared b, got %lld", INT_MAX, (long long)(batch * M));
  }
  if (c.failed) return NULL;
  if (builtin) {
    matmul_builtin(out, a, b, batch, M, N, K, trans_a, trans_b, (float)beta, b_shared);
  } else {
    matmul(out, a, b, batch, M, N, K, trans_a, trans_b, (float)beta, b_shared);
  }
  return NULL;
}

static napi_value js_matmul(napi_env env, napi_callback_info info) {
  return matmul_call(env, info, "matmul", false);
}

static napi_value js_matmul_builtin(napi_env env, napi_callback_info info) {
  return matmul_call(env, info, "matmulBuiltin", true);
}

/* gemmName() -> the GEMM matmul runs: "OpenBLAS", or "builtin (avx512)" / "builtin (avx2)" / "builtin (generic)";
 * gemmBuiltinName() -> the one matmulBuiltin runs, "builtin (<microkernel>)" whatever the build */
static napi_value gemm_name_call(napi_env env, napi_callback_info info, const char *fn, bool builtin) {
  Call c;
  if (!call_init(&c, env, info, fn, 0)) return NULL;
  char name[64];
#ifdef ADAPTERKIT_BUILTIN_BLAS
  builtin = true;
#endif
  if (builtin) snprintf(name, sizeof name, "builtin (%s)", gemm_kernel_name());
  else snprintf(name, sizeof name, "OpenBLAS");
  napi_value result;
  if (napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &result) != napi_ok) return NULL;
  return result;
}

static napi_value js_gemm_name(napi_env env, napi_callback_info info) {
  return gemm_name_call(env, info, "gemmName", false);
}

static napi_value js_gemm_builtin_name(napi_env env, napi_callback_info info) {
  return gemm_name_call(env, info, "gemmBuiltinName", true);
}

/* ---- frozen Linear weights, packed once ------------------------------------------------------------------- */

/* What runs linearPacked at a precision here: fp32 the built-in GEMM's kernel, int8 and bf16 qgemm.c's where
 * this CPU has them; NULL where it does not. */
static const char *precision_kernel(Precision precision) {
  switch (precision) {
    case PRECISION_INT8: return qgemm_available() ? "avx512-vnni" : NULL;
    case PRECISION_BF16: return qgemm_bf16_available() ? "avx512-bf16" : NULL;
    default: return gemm_kernel_name();
  }
}

/* a precision this CPU runs (linearKernel says which): a RangeError otherwise */
static Precision arg_linear_precision(Call *c, size_t i) {
  static const char *const names[] = {"fp32", "int8", "bf16"};
  const Precision precision = arg_precision(c, i, "precision");
  if (!c->failed && !precision_kernel(precision)) {
    fail(c, true, "expected argument 'precision' to be one this CPU runs, got \"%s\" (no kernel for it here; see linearKernel())", names[precision]);
  }
  return precision;
}

/* packedLinearBytes(N, K, precision) -> bytes of packLinear's buffer */
static napi_value js_packed_linear_bytes(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "packedLinearBytes", 3)) return NULL;
  const int64_t N = arg_dim(&c, 0, "N"), K = arg_dim(&c, 1, "K");
  const Precision precision = arg_linear_precision(&c, 2);
  if (c.failed) return NULL;
  napi_value result;
  if (napi_create_double(env, (double)packed_linear_bytes(N, K, precision), &result) != napi_ok) return NULL;
  return result;
}

/* packLinear(dst, weight, channelScale, N, K, precision) */
static napi_value js_pack_linear(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "packLinear", 6)) return NULL;
  const int64_t N = arg_dim(&c, 3, "N"), K = arg_dim(&c, 4, "K");
  const Precision precision = arg_linear_precision(&c, 5);
  const double bytes = c.failed ? 0 : (double)packed_linear_bytes(N, K, precision);
  uint8_t *dst = arg_u8(&c, 0, "dst", bytes, "packedLinearBytes(N, K, precision)");
  const float *weight = arg_f32(&c, 1, "weight", (double)N * K, "N*K");
  const float *channel_scale = arg_f32_or_null(&c, 2, "channelScale", (double)K, "K");
  if (!c.failed && channel_scale && precision != PRECISION_INT8) {
    fail(&c, true, "expected argument 'channelScale' to be null but for int8, got a Float32Array");
  }
  if (c.failed) return NULL;
  if (!pack_linear(dst, weight, channel_scale, N, K, precision)) {
    fail(&c, true, "out of memory packing a (%lld,%lld) weight", (long long)N, (long long)K);
  }
  return NULL;
}

/* linearPacked(out, x, packed, bias, M, N, K, precision) */
static napi_value js_linear_packed(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "linearPacked", 8)) return NULL;
  const int64_t M = arg_dim(&c, 4, "M"), N = arg_dim(&c, 5, "N"), K = arg_dim(&c, 6, "K");
  const Precision precision = arg_linear_precision(&c, 7);
  const double bytes = c.failed ? 0 : (double)packed_linear_bytes(N, K, precision);
  float *out = arg_f32(&c, 0, "out", (double)M * N, "M*N");
  const float *x = arg_f32(&c, 1, "x", (double)M * K, "M*K");
  const uint8_t *packed = arg_u8(&c, 2, "packed", bytes, "packedLinearBytes(N, K, precision)");
  const float *bias = arg_f32_or_null(&c, 3, "bias", (double)N, "N");
  if (c.failed) return NULL;
  if (!linear_packed(out, x, packed, bias, M, N, K, precision)) {
    fail(&c, true, "out of memory for (%lld,%lld) rows", (long long)M, (long long)K);
  }
  return NULL;
}

/* linearPackedTransposed(out, x, packed, M, N, K, precision): bf16 only */
static napi_value js_linear_packed_transposed(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "linearPackedTransposed", 7)) return NULL;
  const int64_t M = arg_dim(&c, 3, "M"), N = arg_dim(&c, 4, "N"), K = arg_dim(&c, 5, "K");
  const Precision precision = arg_linear_precision(&c, 6);
  if (!c.failed && precision != PRECISION_BF16) {
    fail(&c, true, "expected argument 'precision' to be \"bf16\" (the one packed weight backward reads), got \"%s\"", precision == PRECISION_INT8 ? "int8" : "fp32");
  }
  const double bytes = c.failed ? 0 : (double)packed_linear_bytes(N, K, precision);
  float *out = arg_f32(&c, 0, "out", (double)M * K, "M*K");
  const float *x = arg_f32(&c, 1, "x", (double)M * N, "M*N");
  const uint8_t *packed = arg_u8(&c, 2, "packed", bytes, "packedLinearBytes(N, K, precision)");
  if (c.failed) return NULL;
  if (!linear_packed_transposed(out, x, packed, M, N, K)) {
    fail(&c, true, "out of memory for a (%lld,%lld) weight's transpose", (long long)N, (long long)K);
  }
  return NULL;
}

/* Large long-lived buffers (packed weights) are mapped on their own, 2 MiB aligned, and marked for transparent
 * huge pages: first-touching fresh 4 KiB pages was what packing spent its time on (page faults, measured 390 ms
 * for 189 MB). The finalizer unmaps the region when the ArrayBuffer is collected. */
#define HUGE_PAGE ((size_t)2 << 20)

typedef struct {
  void *base;
  size_t length;
} Mapping;

static void unmap_buffer(napi_env env, void *data, void *hint) {
  (void)data;
  Mapping *m = hint;
  napi_adjust_external_memory(env, -(int64_t)m->length, NULL);
  munmap(m->base, m->length);
  free(m);
}

/* allocate(bytes) -> a zero-filled ArrayBuffer, huge-page backed where the kernel allows */
static napi_value js_allocate(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "allocate", 1)) return NULL;
  const int64_t bytes = arg_offset(&c, 0, "bytes");
  if (c.failed) return NULL;
  napi_value result;
  if (bytes == 0) return napi_create_arraybuffer(env, 0, NULL, &result) == napi_ok ? result : NULL;
  Mapping *m = malloc(sizeof *m);
  m->length = ((size_t)bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE + HUGE_PAGE;
  m->base = mmap(NULL, m->length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m->base == MAP_FAILED) {
    free(m);
    fail(&c, true, "out of memory allocating %lld bytes", (long long)bytes);
    return NULL;
  }
  uint8_t *aligned = (uint8_t *)(((uintptr_t)m->base + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE);
#ifdef MADV_HUGEPAGE
  madvise(aligned, (size_t)bytes, MADV_HUGEPAGE); /* a hint: without it the pages are just smaller */
#endif
  if (napi_create_external_arraybuffer(env, aligned, (size_t)bytes, unmap_buffer, m, &result) != napi_ok) {
    munmap(m->base, m->length);
    free(m);
    return NULL;
  }
  napi_adjust_external_memory(env, (int64_t)m->length, NULL);
  return result;
}

/* discard(data): the whole pages inside data go back to the OS (MADV_DONTNEED: they read as zeros from then
 * on, and cost nothing until written); for the memory of weights nothing will read again. */
static napi_value js_discard(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "discard", 1)) return NULL;
  size_t length = 0;
  float *data = arg_f32_any(&c, 0, "data", &length);
  if (c.failed) return NULL;
  const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), from = ((uintptr_t)data + page - 1) / page * page;
  const uintptr_t to = ((uintptr_t)(data + length)) / page * page;
  if (to > from) madvise((void *)from, to - from, MADV_DONTNEED); /* a hint: on failure the pages just stay */
  return NULL;
}

/* linearKernel(precision) -> what runs linearPacked at that precision ("avx512-vnni", "avx512-bf16", the fp32
 * GEMM's microkernel), or null where this CPU has none */
static napi_value js_linear_kernel(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "linearKernel", 1)) return NULL;
  const Precision precision = arg_precision(&c, 0, "precision");
  if (c.failed) return NULL;
  const char *kernel = precision_kernel(precision);
  napi_value result;
  if (!kernel) return napi_get_null(env, &result) == napi_ok ? result : NULL;
  if (napi_create_string_utf8(env, kernel, NAPI_AUTO_LENGTH, &result) != napi_ok) return NULL;
  return result;
}

/* biasAddForward(out, bias, N, C) */
static napi_value js_bias_add_forward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "biasAddForward", 4)) return NULL;
  const int64_t N = arg_dim(&c, 2, "N"), C = arg_dim(&c, 3, "C");
  float *out = arg_f32(&c, 0, "out", (double)N * C, "N*C");
  const float *bias = arg_f32(&c, 1, "bias", (double)C, "C");
  if (c.failed) return NULL;
  bias_add_forward(out, bias, N, C);
  return NULL;
}

/* biasAddBackward(dBias, dOut, N, C) */
static napi_value js_bias_add_backward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "biasAddBackward", 4)) return NULL;
  const int64_t N = arg_dim(&c, 2, "N"), C = arg_dim(&c, 3, "C");
  float *d_bias = arg_f32(&c, 0, "dBias", (double)C, "C");
  const float *d_out = arg_f32(&c, 1, "dOut", (double)N * C, "N*C");
  if (c.failed) return NULL;
  bias_add_backward(d_bias, d_out, N, C);
  return NULL;
}

/* ---- elementwise with broadcasting ----------------------------------------------------------------------- */

/* addForward / mulForward (out, a, b, shape, aStrides, bStrides) */
static napi_value binary_forward(napi_env env, napi_callback_info info, const char *fn, bool is_mul) {
  Call c;
  if (!call_init(&c, env, info, fn, 6)) return NULL;
  BroadcastArgs br;
  arg_broadcast(&c, 3, &br);
  float *out = arg_f32(&c, 0, "out", br.total, "product of shape");
  const float *a = arg_f32(&c, 1, "a", br.a_need, "1 + max offset by aStrides");
  const float *b = arg_f32(&c, 2, "b", br.b_need, "1 + max offset by bStrides");
  if (c.failed) return NULL;
  if (is_mul) {
    mul_forward(out, a, b, br.shape, br.a_strides, br.b_strides, br.rank);
  } else {
    add_forward(out, a, b, br.shape, br.a_strides, br.b_strides, br.rank);
  }
  return NULL;
}

static napi_value js_add_forward(napi_env env, napi_callback_info info) {
  return binary_forward(env, info, "addForward", false);
}

static napi_value js_mul_forward(napi_env env, napi_callback_info info) {
  return binary_forward(env, info, "mulForward", true);
}

/* addBackward(dA, dB, dOut, shape, aStrides, bStrides) */
static napi_value js_add_backward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "addBackward", 6)) return NULL;
  BroadcastArgs br;
  arg_broadcast(&c, 3, &br);
  float *d_a = arg_f32_or_null(&c, 0, "dA", br.a_need, "1 + max offset by aStrides");
  float *d_b = arg_f32_or_null(&c, 1, "dB", br.b_need, "1 + max offset by bStrides");
  const float *d_out = arg_f32(&c, 2, "dOut", br.total, "product of shape");
  if (c.failed) return NULL;
  add_backward(d_a, d_b, d_out, br.shape, br.a_strides, br.b_strides, br.rank);
  return NULL;
}

/* mulBackward(dA, dB, dOut, a, b, shape, aStrides, bStrides) */
static napi_value js_mul_backward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "mulBackward", 8)) return NULL;
  BroadcastArgs br;
  arg_broadcast(&c, 5, &br);
  float *d_a = arg_f32_or_null(&c, 0, "dA", br.a_need, "1 + max offset by aStrides");
  float *d_b = arg_f32_or_null(&c, 1, "dB", br.b_need, "1 + max offset by bStrides");
  const float *d_out = arg_f32(&c, 2, "dOut", br.total, "product of shape");
  const float *a = arg_f32(&c, 3, "a", br.a_need, "1 + max offset by aStrides");
  const float *b = arg_f32(&c, 4, "b", br.b_need, "1 + max offset by bStrides");
  if (c.failed) return NULL;
  mul_backward(d_a, d_b, d_out, a, b, br.shape, br.a_strides, br.b_strides, br.rank);
  return NULL;
}

/* scaleForward(out, inp, s, n) */
static napi_value js_scale_forward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "scaleForward", 4)) return NULL;
  const double s = arg_number(&c, 2, "s");
  const int64_t n = arg_offset(&c, 3, "n");
  float *out = arg_f32(&c, 0, "out", (double)n, "n");
  const float *inp = arg_f32(&c, 1, "inp", (double)n, "n");
  if (c.failed) return NULL;
  scale_forward(out, inp, s, n);
  return NULL;
}

/* scaleBackward(dInp, dOut, s, n) */
static napi_value js_scale_backward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "scaleBackward", 4)) return NULL;
  const double s = arg_number(&c, 2, "s");
  const int64_t n = arg_offset(&c, 3, "n");
  float *d_inp = arg_f32(&c, 0, "dInp", (double)n, "n");
  const float *d_out = arg_f32(&c, 1, "dOut", (double)n, "n");
  if (c.failed) return NULL;
  scale_backward(d_inp, d_out, s, n);
  return NULL;
}

/* ---- activations ------------------------------------------------------------------------------------------- */

/* geluForward(out, inp, n, approximation) */
static napi_value js_gelu_forward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "geluForward", 4)) return NULL;
  const int64_t n = arg_offset(&c, 2, "n");
  const GeluApproximation approximation = arg_gelu(&c, 3, "approximation");
  float *out = arg_f32(&c, 0, "out", (double)n, "n");
  const float *inp = arg_f32(&c, 1, "inp", (double)n, "n");
  if (c.failed) return NULL;
  gelu_forward(out, inp, n, approximation);
  return NULL;
}

/* geluBackward(dInp, dOut, inp, n, approximation) */
static napi_value js_gelu_backward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "geluBackward", 5)) return NULL;
  const int64_t n = arg_offset(&c, 3, "n");
  const GeluApproximation approximation = arg_gelu(&c, 4, "approximation");
  float *d_inp = arg_f32(&c, 0, "dInp", (double)n, "n");
  const float *d_out = arg_f32(&c, 1, "dOut", (double)n, "n");
  const float *inp = arg_f32(&c, 2, "inp", (double)n, "n");
  if (c.failed) return NULL;
  gelu_backward(d_inp, d_out, inp, n, approximation);
  return NULL;
}

/* tanhForward / reluForward (out, inp, n) */
static napi_value unary_forward(napi_env env, napi_callback_info info, const char *fn,
                                void (*kernel)(float *, const float *, int64_t)) {
  Call c;
  if (!call_init(&c, env, info, fn, 3)) return NULL;
  const int64_t n = arg_offset(&c, 2, "n");
  float *out = arg_f32(&c, 0, "out", (double)n, "n");
  const float *inp = arg_f32(&c, 1, "inp", (double)n, "n");
  if (c.failed) return NULL;
  kernel(out, inp, n);
  return NULL;
}

/* tanhBackward(dInp, dOut, out, n) / reluBackward(dInp, dOut, inp, n) */
static napi_value unary_backward(napi_env env, napi_callback_info info, const char *fn, const char *saved_name,
                                 void (*kernel)(float *, const float *, const float *, int64_t)) {
  Call c;
  if (!call_init(&c, env, info, fn, 4)) return NULL;
  const int64_t n = arg_offset(&c, 3, "n");
  float *d_inp = arg_f32(&c, 0, "dInp", (double)n, "n");
  const float *d_out = arg_f32(&c, 1, "dOut", (double)n, "n");
  const float *saved = arg_f32(&c, 2, saved_name, (double)n, "n");
  if (c.failed) return NULL;
  kernel(d_inp, d_out, saved, n);
  return NULL;
}

static napi_value js_tanh_forward(napi_env env, napi_callback_info info) {
  return unary_forward(env, info, "tanhForward", tanh_forward);
}

static napi_value js_tanh_backward(napi_env env, napi_callback_info info) {
  return unary_backward(env, info, "tanhBackward", "out", tanh_backward);
}

static napi_value js_relu_forward(napi_env env, napi_callback_info info) {
  return unary_forward(env, info, "reluForward", relu_forward);
}

static napi_value js_relu_backward(napi_env env, napi_callback_info info) {
  return unary_backward(env, info, "reluBackward", "inp", relu_backward);
}

/* ---- normalisation ----------------------------------------------------------------------------------------- */

/* softmaxForward(out, inp, N, C) */
static napi_value js_softmax_forward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "softmaxForward", 4)) return NULL;
  const int64_t N = arg_dim(&c, 2, "N"), C = arg_dim(&c, 3, "C");
  float *out = arg_f32(&c, 0, "out", (double)N * C, "N*C");
  const float *inp = arg_f32(&c, 1, "inp", (double)N * C, "N*C");
  if (c.failed) return NULL;
  softmax_forward(out, inp, N, C);
  return NULL;
}

/* softmaxBackward(dInp, dOut, out, N, C) */
static napi_value js_softmax_backward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "softmaxBackward", 5)) return NULL;
  const int64_t N = arg_dim(&c, 3, "N"), C = arg_dim(&c, 4, "C");
  float *d_inp = arg_f32(&c, 0, "dInp", (double)N * C, "N*C");
  const float *d_out = arg_f32(&c, 1, "dOut", (double)N * C, "N*C");
  const float *out = arg_f32(&c, 2, "out", (double)N * C, "N*C");
  if (c.failed) return NULL;
  softmax_backward(d_inp, d_out, out, N, C);
  return NULL;
}

/* layernormForward(out, mean, rstd, inp, weight, bias, N, C, eps) */
static napi_value js_layernorm_forward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "layernormForward", 9)) return NULL;
  const int64_t N = arg_dim(&c, 6, "N"), C = arg_dim(&c, 7, "C");
  const double eps = arg_number(&c, 8, "eps");
  float *out = arg_f32(&c, 0, "out", (double)N * C, "N*C");
  float *mean = arg_f32(&c, 1, "mean", (double)N, "N");
  float *rstd = arg_f32(&c, 2, "rstd", (double)N, "N");
  const float *inp = arg_f32(&c, 3, "inp", (double)N * C, "N*C");
  const float *weight = arg_f32(&c, 4, "weight", (double)C, "C");
  const float *bias = arg_f32(&c, 5, "bias", (double)C, "C");
  if (c.failed) return NULL;
  layernorm_forward(out, mean, rstd, inp, weight, bias, N, C, eps);
  return NULL;
}

/* layernormBackward(dInp, dWeight, dBias, dOut, inp, weight, mean, rstd, N, C) */
static napi_value js_layernorm_backward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "layernormBackward", 10)) return NULL;
  const int64_t N = arg_dim(&c, 8, "N"), C = arg_dim(&c, 9, "C");
  float *d_inp = arg_f32_or_null(&c, 0, "dInp", (double)N * C, "N*C");
  float *d_weight = arg_f32_or_null(&c, 1, "dWeight", (double)C, "C");
  float *d_bias = arg_f32_or_null(&c, 2, "dBias", (double)C, "C");
  const float *d_out = arg_f32(&c, 3, "dOut", (double)N * C, "N*C");
  const float *inp = arg_f32(&c, 4, "inp", (double)N * C, "N*C");
  const float *weight = arg_f32(&c, 5, "weight", (double)C, "C");
  const float *mean = arg_f32(&c, 6, "mean", (double)N, "N");
  const float *rstd = arg_f32(&c, 7, "rstd", (double)N, "N");
  if (c.failed) return NULL;
  layernorm_backward(d_inp, d_weight, d_bias, d_out, inp, weight, mean, rstd, N, C);
  return NULL;
}

/* ---- attention --------------------------------------------------------------------------------------------- */

typedef struct {
  int64_t B, Tq, Tk, NH, HS;
  float scale;
  double q_size, kv_size, probs_size; /* B*Tq*H, B*Tk*H, B*NH*Tq*Tk */
} AttentionDims;

/* (B, Tq, Tk, NH, HS, scale) starting at argument `first` */
static void arg_attention_dims(Call *c, size_t first, AttentionDims *d) {
  d->B = arg_dim(c, first, "B");
  d->Tq = arg_dim(c, first + 1, "Tq");
  d->Tk = arg_dim(c, first + 2, "Tk");
  d->NH = arg_dim(c, first + 3, "NH");
  d->HS = arg_dim(c, first + 4, "HS");
  d->scale = (float)arg_number(c, first + 5, "scale");
  if (!c->failed && (double)d->NH * d->HS > INT_MAX) {
    fail(c, true, "expected NH*HS <= %d, got %lld", INT_MAX, (long long)(d->NH * d->HS));
  }
  const double H = (double)d->NH * d->HS;
  d->q_size = (double)d->B * d->Tq * H;
  d->kv_size = (double)d->B * d->Tk * H;
  d->probs_size = (double)d->B * d->NH * d->Tq * d->Tk;
}

/* attentionForward(out, probs, q, k, v, mask, dropMask, B, Tq, Tk, NH, HS, scale) */
static napi_value js_attention_forward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "attentionForward", 13)) return NULL;
  AttentionDims d;
  arg_attention_dims(&c, 7, &d);
  float *out = arg_f32(&c, 0, "out", d.q_size, "B*Tq*NH*HS");
  float *probs = arg_f32(&c, 1, "probs", d.probs_size, "B*NH*Tq*Tk");
  const float *q = arg_f32(&c, 2, "q", d.q_size, "B*Tq*NH*HS");
  const float *k = arg_f32(&c, 3, "k", d.kv_size, "B*Tk*NH*HS");
  const float *v = arg_f32(&c, 4, "v", d.kv_size, "B*Tk*NH*HS");
  const float *mask = arg_f32_or_null(&c, 5, "mask", (double)d.B * d.Tk, "B*Tk");
  const float *drop_mask = arg_f32_or_null(&c, 6, "dropMask", d.probs_size, "B*NH*Tq*Tk");
  if (c.failed) return NULL;
  attention_forward(out, probs, q, k, v, mask, drop_mask, d.B, d.Tq, d.Tk, d.NH, d.HS, d.scale);
  return NULL;
}

/* attentionBackward(dQ, dK, dV, scratch, dOut, probs, q, k, v, dropMask, B, Tq, Tk, NH, HS, scale) */
static napi_value js_attention_backward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "attentionBackward", 16)) return NULL;
  AttentionDims d;
  arg_attention_dims(&c, 10, &d);
  float *d_q = arg_f32_or_null(&c, 0, "dQ", d.q_size, "B*Tq*NH*HS");
  float *d_k = arg_f32_or_null(&c, 1, "dK", d.kv_size, "B*Tk*NH*HS");
  float *d_v = arg_f32_or_null(&c, 2, "dV", d.kv_size, "B*Tk*NH*HS");
  float *scratch = arg_f32(&c, 3, "scratch", (double)d.Tq * d.Tk, "Tq*Tk");
  const float *d_out = arg_f32(&c, 4, "dOut", d.q_size, "B*Tq*NH*HS");
  const float *probs = arg_f32(&c, 5, "probs", d.probs_size, "B*NH*Tq*Tk");
  const float *q = arg_f32(&c, 6, "q", d.q_size, "B*Tq*NH*HS");
  const float *k = arg_f32(&c, 7, "k", d.kv_size, "B*Tk*NH*HS");
  const float *v = arg_f32(&c, 8, "v", d.kv_size, "B*Tk*NH*HS");
  const float *drop_mask = arg_f32_or_null(&c, 9, "dropMask", d.probs_size, "B*NH*Tq*Tk");
  if (c.failed) return NULL;
  attention_backward(d_q, d_k, d_v, scratch, d_out, probs, q, k, v, drop_mask, d.B, d.Tq, d.Tk, d.NH, d.HS, d.scale);
  return NULL;
}

/* ---- indexing and copies ----------------------------------------------------------------------------------- */

/* gatherRowsForward(out, table, index, N, C) */
static napi_value js_gather_rows_forward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "gatherRowsForward", 5)) return NULL;
  const int64_t N = arg_dim(&c, 3, "N"), C = arg_dim(&c, 4, "C");
  float *out = arg_f32(&c, 0, "out", (double)N * C, "N*C");
  size_t table_length = 0;
  const float *table = arg_f32_any(&c, 1, "table", &table_length);
  const int32_t *index = arg_i32(&c, 2, "index", (double)N, "N", NULL);
  if (C > 0) check_indices(&c, "index", index, N, (int64_t)table_length / C, "rows of table", INT64_MIN);
  if (c.failed) return NULL;
  gather_rows_forward(out, table, index, N, C);
  return NULL;
}

/* gatherRowsBackward(dTable, dOut, index, N, C) */
static napi_value js_gather_rows_backward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "gatherRowsBackward", 5)) return NULL;
  const int64_t N = arg_dim(&c, 3, "N"), C = arg_dim(&c, 4, "C");
  size_t table_length = 0;
  float *d_table = arg_f32_any(&c, 0, "dTable", &table_length);
  const float *d_out = arg_f32(&c, 1, "dOut", (double)N * C, "N*C");
  const int32_t *index = arg_i32(&c, 2, "index", (double)N, "N", NULL);
  if (C > 0) check_indices(&c, "index", index, N, (int64_t)table_length / C, "rows of dTable", INT64_MIN);
  if (c.failed) return NULL;
  gather_rows_backward(d_table, d_out, index, N, C);
  return NULL;
}

/* copyRows(dst, src, rows, width, dstStride, dstOffset, srcStride, srcOffset, accumulate) */
static napi_value js_copy_rows(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "copyRows", 9)) return NULL;
  const int64_t rows = arg_offset(&c, 2, "rows"), width = arg_offset(&c, 3, "width");
  const int64_t dst_stride = arg_offset(&c, 4, "dstStride"), dst_offset = arg_offset(&c, 5, "dstOffset");
  const int64_t src_stride = arg_offset(&c, 6, "srcStride"), src_offset = arg_offset(&c, 7, "srcOffset");
  const bool accumulate = arg_bool(&c, 8, "accumulate");
  const bool empty = rows == 0 || width == 0;
  const double dst_need = empty ? 0 : (double)dst_offset + (double)(rows - 1) * dst_stride + width;
  const double src_need = empty ? 0 : (double)src_offset + (double)(rows - 1) * src_stride + width;
  float *dst = arg_f32(&c, 0, "dst", dst_need, "dstOffset + (rows-1)*dstStride + width");
  const float *src = arg_f32(&c, 1, "src", src_need, "srcOffset + (rows-1)*srcStride + width");
  if (c.failed) return NULL;
  copy_rows(dst, src, rows, width, dst_stride, dst_offset, src_stride, src_offset, accumulate);
  return NULL;
}

/* ---- reductions -------------------------------------------------------------------------------------------- */

/* sumAxisForward(out, inp, outer, L, inner, scale) */
static napi_value js_sum_axis_forward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "sumAxisForward", 6)) return NULL;
  const int64_t outer = arg_offset(&c, 2, "outer"), L = arg_offset(&c, 3, "L"), inner = arg_offset(&c, 4, "inner");
  const double scale = arg_number(&c, 5, "scale");
  float *out = arg_f32(&c, 0, "out", (double)outer * inner, "outer*inner");
  const float *inp = arg_f32(&c, 1, "inp", (double)outer * L * inner, "outer*L*inner");
  if (c.failed) return NULL;
  sum_axis_forward(out, inp, outer, L, inner, scale);
  return NULL;
}

/* sumAxisBackward(dInp, dOut, outer, L, inner, scale) */
static napi_value js_sum_axis_backward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "sumAxisBackward", 6)) return NULL;
  const int64_t outer = arg_offset(&c, 2, "outer"), L = arg_offset(&c, 3, "L"), inner = arg_offset(&c, 4, "inner");
  const double scale = arg_number(&c, 5, "scale");
  float *d_inp = arg_f32(&c, 0, "dInp", (double)outer * L * inner, "outer*L*inner");
  const float *d_out = arg_f32(&c, 1, "dOut", (double)outer * inner, "outer*inner");
  if (c.failed) return NULL;
  sum_axis_backward(d_inp, d_out, outer, L, inner, scale);
  return NULL;
}

/* ---- losses ------------------------------------------------------------------------------------------------ */

/* crossEntropyForward(loss, probs, logits, targets, N, C, ignoreIndex, count) */
static napi_value js_cross_entropy_forward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "crossEntropyForward", 8)) return NULL;
  const int64_t N = arg_dim(&c, 4, "N"), C = arg_dim(&c, 5, "C");
  const int64_t ignore_index = arg_integer(&c, 6, "ignoreIndex", INT32_MIN, INT32_MAX);
  const double count = arg_number(&c, 7, "count");
  float *loss = arg_f32(&c, 0, "loss", 1, "1");
  float *probs = arg_f32(&c, 1, "probs", (double)N * C, "N*C");
  const float *logits = arg_f32(&c, 2, "logits", (double)N * C, "N*C");
  const int32_t *targets = arg_i32(&c, 3, "targets", (double)N, "N", NULL);
  check_indices(&c, "targets", targets, N, C, "classes C, or ignoreIndex", ignore_index);
  if (c.failed) return NULL;
  cross_entropy_forward(loss, probs, logits, targets, N, C, ignore_index, count);
  return NULL;
}

/* crossEntropyBackward(dLogits, probs, targets, dLoss, N, C, ignoreIndex, count) */
static napi_value js_cross_entropy_backward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "crossEntropyBackward", 8)) return NULL;
  const double d_loss = arg_number(&c, 3, "dLoss");
  const int64_t N = arg_dim(&c, 4, "N"), C = arg_dim(&c, 5, "C");
  const int64_t ignore_index = arg_integer(&c, 6, "ignoreIndex", INT32_MIN, INT32_MAX);
  const double count = arg_number(&c, 7, "count");
  float *d_logits = arg_f32(&c, 0, "dLogits", (double)N * C, "N*C");
  const float *probs = arg_f32(&c, 1, "probs", (double)N * C, "N*C");
  const int32_t *targets = arg_i32(&c, 2, "targets", (double)N, "N", NULL);
  check_indices(&c, "targets", targets, N, C, "classes C, or ignoreIndex", ignore_index);
  if (c.failed) return NULL;
  cross_entropy_backward(d_logits, probs, targets, d_loss, N, C, ignore_index, count);
  return NULL;
}

/* bceWithLogitsForward(loss, logits, targets, n) */
static napi_value js_bce_with_logits_forward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "bceWithLogitsForward", 4)) return NULL;
  const int64_t n = arg_offset(&c, 3, "n");
  float *loss = arg_f32(&c, 0, "loss", 1, "1");
  const float *logits = arg_f32(&c, 1, "logits", (double)n, "n");
  const float *targets = arg_f32(&c, 2, "targets", (double)n, "n");
  if (c.failed) return NULL;
  bce_with_logits_forward(loss, logits, targets, n);
  return NULL;
}

/* bceWithLogitsBackward(dLogits, logits, targets, dLoss, n) */
static napi_value js_bce_with_logits_backward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "bceWithLogitsBackward", 5)) return NULL;
  const double d_loss = arg_number(&c, 3, "dLoss");
  const int64_t n = arg_offset(&c, 4, "n");
  float *d_logits = arg_f32(&c, 0, "dLogits", (double)n, "n");
  const float *logits = arg_f32(&c, 1, "logits", (double)n, "n");
  const float *targets = arg_f32(&c, 2, "targets", (double)n, "n");
  if (c.failed) return NULL;
  bce_with_logits_backward(d_logits, logits, targets, d_loss, n);
  return NULL;
}

/* mseForward(loss, pred, target, n) */
static napi_value js_mse_forward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "mseForward", 4)) return NULL;
  const int64_t n = arg_offset(&c, 3, "n");
  float *loss = arg_f32(&c, 0, "loss", 1, "1");
  const float *pred = arg_f32(&c, 1, "pred", (double)n, "n");
  const float *target = arg_f32(&c, 2, "target", (double)n, "n");
  if (c.failed) return NULL;
  mse_forward(loss, pred, target, n);
  return NULL;
}

/* mseBackward(dPred, pred, target, dLoss, n) */
static napi_value js_mse_backward(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "mseBackward", 5)) return NULL;
  const double d_loss = arg_number(&c, 3, "dLoss");
  const int64_t n = arg_offset(&c, 4, "n");
  float *d_pred = arg_f32(&c, 0, "dPred", (double)n, "n");
  const float *pred = arg_f32(&c, 1, "pred", (double)n, "n");
  const float *target = arg_f32(&c, 2, "target", (double)n, "n");
  if (c.failed) return NULL;
  mse_backward(d_pred, pred, target, d_loss, n);
  return NULL;
}

/* ---- randomness -------------------------------------------------------------------------------------------- */

/* dropoutMask(mask, n, p, seed) */
static napi_value js_dropout_mask(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "dropoutMask", 4)) return NULL;
  const int64_t n = arg_offset(&c, 1, "n");
  const double p = arg_number(&c, 2, "p");
  const int64_t seed = arg_integer(&c, 3, "seed", 0, 4294967295.0);
  float *mask = arg_f32(&c, 0, "mask", (double)n, "n");
  if (c.failed) return NULL;
  if (!(p >= 0.0 && p < 1.0)) {
    fail(&c, true, "expected argument 'p' in [0, 1), got %g", p);
    return NULL;
  }
  dropout_mask(mask, n, p, (uint32_t)seed);
  return NULL;
}

/* ---- optimizer --------------------------------------------------------------------------------------------- */

/* adamStep(param, m, v, grad, n, lr, beta1, beta2, eps, weightDecay, step, biasCorrection) */
static napi_value js_adam_step(napi_env env, napi_callback_info info) {
  Call c;
  if (!call_init(&c, env, info, "adamStep", 12)) return NULL;
  const int64_t n = arg_offset(&c, 4, "n");
  const double lr = arg_number(&c, 5, "lr");
  const double beta1 = arg_number(&c, 6, "beta1");
  const double beta2 = arg_number(&c, 7, "beta2");
  const double eps = arg_number(&c, 8, "eps");
  const double weight_decay = arg_number(&c, 9, "weightDecay");
  const double step = arg_number(&c, 10, "step");
  const bool bias_correction = arg_bool(&c, 11, "biasCorrection");
  float *param = arg_f32(&c, 0, "param", (double)n, "n");
  float *m = arg_f32(&c, 1, "m", (double)n, "n");
  float *v = arg_f32(&c, 2, "v", (double)n, "n");
  const float *grad = arg_f32_or_null(&c, 3, "grad", (double)n, "n");
  if (c.failed) return NULL;
  adam_step(param, m, v, grad, n, lr, beta1, beta2, eps, weight_decay, step, bias_correction ? 1 : 0);
  return NULL;
}

/* ---- registration: the Backend method names, then the extras ----------------------------------------------- */

#define METHOD(js_name, fn) {js_name, NULL, fn, NULL, NULL, NULL, napi_enumerable, NULL}

NAPI_MODULE_INIT() {
  const napi_property_descriptor methods[] = {
      METHOD("matmul", js_matmul),
      METHOD("biasAddForward", js_bias_add_forward),
      METHOD("biasAddBackward", js_bias_add_backward),
      METHOD("packedLinearBytes", js_packed_linear_bytes),
      METHOD("packLinear", js_pack_linear),
      METHOD("linearPacked", js_linear_packed),
      METHOD("linearPackedTransposed", js_linear_packed_transposed),
      METHOD("linearKernel", js_linear_kernel),
      METHOD("allocate", js_allocate),
      METHOD("discard", js_discard),
      METHOD("addForward", js_add_forward),
      METHOD("addBackward", js_add_backward),
      METHOD("mulForward", js_mul_forward),
      METHOD("mulBackward", js_mul_backward),
      METHOD("scaleForward", js_scale_forward),
      METHOD("scaleBackward", js_scale_backward),
      METHOD("geluForward", js_gelu_forward),
      METHOD("geluBackward", js_gelu_backward),
      METHOD("tanhForward", js_tanh_forward),
      METHOD("tanhBackward", js_tanh_backward),
      METHOD("reluForward", js_relu_forward),
      METHOD("reluBackward", js_relu_backward),
      METHOD("softmaxForward", js_softmax_forward),
      METHOD("softmaxBackward", js_softmax_backward),
      METHOD("layernormForward", js_layernorm_forward),
      METHOD("layernormBackward", js_layernorm_backward),
      METHOD("attentionForward", js_attention_forward),
      METHOD("attentionBackward", js_attention_backward),
      METHOD("gatherRowsForward", js_gather_rows_forward),
      METHOD("gatherRowsBackward", js_gather_rows_backward),
      METHOD("copyRows", js_copy_rows),
      METHOD("sumAxisForward", js_sum_axis_forward),
      METHOD("sumAxisBackward", js_sum_axis_backward),
      METHOD("crossEntropyForward", js_cross_entropy_forward),
      METHOD("crossEntropyBackward", js_cross_entropy_backward),
      METHOD("bceWithLogitsForward", js_bce_with_logits_forward),
      METHOD("bceWithLogitsBackward", js_bce_with_logits_backward),
      METHOD("mseForward", js_mse_forward),
      METHOD("mseBackward", js_mse_backward),
      METHOD("dropoutMask", js_dropout_mask),
      METHOD("adamStep", js_adam_step),
      /* not Backend methods: the built-in GEMM, and which GEMM each matmul runs */
      METHOD("matmulBuiltin", js_matmul_builtin),
      METHOD("gemmName", js_gemm_name),
      METHOD("gemmBuiltinName", js_gemm_builtin_name),
  };
  if (napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods) != napi_ok) {
    napi_throw_error(env, NULL, "adapterkit native: could not register the kernel functions");
    return NULL;
  }
  return exports;
}
