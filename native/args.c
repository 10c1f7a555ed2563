/* Decoding and checking the JS arguments of a native call: see args.h. */
#include "args.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* JS numbers are exact integers up to 2^53; no buffer can be longer */
#define MAX_SAFE_INTEGER 9007199254740991.0

void fail(Call *c, bool range_error, const char *fmt, ...) {
  if (c->failed) return;
  char message[512];
  int used = snprintf(message, sizeof message, "native %s: ", c->fn);
  va_list args;
  va_start(args, fmt);
  vsnprintf(message + used, sizeof message - (size_t)used, fmt, args);
  va_end(args);
  if (range_error) {
    napi_throw_range_error(c->env, NULL, message);
  } else {
    napi_throw_type_error(c->env, NULL, message);
  }
  c->failed = true;
}

/* A short description of a JS value for messages: "Float64Array", "null", "number 1.5", "Array", ... */
static void describe(napi_env env, napi_value v, char *buf, size_t size) {
  static const char *const typed_names[] = {
      "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array",
      "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array"};
  napi_valuetype type;
  if (napi_typeof(env, v, &type) != napi_ok) {
    snprintf(buf, size, "an unreadable value");
    return;
  }
  switch (type) {
    case napi_undefined: snprintf(buf, size, "undefined"); return;
    case napi_null: snprintf(buf, size, "null"); return;
    case napi_boolean: snprintf(buf, size, "a boolean"); return;
    case napi_string: snprintf(buf, size, "a string"); return;
    case napi_symbol: snprintf(buf, size, "a symbol"); return;
    case napi_function: snprintf(buf, size, "a function"); return;
    case napi_bigint: snprintf(buf, size, "a bigint"); return;
    case napi_external: snprintf(buf, size, "an external"); return;
    case napi_number: {
      double d = 0;
      napi_get_value_double(env, v, &d);
      snprintf(buf, size, "number %.17g", d);
      return;
    }
    case napi_object: {
      bool is = false;
      if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
        napi_typedarray_type ta;
        size_t length;
        napi_get_typedarray_info(env, v, &ta, &length, NULL, NULL, NULL);
        const bool known = (size_t)ta < sizeof typed_names / sizeof typed_names[0];
        snprintf(buf, size, "%s(%zu)", known ? typed_names[ta] : "a typed array", length);
        return;
      }
      if (napi_is_array(env, v, &is) == napi_ok && is) {
        snprintf(buf, size, "an Array");
        return;
      }
      if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
        snprintf(buf, size, "an ArrayBuffer");
        return;
      }
      snprintf(buf, size, "an object");
      return;
    }
  }
  snprintf(buf, size, "an unknown value");
}

bool call_init(Call *c, napi_env env, napi_callback_info info, const char *fn, size_t expected) {
  c->env = env;
  c->fn = fn;
  c->failed = false;
  size_t argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &argc, c->argv, NULL, NULL) != napi_ok) {
    fail(c, false, "could not read the arguments");
    return false;
  }
  if (argc != expected) {
    fail(c, false, "expected %zu arguments, got %zu", expected, argc);
    return false;
  }
  return true;
}

static bool is_null(Call *c, size_t i) {
  napi_valuetype type;
  return napi_typeof(c->env, c->argv[i], &type) == napi_ok && type == napi_null;
}

/* A typed array of the given element type with at least `need` elements (`need_text` names the formula). */
static void *typed_arg(Call *c, size_t i, const char *name, napi_typedarray_type want, const char *want_name,
                       double need, const char *need_text, size_t *length_out) {
  if (c->failed) return NULL;
  bool is_typed = false;
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (napi_is_typedarray(c->env, c->argv[i], &is_typed) != napi_ok || !is_typed
      || napi_get_typedarray_info(c->env, c->argv[i], &type, &length, &data, NULL, NULL) != napi_ok
      || type != want) {
    char got[64];
    describe(c->env, c->argv[i], got, sizeof got);
    fail(c, false, "expected argument '%s' to be a %s, got %s", name, want_name, got);
    return NULL;
  }
  if ((double)length < need) {
    fail(c, true, "expected argument '%s' to hold at least %.0f elements (%s), got %zu", name, need, need_text, length);
    return NULL;
  }
  if (length_out) *length_out = length;
  /* a zero-length array may have no backing store; kernels never read it then, but keep the pointer valid */
  static float empty[1];
  return data ? data : (void *)empty;
}

