/* Fused scaled dot-product attention. Twin of ref/attention.ts.
 *
 * Heads are read in place from the projection layout (B,T,NH*HS): head h of batch item b is the (T,HS)
 * matrix starting at offset b*T*H + h*HS with leading dimension H = NH*HS, so each (b,h) is a few
 * GEMM calls (blas.h: OpenBLAS or the built-in one) on strided views and no transpose is ever materialised.
 *
 * Threads: one (b,h) is a handful of GEMMs too small for the GEMM to split well (OpenBLAS's threads spend
 * more time waking and waiting than computing, far worse when another process holds a core). So the (b,h)
 * pairs are shared among OpenMP threads, as many as the GEMM would use, each calling a single-threaded
 * GEMM; every (b,h) writes only its own slice of the outputs, and each slice is computed by the same
 * calls as before, so results do not depend on the thread count.
 */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "kernels.h"
#include "threads.h"

/* Forward with dropout needs probs∘dropMask as a GEMM operand while probs itself must stay un-dropped for
 * backward; the product is built block by block in this many floats on the stack (32 KiB). */
#define DROP_BLOCK_FLOATS 8192

/* out_bh (Tq,HS; ld H) = (p_bh ∘ drop_bh) (Tq,Tk) · v_bh (Tk,HS; ld H), in row blocks and key chunks that fit
 * the stack buffer; key chunks after the first accumulate (beta 1). */
static void dropped_probs_times_v(float *out_bh, const float *p_bh, const float *drop_bh, const float *v_bh,
                                  int64_t Tq, int64_t Tk, int64_t HS, int64_t H) {
  float block[DROP_BLOCK_FLOATS];
  const int64_t width = Tk < DROP_BLOCK_FLOATS ? Tk : DROP_BLOCK_FLOATS;
  const int64_t rows = DROP_BLOCK_FLOATS / width;
  for (int64_t i0 = 0; i0 < Tq; i0 += rows) {
    const int64_t r_count = Tq - i0 < rows ? Tq - i0 : rows;
    for (int64_t j0 = 0; j0 < Tk; j0 += width) {
      const int64_t w = Tk - j0 < width ? Tk - j0 : width;
      for (int64_t r = 0; r < r_count; r++) {
        const int64_t at = (i0 + r) * Tk + j0;
        for (int64_t j = 0; j < w; j++) block[r * w + j] = p_bh[at + j] * drop_bh[at + j];
      }
      ak_sgemm(false, false, r_count, HS, w,
               1.0f, block, w, v_bh + j0 * H, H, j0 == 0 ? 0.0f : 1.0f, out_bh + i0 * H, H);
    }
  }
}

/* q (B,Tq,H), k/v (B,Tk,H), mask (B,Tk) additive or NULL, drop_mask (B,NH,Tq,Tk) or NULL
 *   -> probs (B,NH,Tq,Tk) = softmax(scale·q·kᵀ + mask), out (B,Tq,H) = (probs ∘ drop_mask)·v     (H = NH*HS) */
void attention_forward(float *out, float *probs,
                       const float *q, const float *k, const float *v, const float *mask, const float *drop_mask,
                       int64_t B, int64_t Tq, int64_t Tk, int64_t NH, int64_t HS, float scale) {
  const int64_t H = NH * HS;
  if (Tq == 0) return;
  if (Tk == 0) { /* no keys: every output is an empty sum */
    for (int64_t i = 0; i < B * Tq * H; i++) out[i] = 0.0f;
    return;
  }
  const int blas_threads = ak_blas_threads();
  ak_set_blas_threads(1);
#pragma omp parallel for schedule(static) num_threads(blas_threads)
  for (int64_t bh = 0; bh < B * NH; bh++) {
    const int64_t b = bh / NH, h = bh % NH;
    const float *q_bh = q + b * Tq * H + h * HS;
    const float *k_bh = k + b * Tk * H + h * HS;
    const float *v_bh = v + b * Tk * H + h * HS;
    float *out_bh = out + b * Tq * H + h * HS;
    float *p_bh = probs + (b * NH + h) * Tq * Tk;
    /* scores (Tq,Tk) = scale * q_bh · k_bhᵀ */
    if (HS > 0) {
      ak_sgemm(false, true, Tq, Tk, HS,
               scale, q_bh, H, k_bh, H, 0.0f, p_bh, Tk);
    } else {
      memset(p_bh, 0, (size_t)(Tq * Tk) * sizeof(float));
    }
    for (int64_t i = 0; i < Tq; i++) {
      float *row = p_bh + i * Tk;
      if (mask) {
        const float *mask_b = mask + b * Tk;
        for (int64_t j = 0; j < Tk; j++) row[j] += mask_b[j];
      }
      softmax_row(row, row, Tk);
    }
    if (HS == 0) continue;
    if (drop_mask) {
      dropped_probs_times_v(out_bh, p_bh, drop_mask + (b * NH + h) * Tq * Tk, v_bh, Tq, Tk, HS, H);
    } else {
      ak_sgemm(false, false, Tq, HS, Tk,
               1.0f, p_bh, Tk, v_bh, H, 0.0f, out_bh, H);
    }
  }
  ak_set_blas_threads(blas_threads);
}

