// `npm run bench:gemm`: GFLOPS of the native matmul on BERT-base's Linear shapes, three GEMMs side by side on
// the same shapes and layouts, measured in the same run (machines are noisy: compare ratios):
//   builtin   the addon's own GEMM (native/gemm.c, its matmulBuiltin export), whatever the build links
//   OpenBLAS  the addon's matmul when it is built on OpenBLAS (cblas_sgemm), else "-"
//   torch     PyTorch's torch.matmul
// Each Linear IN->OUT (weight stored [OUT,IN], as src/autograd/ops/linear.ts) over T tokens is three GEMMs:
//   fwd  out [T,OUT] = x [T,IN] · Wᵀ        dX  [T,IN] = dOut [T,OUT] · W        dW  [OUT,IN] = dOutᵀ · x
// for the attention projection 768->768 and the FFN 768->3072, 3072->768, at T = 1024 (batch 8 x seq 128) and
// 2048 (32 x 64), and a small batch T = 16 (the projection only). builtin and OpenBLAS run alternately, one
// call each per repetition, so both see the same noise. PyTorch runs in a child process (Debian's
// python3-torch in /usr/bin/python3) with OMP_WAIT_POLICY=PASSIVE and 2 threads, after the native runs, so
// they never compete for the cores.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { loadNativeBackend, loadNativeGemm, type Backend, type NativeGemm } from "../src/kernels/index.js";
import { Rng } from "../src/rng.js";
import { median } from "./stats.js";

interface GemmCase {
  role: string; // which Linear GEMM, e.g. "T1024 768->3072 fwd"
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

/** The three GEMMs of Linear in->out over T tokens. */
function linearCases(T: number, IN: number, OUT: number, passes = ["fwd", "dX", "dW"]): GemmCase[] {
  const all: GemmCase[] = [
    { role: `T${T} ${IN}->${OUT} fwd`, M: T, N: OUT, K: IN, transA: false, transB: true },
    { role: `T${T} ${IN}->${OUT} dX`, M: T, N: IN, K: OUT, transA: false, transB: false },
    { role: `T${T} ${IN}->${OUT} dW`, M: OUT, N: IN, K: T, transA: true, transB: false },
  ];
  return all.filter((c) => passes.includes(c.role.split(" ")[2]));
}

const CASES: GemmCase[] = [
  ...[1024, 2048].flatMap((T) => [...linearCases(T, 768, 768), ...linearCases(T, 768, 3072), ...linearCases(T, 3072, 768)]),
  ...linearCases(16, 768, 768),
];

function label(c: GemmCase): string {
  const a = c.transA ? `[${c.K},${c.M}]ᵀ` : `[${c.M},${c.K}]`;
  const b = c.transB ? `[${c.N},${c.K}]ᵀ` : `[${c.K},${c.N}]`;
  return `${a} x ${b}`;
}

type Matmul = Backend["matmul"];

/** Times each GEMM on one case, alternating them call by call; one Timing per GEMM. */
function timeNative(gemms: Matmul[], c: GemmCase): Timing[] {
  const rng = new Rng(1);
  const a = Float32Array.from({ length: c.M * c.K }, () => rng.uniform() * 2 - 1);
  const b = Float32Array.from({ length: c.K * c.N }, () => rng.uniform() * 2 - 1);
  const out = new Float32Array(c.M * c.N);
  const runs = gemms.map((matmul) => (): void => matmul(out, a, b, 1, c.M, c.N, c.K, c.transA, c.transB, 0, false));
  for (let i = 0; i < WARMUP; i++) runs.forEach((run) => run());
  const seconds: number[][] = gemms.map(() => []);
  for (let i = 0; i < REPS; i++) {
    runs.forEach((run, g) => {
      const start = process.hrtime.bigint();
      run();
      seconds[g].push(Number(process.hrtime.bigint() - start) / 1e9);
    });
  }
  const flops = 2 * c.M * c.N * c.K;
  return seconds.map((s) => ({ gflopsBest: flops / Math.min(...s) / 1e9, gflopsMedian: flops / median(s) / 1e9 }));
}

/** Runs bench/gemm_torch.py; returns its timings, or the reason it could not. */
function timeTorch(): { timings: Timing[]; version: string } | { missing: string } {
  const python = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", "import torch"], { stdio: "ignore" }).status === 0);
  if (!python) return { missing: "python3-torch not found (tried /usr/bin/python3 and python3 on PATH: `import torch` fails)" };
  const script = fileURLToPath(new URL("../../bench/gemm_torch.py", import.meta.url));
  const spec = JSON.stringify({ warmup: WARMUP, reps: REPS, cases: CASES.map(({ M, N, K, transA, transB }) => ({ M, N, K, transA, transB })) });
  const run = spawnSync(python, [script, spec], { encoding: "utf8", env: { ...process.env, OMP_WAIT_POLICY: "PASSIVE" } });
  if (run.status !== 0) return { missing: `${python} ${script} failed: ${(run.stderr || run.error?.message || "").trim().split("\n").pop()}` };
  const parsed = JSON.parse(run.stdout) as { torch: string; threads: number; results: Timing[] };
  return { timings: parsed.results, version: `torch ${parsed.torch}, ${parsed.threads} threads, ${python}` };
}

const COLUMNS: Array<[string, number]> = [["GEMM", 20], ["shape (a x b)", 26], ["builtin", 13], ["OpenBLAS", 13], ["torch", 13], ["bi/OpenBLAS", 12], ["bi/torch", 9]];
/** One table row: the first two cells left-aligned, the rest right-aligned, to the COLUMNS widths. */
const row = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(COLUMNS[i][1]) : c.padStart(COLUMNS[i][1]))).join(" ");
const pair = (t: Timing | undefined): string => (t ? `${t.gflopsBest.toFixed(1)} ${t.gflopsMedian.toFixed(1)}` : "-");
const ratio = (x: Timing | undefined, y: Timing | undefined): string => (x && y ? (x.gflopsBest / y.gflopsBest).toFixed(2) : "-");

