/* `npm run bench:onednn`: oneDNN's bf16 matmul (Debian's libdnnl, the library behind PyTorch's bf16 CPU path)
 * against AdapterKit's own bf16 GEMM (native/qgemm.c, compiled in) on BERT-base's Linear shapes, in one process,
 * one after the other, alternating over rounds; medians. Both take fp32 activations and bf16 weights packed once
 * (oneDNN: reordered into the layout its matmul asks for; ours: qgemm_bf16_pack), round the activations to bf16
 * at each call (oneDNN: a reorder primitive, timed with its matmul) and sum in fp32.
 *
 * Rows: forward y = x·wᵀ for w (N,K) and backward's dX = dOut·w (ours from w's own pack, oneDNN from a second
 * weight layout it asks for). M = B·T tokens. Not a test: it prints GFLOPS and the ratio, and checks that the
 * two products agree (max relative difference; they differ only in summation order).
 */
#include <dnnl.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../native/qgemm.h"

#define CHECK(call)                                                                   \
  do {                                                                                \
    dnnl_status_t s_ = (call);                                                        \
    if (s_ != dnnl_success) {                                                         \
      fprintf(stderr, "bench:onednn: %s failed: status %d (line %d)\n", #call, s_, __LINE__); \
      exit(1);                                                                        \
    }                                                                                 \
  } while (0)

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, n, sizeof *v, cmp);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void fill(float *v, int64_t n, unsigned seed) {
  for (int64_t i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    v[i] = (float)seed / 4294967296.0f * 2.0f - 1.0f;
  }
}

/* oneDNN: out (M,cols) = x (M,inner) · b, b given as a row-major f32 matrix and transposed or not, reordered
 * once into the bf16 layout the matmul picks; x converted to bf16 by a reorder at each call. */
typedef struct {
  dnnl_primitive_t to_bf16, matmul, w_reorder;
  dnnl_memory_t x_f32, x_bf16, w, w_plain, out;
} OneDnn;

/* to = from, converted between the two layouts by a one-off reorder primitive */
static void reorder_once(dnnl_engine_t engine, dnnl_stream_t stream, const dnnl_memory_desc_t *from_md, dnnl_memory_t from,
                         const dnnl_memory_desc_t *to_md, dnnl_memory_t to) {
  dnnl_primitive_desc_t pd;
  CHECK(dnnl_reorder_primitive_desc_create(&pd, from_md, engine, to_md, engine, NULL));
  dnnl_primitive_t reorder;
  CHECK(dnnl_primitive_create(&reorder, pd));
  dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
  CHECK(dnnl_primitive_execute(reorder, stream, 2, args));
  CHECK(dnnl_stream_wait(stream));
  dnnl_primitive_destroy(reorder);
  dnnl_primitive_desc_destroy(pd);
}

