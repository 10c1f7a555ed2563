/* Vectorised expf/tanhf/erfcf for the elementwise loops.
 *
 * glibc's scalar tanhf and erff cost ~15 ns per element here, so one GELU over BERT-base's FFN activations
 * (8*128*3072 floats) took ~47 ms, as long as the GEMM before it. glibc's libmvec has SIMD versions
 * (_ZGVeN16v_tanhf etc., max error 1-4 ulp) that GCC calls when the scalar function is declared with the
 * `simd` attribute; math.h only does that under -ffast-math, which we do not use (IEEE semantics stay on),
 * so we add the declarations ourselves. Measured: tanhf 0.42 ns, erff 0.62 ns, expf 0.33 ns per element.
 *
 * Only on x86-64 glibc >= 2.35 with GCC (the first glibc with tanhf/erfcf in libmvec); elsewhere these are
 * plain libm calls, same results to a few ulp, just slower. binding.gyp links -lmvec on Linux x64.
 */
#ifndef ADAPTERKIT_VECMATH_H
#define ADAPTERKIT_VECMATH_H

#include <math.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__) \
    && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
#define ADAPTERKIT_LIBMVEC 1
__attribute__((simd("notinbranch"))) float expf(float);
__attribute__((simd("notinbranch"))) float tanhf(float);
__attribute__((simd("notinbranch"))) float erfcf(float);
#endif

/* The build has no -march=native (one addon runs on any x86-64), which left these loops SSE2-wide and on
 * libmvec's 4-lane variants: the dropout mask 12x, tanh GELU 8x, Adam 3x, softmax 1.5x slower on a Zen 5
 * than with -march=native. So the kernels marked VECTOR_CLONES are compiled three times, for x86-64-v4
 * (AVX-512), v3 (AVX2, FMA) and the baseline, and the dynamic loader picks one for the CPU (an ifunc;
 * OpenMP's outlined loop bodies are cloned with them). */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11 && defined(__x86_64__) && defined(__linux__)
#define VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define VECTOR_CLONES
#endif

#endif