/** The GEMMs to time: the built-in one, then OpenBLAS when the addon's matmul runs it; null without the addon. */
function nativeGemms(): Matmul[] | null {
  let gemm: NativeGemm;
  let backend: Backend;
  try {
    gemm = loadNativeGemm();
    backend = loadNativeBackend();
  } catch (err) {
    console.log(`native: unavailable (${err instanceof Error ? err.message : String(err)})`);
    return null;
  }
  const hasOpenblas = gemm.name === "OpenBLAS";
  console.log(`native: builtin = ${gemm.builtinName}; the addon's matmul runs ${gemm.name}${hasOpenblas ? "" : " (no OpenBLAS column: build with OpenBLAS to compare)"}`);
  return hasOpenblas ? [gemm.matmulBuiltin, backend.matmul] : [gemm.matmulBuiltin];
}

function main(): void {
  console.log(`GEMM fp32, best and median GFLOPS of ${REPS} runs after ${WARMUP} warm-up runs`);
  const gemms = nativeGemms();
  const native = gemms ? CASES.map((c) => timeNative(gemms, c)) : null;
  const torch = timeTorch();
  if ("missing" in torch) console.log(`PyTorch: ${torch.missing}; native figures only`);
  else console.log(`PyTorch: ${torch.version}, OMP_WAIT_POLICY=PASSIVE`);

  console.log("GFLOPS: best median; bi/... ratios of the best");
  console.log(row(COLUMNS.map(([name]) => name)));
  CASES.forEach((c, i) => {
    const [builtin, openblas] = native?.[i] ?? [];
    const t = "timings" in torch ? torch.timings[i] : undefined;
    console.log(row([c.role, label(c), pair(builtin), pair(openblas), pair(t), ratio(builtin, openblas), ratio(builtin, t)]));
  });
}

main();