static OneDnn onednn_setup(dnnl_engine_t engine, dnnl_stream_t stream, float *x, float *out, const float *b, int64_t M,
                           int64_t inner, int64_t cols, int b_transposed) {
  OneDnn o;
  dnnl_dims_t x_dims = {M, inner}, w_dims = {inner, cols}, o_dims = {M, cols};
  dnnl_memory_desc_t x_f32_md, x_bf16_md, w_user_md, w_any_md, o_md;
  CHECK(dnnl_memory_desc_init_by_tag(&x_f32_md, 2, x_dims, dnnl_f32, dnnl_ab));
  CHECK(dnnl_memory_desc_init_by_tag(&x_bf16_md, 2, x_dims, dnnl_bf16, dnnl_ab));
  CHECK(dnnl_memory_desc_init_by_tag(&w_user_md, 2, w_dims, dnnl_f32, b_transposed ? dnnl_ba : dnnl_ab));
  CHECK(dnnl_memory_desc_init_by_tag(&w_any_md, 2, w_dims, dnnl_bf16, dnnl_format_tag_any));
  CHECK(dnnl_memory_desc_init_by_tag(&o_md, 2, o_dims, dnnl_f32, dnnl_ab));
  dnnl_matmul_desc_t md;
  CHECK(dnnl_matmul_desc_init(&md, &x_bf16_md, &w_any_md, NULL, &o_md));
  dnnl_primitive_desc_t pd;
  CHECK(dnnl_primitive_desc_create(&pd, &md, NULL, engine, NULL));
  const dnnl_memory_desc_t *w_md = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
  CHECK(dnnl_primitive_create(&o.matmul, pd));
  const char *impl = NULL;
  CHECK(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl));
  printf("  oneDNN matmul [%lld x %lld]·[%lld x %lld]: %s\n", (long long)M, (long long)inner, (long long)inner, (long long)cols, impl);

  /* the weights, once: f32 user layout -> the matmul's bf16 layout; and, for the one-copy variant, kept once
   * in plain bf16 (N,K), reordered into the matmul's layout at each call, as holding a single bf16 copy for
   * both forward and dX would need */
  dnnl_memory_t w_user;
  CHECK(dnnl_memory_create(&w_user, &w_user_md, engine, (void *)b));
  CHECK(dnnl_memory_create(&o.w, w_md, engine, DNNL_MEMORY_ALLOCATE));
  reorder_once(engine, stream, &w_user_md, w_user, w_md, o.w);
  dnnl_memory_desc_t w_plain_md;
  CHECK(dnnl_memory_desc_init_by_tag(&w_plain_md, 2, w_dims, dnnl_bf16, b_transposed ? dnnl_ba : dnnl_ab));
  CHECK(dnnl_memory_create(&o.w_plain, &w_plain_md, engine, DNNL_MEMORY_ALLOCATE));
  reorder_once(engine, stream, &w_user_md, w_user, &w_plain_md, o.w_plain);
  dnnl_memory_destroy(w_user);
  dnnl_primitive_desc_t rpd;
  CHECK(dnnl_reorder_primitive_desc_create(&rpd, &w_plain_md, engine, w_md, engine, NULL));
  CHECK(dnnl_primitive_create(&o.w_reorder, rpd));
  dnnl_primitive_desc_destroy(rpd);

  /* per call: x f32 -> bf16 */
  CHECK(dnnl_memory_create(&o.x_f32, &x_f32_md, engine, x));
  CHECK(dnnl_memory_create(&o.x_bf16, &x_bf16_md, engine, DNNL_MEMORY_ALLOCATE));
  CHECK(dnnl_memory_create(&o.out, &o_md, engine, out));
  dnnl_primitive_desc_t xpd;
  CHECK(dnnl_reorder_primitive_desc_create(&xpd, &x_f32_md, engine, &x_bf16_md, engine, NULL));
  CHECK(dnnl_primitive_create(&o.to_bf16, xpd));
  dnnl_primitive_desc_destroy(xpd);
  dnnl_primitive_desc_destroy(pd);
  return o;
}

static void onednn_run(const OneDnn *o, dnnl_stream_t stream, int reorder_weights) {
  if (reorder_weights) {
    dnnl_exec_arg_t wargs[2] = {{DNNL_ARG_FROM, o->w_plain}, {DNNL_ARG_TO, o->w}};
    CHECK(dnnl_primitive_execute(o->w_reorder, stream, 2, wargs));
  }
  dnnl_exec_arg_t cargs[2] = {{DNNL_ARG_FROM, o->x_f32}, {DNNL_ARG_TO, o->x_bf16}};
  CHECK(dnnl_primitive_execute(o->to_bf16, stream, 2, cargs));
  dnnl_exec_arg_t margs[3] = {{DNNL_ARG_SRC, o->x_bf16}, {DNNL_ARG_WEIGHTS, o->w}, {DNNL_ARG_DST, o->out}};
  CHECK(dnnl_primitive_execute(o->matmul, stream, 3, margs));
  CHECK(dnnl_stream_wait(stream));
}

static void onednn_free(OneDnn *o) {
  dnnl_primitive_destroy(o->to_bf16);
  dnnl_primitive_destroy(o->matmul);
  dnnl_primitive_destroy(o->w_reorder);
  dnnl_memory_destroy(o->w_plain);
  dnnl_memory_destroy(o->x_f32);
  dnnl_memory_destroy(o->x_bf16);
  dnnl_memory_destroy(o->w);
  dnnl_memory_destroy(o->out);
}