float *arg_f32(Call *c, size_t i, const char *name, double need, const char *need_text) {
  return (float *)typed_arg(c, i, name, napi_float32_array, "Float32Array", need, need_text, NULL);
}

/* Float32Array or null (null: "not needed" for gradients, "none" for masks). */
float *arg_f32_or_null(Call *c, size_t i, const char *name, double need, const char *need_text) {
  if (c->failed || is_null(c, i)) return NULL;
  return (float *)typed_arg(c, i, name, napi_float32_array, "Float32Array or null", need, need_text, NULL);
}

float *arg_f32_any(Call *c, size_t i, const char *name, size_t *length) {
  return (float *)typed_arg(c, i, name, napi_float32_array, "Float32Array", 0, "any", length);
}

uint8_t *arg_u8(Call *c, size_t i, const char *name, double need, const char *need_text) {
  uint8_t *data = typed_arg(c, i, name, napi_uint8_array, "Uint8Array", need, need_text, NULL);
  if (data && (uintptr_t)data % 4 != 0) { /* the packed layouts hold floats and int32s */
    fail(c, true, "expected argument '%s' to start at a multiple of 4 bytes, got address %% 4 = %d", name, (int)((uintptr_t)data % 4));
    return NULL;
  }
  return data;
}

const int32_t *arg_i32(Call *c, size_t i, const char *name, double need, const char *need_text,
                              size_t *length_out) {
  return (const int32_t *)typed_arg(c, i, name, napi_int32_array, "Int32Array", need, need_text, length_out);
}

double arg_number(Call *c, size_t i, const char *name) {
  if (c->failed) return 0;
  double value = 0;
  if (napi_get_value_double(c->env, c->argv[i], &value) != napi_ok) {
    char got[64];
    describe(c->env, c->argv[i], got, sizeof got);
    fail(c, false, "expected argument '%s' to be a number, got %s", name, got);
    return 0;
  }
  return value;
}

/* An integer number in [lo, hi]. */
int64_t arg_integer(Call *c, size_t i, const char *name, double lo, double hi) {
  const double value = arg_number(c, i, name);
  if (c->failed) return 0;
  if (!(value >= lo && value <= hi && value == (double)(int64_t)value)) {
    fail(c, true, "expected argument '%s' to be an integer in [%.0f, %.0f], got %.17g", name, lo, hi, value);
    return 0;
  }
  return (int64_t)value;
}

/* A dim: an integer in [0, INT_MAX] (OpenBLAS takes 32-bit ints). */
int64_t arg_dim(Call *c, size_t i, const char *name) {
  return arg_integer(c, i, name, 0, (double)INT_MAX);
}

/* An element offset or stride: a non-negative safe integer. */
int64_t arg_offset(Call *c, size_t i, const char *name) {
  return arg_integer(c, i, name, 0, MAX_SAFE_INTEGER);
}

bool arg_bool(Call *c, size_t i, const char *name) {
  if (c->failed) return false;
  bool value = false;
  if (napi_get_value_bool(c->env, c->argv[i], &value) != napi_ok) {
    char got[64];
    describe(c->env, c->argv[i], got, sizeof got);
    fail(c, false, "expected argument '%s' to be a boolean, got %s", name, got);
    return false;
  }
  return value;
}

/* "a", "b" or "c": the choices for a message (only built when a check fails: these run on every call) */
static void list_choices(char *out, size_t size, const char *const *choices, int count) {
  out[0] = '\0';
  for (int k = 0; k < count; k++) {
    const size_t used = strlen(out);
    snprintf(out + used, size - used, "%s\"%s\"", k == 0 ? "" : k == count - 1 ? " or " : ", ", choices[k]);
  }
}

