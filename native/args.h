/* Decoding and checking the JS arguments of a native call (used by binding.c).
 *
 * The glue is the memory-safety boundary, so unlike the kernels it checks every argument: a wrong type
 * throws a TypeError, and a buffer too short for the dims, a negative or fractional dim, or an index out of
 * range throws a RangeError, each naming the Backend method and the argument. Float buffers must be
 * Float32Array (the reference backend also takes Float64Array, for gradcheck; native does not).
 *
 * Usage: call_init, then read arguments top to bottom with the arg_* helpers, then test `c.failed` once:
 * after the first failed check an exception is pending and every later helper returns at once (0 or NULL).
 */
#ifndef ADAPTERKIT_ARGS_H
#define ADAPTERKIT_ARGS_H

#define NAPI_VERSION 8
#include <node_api.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels.h"

#define MAX_ARGS 16

/* One native call being decoded. */
typedef struct {
  napi_env env;
  const char *fn; /* the Backend method name, for messages */
  napi_value argv[MAX_ARGS];
  bool failed;    /* an exception is pending */
} Call;

/* Reads the arguments; false (TypeError pending) unless there are exactly `expected`. */
bool call_init(Call *c, napi_env env, napi_callback_info info, const char *fn, size_t expected);
/* Throws "native <fn>: <message>" as a RangeError or TypeError, unless one is already pending. */
void fail(Call *c, bool range_error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Float32Array with at least `need` elements (`need_text` names the formula for the message, e.g. "N*C"). */
float *arg_f32(Call *c, size_t i, const char *name, double need, const char *need_text);
/* Float32Array or null (null: a gradient not needed, or no mask); NULL for null. */
float *arg_f32_or_null(Call *c, size_t i, const char *name, double need, const char *need_text);
/* Float32Array of any length, returned in *length (a table whose row count follows from its length). */
float *arg_f32_any(Call *c, size_t i, const char *name, size_t *length);
/* Uint8Array with at least `need` elements, starting at a multiple of 4 bytes (packed weights). */
uint8_t *arg_u8(Call *c, size_t i, const char *name, double need, const char *need_text);
/* Int32Array with at least `need` elements; its length in *length_out when not NULL. */
const int32_t *arg_i32(Call *c, size_t i, const char *name, double need, const char *need_text, size_t *length_out);
double arg_number(Call *c, size_t i, const char *name);
/* An integer number in [lo, hi]. */
int64_t arg_integer(Call *c, size_t i, const char *name, double lo, double hi);
/* A dim: an integer in [0, INT_MAX] (OpenBLAS takes 32-bit ints). */
int64_t arg_dim(Call *c, size_t i, const char *name);
/* An element count, offset or stride: a non-negative safe integer. */
int64_t arg_offset(Call *c, size_t i, const char *name);
bool arg_bool(Call *c, size_t i, const char *name);
/* "fp32", "int8" or "bf16". */
Precision arg_precision(Call *c, size_t i, const char *name);
/* "tanh" or "erf". */
GeluApproximation arg_gelu(Call *c, size_t i, const char *name);

/* Every index[i] (i < n) must lie in [0, rows), except the value `skip` (pass INT64_MIN to skip nothing). */
void check_indices(Call *c, const char *name, const int32_t *index, int64_t n, int64_t rows, const char *rows_text,
                   int64_t skip);

/* The broadcasting triple (shape, aStrides, bStrides) of add/mul, read from arguments i, i+1, i+2. */
typedef struct {
  const int32_t *shape, *a_strides, *b_strides;
  int64_t rank;
  double total;          /* output elements */
  double a_need, b_need; /* elements a and b must hold: 1 + the largest offset, 0 when the output is empty */
} BroadcastArgs;
void arg_broadcast(Call *c, size_t i_shape, BroadcastArgs *br);

#endif