int main(int argc, char **argv) {
  const int64_t M = argc > 1 ? atoll(argv[1]) : 1024; /* tokens: 8x128, 32x64 and 2x512 all have 1,024 */
  const int rounds = argc > 2 ? atoi(argv[2]) : 7;
  if (!qgemm_bf16_available()) {
    printf("bench:onednn: this CPU has no AVX-512 BF16 (AdapterKit's bf16 kernel is off); nothing to compare\n");
    return 0;
  }
  dnnl_engine_t engine;
  dnnl_stream_t stream;
  CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
  CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
  const dnnl_version_t *v = dnnl_version();
  printf("oneDNN %d.%d.%d (cpu runtime %s), %d OpenMP threads; M = %lld tokens, %d rounds, medians\n", v->major, v->minor,
         v->patch, v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "other", omp_get_max_threads(), (long long)M, rounds);

  /* BERT-base's Linear weights (N,K): QKV and attention output 768x768, FFN in 3072x768, FFN out 768x3072 */
  const int64_t shapes[3][2] = {{768, 768}, {3072, 768}, {768, 3072}};
  printf("\n%-28s %10s %14s %10s %19s %10s %13s\n", "product", "AK GFLOPS", "oneDNN GFLOPS", "AK/oneDNN", "oneDNN 1-copy GFLOPS", "AK/1-copy", "max rel diff");
  for (int s = 0; s < 3; s++) {
    for (int backward = 0; backward < 2; backward++) {
      const int64_t N = shapes[s][0], K = shapes[s][1];
      const int64_t in = backward ? N : K, cols = backward ? K : N; /* forward: x (M,K)·wᵀ; dX: dOut (M,N)·w */
      float *w = malloc(sizeof(float) * N * K), *x = malloc(sizeof(float) * M * in);
      float *ours = malloc(sizeof(float) * M * cols), *theirs = malloc(sizeof(float) * M * cols);
      fill(w, N * K, 1 + s), fill(x, M * in, 7 + s);
      uint8_t *packed = aligned_alloc(64, (qgemm_bf16_packed_bytes(N, K) + 63) / 64 * 64);
      qgemm_bf16_pack(packed, w, N, K);
      /* oneDNN's b: forward wᵀ (K,N) is w (N,K) read transposed; backward w (N,K) itself */
      OneDnn o = onednn_setup(engine, stream, x, theirs, w, M, in, cols, !backward);
      double t_ours[64], t_theirs[64], t_one_copy[64];
      for (int r = -2; r < rounds; r++) { /* two warm-up rounds */
        memset(ours, 0, sizeof(float) * M * cols); /* dX adds into its output */
        double t0 = now();
        if (backward) qgemm_bf16_linear_transposed(ours, x, packed, M, N, K);
        else qgemm_bf16_linear(ours, x, packed, NULL, M, N, K);
        double t1 = now();
        onednn_run(&o, stream, 1);
        double t2 = now();
        onednn_run(&o, stream, 0);
        double t3 = now();
        if (r >= 0) t_ours[r] = t1 - t0, t_one_copy[r] = t2 - t1, t_theirs[r] = t3 - t2;
      }
      double worst = 0;
      for (int64_t i = 0; i < M * cols; i++) {
        const double d = fabs((double)ours[i] - theirs[i]) / (fabs((double)theirs[i]) + 1e-3);
        if (d > worst) worst = d;
      }
      const double flops = 2.0 * M * N * K, a = flops / median(t_ours, rounds) / 1e9, b = flops / median(t_theirs, rounds) / 1e9;
      const double c = flops / median(t_one_copy, rounds) / 1e9;
      char name[64];
      snprintf(name, sizeof name, "%s [%lldx%lld]·[%lldx%lld]", backward ? "dX " : "fwd", (long long)M, (long long)in,
               (long long)in, (long long)cols);
      printf("%-28s %10.0f %14.0f %9.2fx %19.0f %9.2fx %13.1e\n", name, a, b, a / b, c, a / c, worst);
      onednn_free(&o);
      free(w), free(x), free(ours), free(theirs), free(packed);
    }
  }
  printf("\nGFLOPS = 2·M·N·K / median seconds; each side's per-call rounding of its activations to bf16 included.\n");
  printf("oneDNN keeps each weight in the layout its matmul picked for that product: forward and dX need two\n");
  printf("copies; 1-copy reorders a single plain bf16 copy into that layout at each call (the memory AdapterKit holds).\n");
  dnnl_stream_destroy(stream);
  dnnl_engine_destroy(engine);
  return 0;
}
