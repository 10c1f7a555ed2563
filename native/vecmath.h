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

#endif
