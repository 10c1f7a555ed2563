# The native backend: an N-API addon in plain C (see native/kernels.h and DESIGN.md, "Compute engine"), its
# GEMMs on OpenBLAS or on its own native/gemm.c (blas=builtin). Built at install time by
# scripts/build-native.mjs, which picks the GEMM and passes --blas=openblas|builtin; without the addon
# AdapterKit runs on the reference kernels.
{
  "variables": {
    "blas%": "openblas"
  },
  "targets": [
    {
      "target_name": "adapterkit",
      "sources": [
        "native/binding.c",
        "native/args.c",
        "native/gemm.c",
        "native/qgemm.c",
        "native/matmul.c",
        "native/elementwise.c",
        "native/activations.c",
        "native/softmax.c",
        "native/layernorm.c",
        "native/attention.c",
        "native/indexing.c",
        "native/reductions.c",
        "native/losses.c",
        "native/optimizer.c",
        "native/dropout.c"
      ],
      # IEEE semantics stay on: no -ffast-math (the reference parity tests depend on it). No -march=native:
      # one build runs on any x86-64; gemm.c picks its AVX-512/AVX2 microkernel at run time.
      "cflags": ["-O3", "-fno-math-errno", "-fopenmp", "-Wall", "-Wextra"],
      "ldflags": ["-fopenmp"],
      "cflags_c": ["-std=c11"],
      "libraries": ["-lm"],
      "conditions": [
        ["blas=='builtin'", { "defines": ["ADAPTERKIT_BUILTIN_BLAS"] }, { "libraries": ["-lopenblas"] }],
        # glibc's vector math library: SIMD expf/tanhf/erfcf (native/vecmath.h)
        ["OS=='linux' and target_arch=='x64'", { "libraries": ["-lmvec"] }]
      ]
    }
  ]
}
