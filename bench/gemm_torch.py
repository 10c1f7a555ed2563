"""PyTorch side of `npm run bench:gemm`: times torch.matmul on the shapes bench/gemm.ts passes in and prints
one JSON object. Operands are laid out in memory as the native call sees them; transposed operands are
.t() views of the stored layout, so torch runs the same transposed GEMM rather than a copy.

Run with OMP_WAIT_POLICY=PASSIVE (spin-waiting OpenMP threads steal the cores; DESIGN.md) and 2 threads.
Input on argv[1]: JSON {"warmup": int, "reps": int, "cases": [{"M", "N", "K", "transA", "transB"}, ...]}.
"""
import json
import statistics
import sys
import time

import torch


def time_case(M, N, K, trans_a, trans_b, warmup, reps):
    gen = torch.Generator().manual_seed(0)
    a_stored = torch.rand((K, M) if trans_a else (M, K), generator=gen) * 2 - 1
    b_stored = torch.rand((N, K) if trans_b else (K, N), generator=gen) * 2 - 1
    a = a_stored.t() if trans_a else a_stored  # (M, K) view
    b = b_stored.t() if trans_b else b_stored  # (K, N) view
    out = torch.empty((M, N))
    for _ in range(warmup):
        torch.matmul(a, b, out=out)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        torch.matmul(a, b, out=out)
        times.append(time.perf_counter() - start)
    flops = 2.0 * M * N * K
    return {"gflopsBest": flops / min(times) / 1e9, "gflopsMedian": flops / statistics.median(times) / 1e9}


def main():
    spec = json.loads(sys.argv[1])
    torch.set_num_threads(2)
    results = []
    with torch.no_grad():
        for c in spec["cases"]:
            r = time_case(c["M"], c["N"], c["K"], c["transA"], c["transB"], spec["warmup"], spec["reps"])
            results.append({**c, **r})
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}))


if __name__ == "__main__":
    main()