/* Per (b,h), with P = probs_bh, D = drop_bh (or all ones), dO = dOut_bh, all GEMMs accumulating (beta 1):
 *   dV += (P∘D)ᵀ·dO;  dP = (dO·vᵀ)∘D;  dS = P∘(dP - rowsum(dP∘P));  dQ += scale·dS·k;  dK += scale·dSᵀ·q
 * A (Tq,Tk) work buffer holds P∘D, then dP, then dS: the caller's scratch for the first thread, one
 * allocated here for each other thread (if that allocation fails, the loop runs on one thread). */
void attention_backward(float *d_q, float *d_k, float *d_v, float *scratch,
                        const float *d_out, const float *probs, const float *q, const float *k, const float *v,
                        const float *drop_mask,
                        int64_t B, int64_t Tq, int64_t Tk, int64_t NH, int64_t HS, float scale) {
  const int64_t H = NH * HS;
  if (Tq == 0 || Tk == 0 || HS == 0) return; /* every gradient is empty or an empty sum */
  const int blas_threads = ak_blas_threads();
  int threads = blas_threads < B * NH ? blas_threads : (int)(B * NH);
  float *extra = threads > 1 ? malloc((size_t)(threads - 1) * (size_t)(Tq * Tk) * sizeof(float)) : NULL;
  if (!extra) threads = 1;
  ak_set_blas_threads(1);
#pragma omp parallel num_threads(threads)
  {
    const int thread = omp_get_thread_num();
    float *work = thread == 0 ? scratch : extra + (int64_t)(thread - 1) * Tq * Tk;
#pragma omp for schedule(static)
    for (int64_t bh = 0; bh < B * NH; bh++) {
      const int64_t b = bh / NH, h = bh % NH;
      const int64_t head = b * Tq * H + h * HS;  /* offset of this head in q, out and their gradients */
      const int64_t key_head = b * Tk * H + h * HS; /* ... in k, v and their gradients */
      const float *p_bh = probs + bh * Tq * Tk;
      const float *drop_bh = drop_mask ? drop_mask + bh * Tq * Tk : NULL;
      const float *d_out_bh = d_out + head;
      if (d_v) {
        const float *pd = p_bh;
        if (drop_bh) {
          for (int64_t i = 0; i < Tq * Tk; i++) work[i] = p_bh[i] * drop_bh[i];
          pd = work;
        }
        /* dV_bh (Tk,HS) += (P∘D)ᵀ (Tk,Tq) · dO (Tq,HS) */
        ak_sgemm(true, false, Tk, HS, Tq,
                 1.0f, pd, Tk, d_out_bh, H, 1.0f, d_v + key_head, H);
      }
      if (!d_q && !d_k) continue;
      /* dP (Tq,Tk) = dO (Tq,HS) · v_bhᵀ (HS,Tk), then ∘D */
      ak_sgemm(false, true, Tq, Tk, HS,
               1.0f, d_out_bh, H, v + key_head, H, 0.0f, work, Tk);
      if (drop_bh) {
        for (int64_t i = 0; i < Tq * Tk; i++) work[i] *= drop_bh[i];
      }
      /* softmax backward per row: dS = P∘(dP - rowsum(dP∘P)) */
      for (int64_t i = 0; i < Tq; i++) {
        float *ds = work + i * Tk;
        const float *p = p_bh + i * Tk;
        double dot = 0.0;
        for (int64_t j = 0; j < Tk; j++) dot += (double)ds[j] * p[j];
        for (int64_t j = 0; j < Tk; j++) ds[j] = (float)(p[j] * ((double)ds[j] - dot));
      }
      if (d_q) { /* dQ_bh (Tq,HS) += scale · dS (Tq,Tk) · k_bh (Tk,HS) */
        ak_sgemm(false, false, Tq, HS, Tk,
                 scale, work, Tk, k + key_head, H, 1.0f, d_q + head, H);
      }
      if (d_k) { /* dK_bh (Tk,HS) += scale · dSᵀ (Tk,Tq) · q_bh (Tq,HS) */
        ak_sgemm(true, false, Tk, HS, Tq,
                 scale, work, Tk, q + head, H, 1.0f, d_k + key_head, H);
      }
    }
  }
  ak_set_blas_threads(blas_threads);
  free(extra);
}
