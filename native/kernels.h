/* The C twins of the Backend kernels in src/kernels/interface.ts: same names in snake_case, same argument
 * order (outputs, saved buffers, inputs, weights, dims last), same maths as src/kernels/ref/.
 *
 * - Row-major, contiguous float32 buffers; dims are int64_t (binding.c has already checked that they are
 *   non-negative, fit the buffers, and that GEMM dims fit OpenBLAS's 32-bit int). GEMMs go through blas.h:
 *   OpenBLAS, or the built-in gemm.c when the addon is built without it.
 * - Forward kernels overwrite their outputs; backward kernels ADD into gradient buffers; a NULL gradient
 *   buffer means "not needed, skip the work".
 * - Kernels never allocate on the heap (but attention's per-thread scratch and the built-in GEMM's packing
 *   buffers, gemm.c), validate or log. Loops whose
 *   iterations are independent run on as many OpenMP threads as the GEMM uses (threads.h); results do not
 *   depend on the thread count.
 * - Sums that span a row or a column accumulate in double, as the reference does in JS numbers, so native
 *   and reference agree to ~1e-6 relative.
 */
#ifndef ADAPTERKIT_KERNELS_H
#define ADAPTERKIT_KERNELS_H

#include <stdbool.h>
#include <stdint.h>

/* ---- matmul.c -------------------------------------------------------------------------------------- */
/* per batch item: out (M,N) = op(a) (M,K) · op(b) (K,N) + beta * out;
 * a stored (M,K) or (K,M) when trans_a; b stored (K,N) or (N,K) when trans_b; b_shared: one b for all items */
void matmul(float *out, const float *a, const float *b,
            int64_t batch, int64_t M, int64_t N, int64_t K,
            bool trans_a, bool trans_b, float beta, bool b_shared);
/* the same on the built-in GEMM (gemm.c) whatever the build links: for tests and bench/gemm.ts */
void matmul_builtin(float *out, const float *a, const float *b,
                    int64_t batch, int64_t M, int64_t N, int64_t K,
                    bool trans_a, bool trans_b, float beta, bool b_shared);
/* out (N,C) += bias (C) */
void bias_add_forward(float *out, const float *bias, int64_t N, int64_t C);
/* dBias (C) += sum over rows of dOut (N,C) */
void bias_add_backward(float *d_bias, const float *d_out, int64_t N, int64_t C);

/* Frozen Linear weights w (N,K), packed once for inference (pack_linear, packed_linear_bytes bytes) and
 * multiplied by linear_packed: out (M,N) = x (M,K) · wᵀ (+ bias, or NULL: the same sums as bias_add_forward after). fp32: the built-in GEMM's panels (gemm.h), bit for
 * bit its products (channel_scale NULL); int8: qgemm.h, channel_scale its s_k or NULL (only where
 * qgemm_available); bf16: qgemm.h's bf16, channel_scale NULL (only where qgemm_bf16_available). false: out of
 * memory. */
typedef enum { PRECISION_FP32 = 0, PRECISION_INT8 = 1, PRECISION_BF16 = 2 } Precision;
int64_t packed_linear_bytes(int64_t N, int64_t K, Precision precision);
bool pack_linear(uint8_t *dst, const float *w, const float *channel_scale, int64_t N, int64_t K, Precision precision);
bool linear_packed(float *out, const float *x, const uint8_t *packed, const float *bias, int64_t M, int64_t N, int64_t K,
                   Precision precision);
/* out (M,K) += x (M,N) · w from w's pack: backward's dX over a frozen weight; bf16 only (qgemm.h). */
bool linear_packed_transposed(float *out, const float *x, const uint8_t *packed, int64_t M, int64_t N, int64_t K);

/* ---- elementwise.c ---------------------------------------------------------------------------------- */
/* shape (rank): the contiguous output's shape; a_strides/b_strides: element stride per output dim, 0 on
 * broadcast dims. rank <= ELEMENTWISE_MAX_RANK (binding.c checks). */
#define ELEMENTWISE_MAX_RANK 16
void add_forward(float *out, const float *a, const float *b,
                 const int32_t *shape, const int32_t *a_strides, const int32_t *b_strides, int64_t rank);
void add_backward(float *d_a, float *d_b, const float *d_out,
                  const int32_t *shape, const int32_t *a_strides, const int32_t *b_strides, int64_t rank);
void mul_forward(float *out, const float *a, const float *b,
                 const int32_t *shape, const int32_t *a_strides, const int32_t *b_strides, int64_t rank);
void mul_backward(float *d_a, float *d_b, const float *d_out, const float *a, const float *b,
                  const int32_t *shape, const int32_t *a_strides, const int32_t *b_strides, int64_t rank);
/* out[i] = s * inp[i];  dInp[i] += s * dOut[i]   (n elements) */
void scale_forward(float *out, const float *inp, double s, int64_t n);
void scale_backward(float *d_inp, const float *d_out, double s, int64_t n);

