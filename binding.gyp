# The native backend: an N-API addon in plain C over OpenBLAS (see native/kernels.h and DESIGN.md,
# "Compute engine"). Built at install time by scripts/build-native.mjs; without it AdapterKit runs on the
# reference kernels.
{
  "targets": [
    {
      "target_name": "adapterkit",
      "sources": [
        "native/binding.c",
        "native/args.c",
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
      # IEEE semantics stay on: no -ffast-math (the reference parity tests depend on it).
      "cflags": ["-O3", "-march=native", "-fno-math-errno", "-fopenmp", "-Wall", "-Wextra"],
      "ldflags": ["-fopenmp"],
      "cflags_c": ["-std=c11"],
      "libraries": ["-lopenblas", "-lm"],
      "conditions": [
        # glibc's vector math library: SIMD expf/tanhf/erfcf (native/vecmath.h)
        ["OS=='linux' and target_arch=='x64'", { "libraries": ["-lmvec"] }]
      ]
    }
  ]
}
