// `npm run bench:gemm`: GFLOPS of the native matmul (OpenBLAS cblas_sgemm through the N-API addon) on
// BERT-base's FFN and projection shapes, plain and with either operand transposed, next to PyTorch's
// torch.matmul on the same shapes and layouts, measured in the same run (machines are noisy: compare ratios).
//   [2048,768] x [768,3072]: batch 16 x seq 128 tokens through the FFN up-projection
//   [2048,768] x [768,768]:  the same tokens through an attention projection
// PyTorch runs in a child process (Debian's python3-torch in /usr/bin/python3) with OMP_WAIT_POLICY=PASSIVE
// and 2 threads, after the native runs, so the two never compete for the cores.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { loadNativeBackend, type Backend } from "../src/kernels/index.js";
import { Rng } from "../src/rng.js";
import { median } from "./stats.js";

interface GemmCase {
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
}
interface Timing {
  gflopsBest: number;
  gflopsMedian: number;
}

const WARMUP = 3;
const REPS = 10;
const SHAPES: Array<[number, number, number]> = [[2048, 3072, 768], [2048, 768, 768]]; // [M, N, K]
const CASES: GemmCase[] = SHAPES.flatMap(([M, N, K]) => [
  { M, N, K, transA: false, transB: false },
  { M, N, K, transA: true, transB: false },
  { M, N, K, transA: false, transB: true },
]);

function label(c: GemmCase): string {
  const a = c.transA ? `[${c.K},${c.M}]ᵀ` : `[${c.M},${c.K}]`;
  const b = c.transB ? `[${c.N},${c.K}]ᵀ` : `[${c.K},${c.N}]`;
  return `${a} x ${b}`;
}

function timeNative(backend: Backend, c: GemmCase): Timing {
  const rng = new Rng(1);
  const a = Float32Array.from({ length: c.M * c.K }, () => rng.uniform() * 2 - 1);
  const b = Float32Array.from({ length: c.K * c.N }, () => rng.uniform() * 2 - 1);
  const out = new Float32Array(c.M * c.N);
  const run = (): void => backend.matmul(out, a, b, 1, c.M, c.N, c.K, c.transA, c.transB, 0, false);
  for (let i = 0; i < WARMUP; i++) run();
  const seconds: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const start = process.hrtime.bigint();
    run();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const flops = 2 * c.M * c.N * c.K;
  return { gflopsBest: flops / Math.min(...seconds) / 1e9, gflopsMedian: flops / median(seconds) / 1e9 };
}

/** Runs bench/gemm_torch.py; returns its timings, or the reason it could not. */
function timeTorch(): { timings: Timing[]; version: string } | { missing: string } {
  const python = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", "import torch"], { stdio: "ignore" }).status === 0);
  if (!python) return { missing: "python3-torch not found (tried /usr/bin/python3 and python3 on PATH: `import torch` fails)" };
  const script = fileURLToPath(new URL("../../bench/gemm_torch.py", import.meta.url));
  const spec = JSON.stringify({ warmup: WARMUP, reps: REPS, cases: CASES });
  const run = spawnSync(python, [script, spec], { encoding: "utf8", env: { ...process.env, OMP_WAIT_POLICY: "PASSIVE" } });
  if (run.status !== 0) return { missing: `${python} ${script} failed: ${(run.stderr || run.error?.message || "").trim().split("\n").pop()}` };
  const parsed = JSON.parse(run.stdout) as { torch: string; threads: number; results: Timing[] };
  return { timings: parsed.results, version: `torch ${parsed.torch}, ${parsed.threads} threads, ${python}` };
}

const fmt = (x: number): string => x.toFixed(1).padStart(7);

function main(): void {
  let backend: Backend | null = null;
  try {
    backend = loadNativeBackend();
  } catch (err) {
    console.log(`native: unavailable (${err instanceof Error ? err.message : String(err)})`);
  }
  console.log(`GEMM fp32, best / median GFLOPS of ${REPS} runs after ${WARMUP} warm-up runs`);
  const native = backend ? CASES.map((c) => timeNative(backend, c)) : null;
  const torch = timeTorch();
  if ("missing" in torch) console.log(`PyTorch: ${torch.missing}; native figures only`);
  else console.log(`PyTorch: ${torch.version}, OMP_WAIT_POLICY=PASSIVE`);

  const header = ["shape (a x b)".padEnd(24), "native best", " median", " torch best", " median", " native/torch (best)"];
  console.log(header.join(" "));
  CASES.forEach((c, i) => {
    const n = native?.[i];
    const t = "timings" in torch ? torch.timings[i] : undefined;
    const cells = [
      label(c).padEnd(24),
      n ? fmt(n.gflopsBest).padStart(11) : "          -", n ? fmt(n.gflopsMedian) : "      -",
      t ? fmt(t.gflopsBest).padStart(11) : "          -", t ? fmt(t.gflopsMedian) : "      -",
      n && t ? (n.gflopsBest / t.gflopsBest).toFixed(2).padStart(20) : "                   -",
    ];
    console.log(cells.join(" "));
  });
}

main();