/* ---- activations.c ----------------------------------------------------------------------------------- */
typedef enum { GELU_TANH = 0, GELU_ERF = 1 } GeluApproximation;
void gelu_forward(float *out, const float *inp, int64_t n, GeluApproximation approximation);
void gelu_backward(float *d_inp, const float *d_out, const float *inp, int64_t n, GeluApproximation approximation);
void tanh_forward(float *out, const float *inp, int64_t n);
/* uses the saved output: d tanh = 1 - out^2 */
void tanh_backward(float *d_inp, const float *d_out, const float *out, int64_t n);
void relu_forward(float *out, const float *inp, int64_t n);
void relu_backward(float *d_inp, const float *d_out, const float *inp, int64_t n);

/* ---- softmax.c --------------------------------------------------------------------------------------- */
/* inp (N,C) -> out (N,C), softmax over the last dim */
void softmax_forward(float *out, const float *inp, int64_t N, int64_t C);
void softmax_backward(float *d_inp, const float *d_out, const float *out, int64_t N, int64_t C);
/* one row: out (C) = softmax(inp (C)), out may be inp; returns logsumexp(inp). Shared with attention.c and
 * cross_entropy_forward. */
double softmax_row(float *out, const float *inp, int64_t C);

/* ---- layernorm.c ------------------------------------------------------------------------------------- */
/* inp (N,C), weight (C), bias (C) -> out (N,C); saves mean (N), rstd (N) = 1/sqrt(biased var + eps) */
void layernorm_forward(float *out, float *mean, float *rstd,
                       const float *inp, const float *weight, const float *bias, int64_t N, int64_t C, double eps);
void layernorm_backward(float *d_inp, float *d_weight, float *d_bias,
                        const float *d_out, const float *inp, const float *weight, const float *mean, const float *rstd,
                        int64_t N, int64_t C);

/* ---- attention.c ------------------------------------------------------------------------------------- */
/* q (B,Tq,NH*HS), k/v (B,Tk,NH*HS), mask (B,Tk) or NULL, drop_mask (B,NH,Tq,Tk) or NULL
 *   -> probs (B,NH,Tq,Tk) (before dropout), out (B,Tq,NH*HS) */
void attention_forward(float *out, float *probs,
                       const float *q, const float *k, const float *v, const float *mask, const float *drop_mask,
                       int64_t B, int64_t Tq, int64_t Tk, int64_t NH, int64_t HS, float scale);
/* dQ, dK, dV accumulate (NULL = skip); scratch holds Tq*Tk floats */
void attention_backward(float *d_q, float *d_k, float *d_v, float *scratch,
                        const float *d_out, const float *probs, const float *q, const float *k, const float *v,
                        const float *drop_mask,
                        int64_t B, int64_t Tq, int64_t Tk, int64_t NH, int64_t HS, float scale);

/* ---- indexing.c -------------------------------------------------------------------------------------- */
/* table (V,C), index (N) -> out (N,C) */
void gather_rows_forward(float *out, const float *table, const int32_t *index, int64_t N, int64_t C);
/* dTable[index[i], :] += dOut[i, :] */
void gather_rows_backward(float *d_table, const float *d_out, const int32_t *index, int64_t N, int64_t C);
/* dst[dst_offset + r*dst_stride + j] (+)= src[src_offset + r*src_stride + j], r < rows, j < width */
void copy_rows(float *dst, const float *src, int64_t rows, int64_t width,
               int64_t dst_stride, int64_t dst_offset, int64_t src_stride, int64_t src_offset, bool accumulate);

/* ---- reductions.c ------------------------------------------------------------------------------------ */
/* inp (outer, L, inner) -> out (outer, inner) = scale * sum over L */
void sum_axis_forward(float *out, const float *inp, int64_t outer, int64_t L, int64_t inner, double scale);
/* dInp[o, l, i] += scale * dOut[o, i] */
void sum_axis_backward(float *d_inp, const float *d_out, int64_t outer, int64_t L, int64_t inner, double scale);

/* ---- losses.c ---------------------------------------------------------------------------------------- */
/* logits (N,C), targets (N) -> loss[0] = mean over rows with target != ignore_index; saves probs (N,C) */
void cross_entropy_forward(float *loss, float *probs, const float *logits, const int32_t *targets,
                           int64_t N, int64_t C, int64_t ignore_index, double count);
void cross_entropy_backward(float *d_logits, const float *probs, const int32_t *targets, double d_loss,
                            int64_t N, int64_t C, int64_t ignore_index, double count);
void bce_with_logits_forward(float *loss, const float *logits, const float *targets, int64_t n);
void bce_with_logits_backward(float *d_logits, const float *logits, const float *targets, double d_loss, int64_t n);
void mse_forward(float *loss, const float *pred, const float *target, int64_t n);
void mse_backward(float *d_pred, const float *pred, const float *target, double d_loss, int64_t n);

/* dropout.c */
void dropout_mask(float *mask, int64_t n, double p, uint32_t seed);

/* optimizer.c */
void adam_step(float *param, float *m, float *v, const float *grad, int64_t n,
               double lr, double beta1, double beta2, double eps, double weight_decay, double step, int bias_correction);

#endif