/* One of `count` strings: its index (0 also after a failure). */
static int arg_one_of(Call *c, size_t i, const char *name, const char *const *choices, int count) {
  if (c->failed) return 0;
  char expected[96], text[16];
  size_t length = 0;
  if (napi_get_value_string_utf8(c->env, c->argv[i], text, sizeof text, &length) != napi_ok) {
    list_choices(expected, sizeof expected, choices, count);
    char got[64];
    describe(c->env, c->argv[i], got, sizeof got);
    fail(c, false, "expected argument '%s' to be %s, got %s", name, expected, got);
    return 0;
  }
  for (int k = 0; k < count; k++) {
    if (strcmp(text, choices[k]) == 0) return k;
  }
  list_choices(expected, sizeof expected, choices, count);
  fail(c, true, "expected argument '%s' to be %s, got \"%s\"", name, expected, text);
  return 0;
}

GeluApproximation arg_gelu(Call *c, size_t i, const char *name) {
  static const char *const choices[] = {"tanh", "erf"};
  return arg_one_of(c, i, name, choices, 2) ? GELU_ERF : GELU_TANH;
}

Precision arg_precision(Call *c, size_t i, const char *name) {
  static const char *const choices[] = {"fp32", "int8", "bf16"}; /* in Precision's order */
  return (Precision)arg_one_of(c, i, name, choices, 3);
}

/* Every index[i] (i < n) must lie in [0, rows), except `skip` (the ignore index; pass a value outside int32
 * to skip nothing). */
void check_indices(Call *c, const char *name, const int32_t *index, int64_t n, int64_t rows,
                          const char *rows_text, int64_t skip) {
  if (c->failed) return;
  for (int64_t i = 0; i < n; i++) {
    const int64_t value = index[i];
    if (value == skip) continue;
    if (value < 0 || value >= rows) {
      fail(c, true, "expected %s[%lld] in [0, %lld) (%s), got %lld", name, (long long)i, (long long)rows,
           rows_text, (long long)value);
      return;
    }
  }
}

/* ---- broadcasting arguments (shape, aStrides, bStrides) -------------------------------------------------- */


void arg_broadcast(Call *c, size_t i_shape, BroadcastArgs *br) {
  memset(br, 0, sizeof *br);
  size_t rank = 0, a_len = 0, b_len = 0;
  br->shape = arg_i32(c, i_shape, "shape", 0, "rank", &rank);
  br->a_strides = arg_i32(c, i_shape + 1, "aStrides", (double)rank, "rank", &a_len);
  br->b_strides = arg_i32(c, i_shape + 2, "bStrides", (double)rank, "rank", &b_len);
  if (c->failed) return;
  if (rank > ELEMENTWISE_MAX_RANK) {
    fail(c, true, "expected 'shape' of rank at most %d, got rank %zu", ELEMENTWISE_MAX_RANK, rank);
    return;
  }
  br->rank = (int64_t)rank;
  double total = 1, a_last = 0, b_last = 0;
  for (size_t d = 0; d < rank; d++) {
    if (br->shape[d] < 0 || br->a_strides[d] < 0 || br->b_strides[d] < 0) {
      fail(c, true, "expected non-negative shape and strides, got shape[%zu]=%d, aStrides[%zu]=%d, bStrides[%zu]=%d",
           d, br->shape[d], d, br->a_strides[d], d, br->b_strides[d]);
      return;
    }
    total *= br->shape[d];
    if (br->shape[d] > 0) {
      a_last += (double)(br->shape[d] - 1) * br->a_strides[d];
      b_last += (double)(br->shape[d] - 1) * br->b_strides[d];
    }
  }
  br->total = total;
  br->a_need = total > 0 ? a_last + 1 : 0;
  br->b_need = total > 0 ? b_last + 1 : 0;
}

