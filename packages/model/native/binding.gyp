# The native GRU kernel: an N-API addon (C, no C++ runtime) on the system's CBLAS (OpenBLAS).
# Built by src/gru/fused/native/addon.ts (automatically on first use, or `npm run build:native`).
{
  "targets": [
    {
      "target_name": "grugan_native",
      "sources": ["src/addon.c", "src/args.c", "src/gru_forward.c", "src/gru_backward.c"],
      # Plain -O3; the gate loops are also compiled for AVX-512 and AVX2, picked at load time (target_clones
      # in activations.h), so the binary runs on any x86-64. -fno-trapping-math lets gcc compute
      # both sides of the branch-free σ/tanh selects, without which the loops do not vectorise.
      "cflags": ["-O3", "-std=gnu11", "-fno-math-errno", "-fno-trapping-math"],
      "libraries": ["-lopenblas"]
    }
  ]
}
