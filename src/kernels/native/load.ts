// The native backend's loader: the only module that touches the N-API addon (native/*.c, built by
// scripts/build-native.mjs into build/Release/adapterkit.node). The addon exports one function per Backend
// method, same names and argument order; it takes Float32Array only and throws TypeError/RangeError naming
// the method and argument on a bad call. Three more exports are not Backend methods (EXTRAS): gemmName, the
// GEMM its matmul runs (OpenBLAS or the addon's own), matmulBuiltin, the built-in GEMM whatever the build, and
// gemmBuiltinName, which microkernel that one runs.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { BackendError } from "../../errors.js";
import type { Backend } from "../interface.js";

type KernelName = Exclude<keyof Backend, "name">;

/** Every Backend method, checked exhaustive by the compiler (a missing or extra key is a type error). */
const KERNELS: Record<KernelName, true> = {
  matmul: true, biasAddForward: true, biasAddBackward: true,
  allocate: true, discard: true, packedLinearBytes: true, packLinear: true, linearPacked: true, linearPackedTransposed: true,
  linearKernel: true,
  addForward: true, addBackward: true, mulForward: true, mulBackward: true, scaleForward: true, scaleBackward: true,
  geluForward: true, geluBackward: true, tanhForward: true, tanhBackward: true, reluForward: true, reluBackward: true,
  softmaxForward: true, softmaxBackward: true, layernormForward: true, layernormBackward: true,
  attentionForward: true, attentionBackward: true,
  gatherRowsForward: true, gatherRowsBackward: true, copyRows: true,
  sumAxisForward: true, sumAxisBackward: true,
  crossEntropyForward: true, crossEntropyBackward: true, bceWithLogitsForward: true, bceWithLogitsBackward: true,
  mseForward: true, mseBackward: true,
  dropoutMask: true, adamStep: true,
};
const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[];

/** The addon's exports that are not Backend methods (loadNativeGemm); never copied into the Backend. */
const EXTRAS = ["gemmName", "gemmBuiltinName", "matmulBuiltin"] as const;

/** Which GEMM the native matmul runs, and the built-in GEMM itself, to compare the two in one process. */
export interface NativeGemm {
  /** "OpenBLAS", or the addon's own: "builtin (avx512)", "builtin (avx2)" or "builtin (generic)" (its microkernel) */
  name: string;
  /** The built-in GEMM's name, as above, whatever the build links */
  builtinName: string;
  /** Backend.matmul's arguments and checks, always on the built-in GEMM (native/gemm.c) */
  matmulBuiltin: Backend["matmul"];
}

/** The package root: the nearest ancestor of this module holding the package.json named "adapterkit". */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "adapterkit") return dir;
      } catch {
        // an unreadable package.json is not ours; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new BackendError(`native backend: expected a package.json named "adapterkit" above ${fileURLToPath(import.meta.url)}, got none`);
    }
    dir = parent;
  }
}

/** Where the built addon lives (whether or not it exists). */
export function nativeAddonPath(): string {
  return join(packageRoot(), "build", "Release", "adapterkit.node");
}

/** How to (re)build the addon: in a checkout, the package script; installed as a dependency, npm rebuild. */
export function nativeBuildHint(): string {
  let insideNodeModules = true;
  try {
    insideNodeModules = packageRoot().split(sep).includes("node_modules");
  } catch {
    // no package root found: the dependency form of the hint is the safer guess
  }
  const rebuild = insideNodeModules ? "npm rebuild adapterkit" : "npm run build:native";
  return `apt-get install -y build-essential python3, then ${rebuild}`;
}

/**
 * Loads the addon (Node caches it: later calls are cheap) and returns its exports, checked to hold every
 * Backend method and every extra. Throws BackendError naming the path and the reason when the addon is
 * missing, fails to load (a library such as libopenblas.so.0 missing at run time) or lacks an export (an
 * addon built from older sources).
 */
function loadAddon(): Record<string, unknown> {
  const path = nativeAddonPath();
  const hint = `; hint: ${nativeBuildHint()}`;
  if (!existsSync(path)) {
    throw new BackendError(`native backend: expected the addon at ${path}, got no such file${hint}`);
  }
  // libgomp reads OMP_WAIT_POLICY once, when the addon loads it. By default the attention kernel's OpenMP
  // threads spin after each call and fight OpenBLAS's own threads for the cores; passive waiting measured
  // 2.3x faster K-Adapter training and 1.7x faster adapter fine-tuning on 2 cores (README, "The engine").
  process.env.OMP_WAIT_POLICY ??= "PASSIVE";
  // OpenBLAS reads this once too: its idle threads spin 2^28 cycles (~70 ms) after every GEMM before they
  // sleep, holding a core the kernels' OpenMP threads need between GEMMs; 2^4 lets them sleep at once.
  // Measured on 2 cores: mini BERT pretraining 1.2x, BERT-base forward 1.25x (README, "The engine").
  process.env.OPENBLAS_THREAD_TIMEOUT ??= "4";
  // On the built-in GEMM every thread is OpenMP's, so none fights another: let them spin briefly (20,000
  // rounds, tens of microseconds) before they sleep, so the kernels of one forward, microseconds apart, find
  // them awake instead of waking each by a futex. Measured: the demo 27.6 -> 22.5 s, BERT-base int8 1x16
  // 12.4 -> 10.0 ms and fp32 1x64 56.8 -> 49.6 ms (README, "Inference").
  if (builtGemm(path) === "builtin") process.env.GOMP_SPINCOUNT ??= "20000";
  let addon: unknown;
  try {
    addon = createRequire(import.meta.url)(path);
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split("\n")[0];
    throw new BackendError(`native backend: expected ${path} to load, got ${reason}${hint}`);
  }
  const exports = (typeof addon === "object" && addon !== null ? addon : {}) as Record<string, unknown>;
  const missing = [...KERNEL_NAMES, ...EXTRAS].filter((name) => typeof exports[name] !== "function");
  if (missing.length > 0) {
    throw new BackendError(`native backend: expected ${path} to export every Backend kernel and extra, got none for ${missing.join(", ")}${hint}`);
  }
  return exports;
}

/** The GEMM the addon was built on, from the manifest scripts/build-native.mjs writes beside it, or null. */
function builtGemm(addon: string): string | null {
  try {
    const manifest = JSON.parse(readFileSync(join(dirname(addon), "adapterkit-build.json"), "utf8")) as { gemm?: unknown };
    return typeof manifest.gemm === "string" ? manifest.gemm : null;
  } catch {
    return null; // built by an older script: keep the defaults
  }
}

/** Loads the addon and returns it as a Backend named "native"; throws BackendError as loadAddon says. */
export function loadNativeBackend(): Backend {
  const exports = loadAddon();
  const backend: Record<string, unknown> = { name: "native" };
  for (const name of KERNEL_NAMES) backend[name] = exports[name];
  // Checked above: every Backend method is a function of the addon, with the interface's argument order.
  return Object.freeze(backend) as unknown as Backend;
}

/** Which GEMM the native backend's matmul runs, and the built-in one; throws BackendError as loadAddon says. */
export function loadNativeGemm(): NativeGemm {
  const exports = loadAddon();
  // Checked by loadAddon: all are functions of the addon; the two names take no arguments.
  const name = (exports.gemmName as () => unknown)();
  const builtinName = (exports.gemmBuiltinName as () => unknown)();
  if (typeof name !== "string" || typeof builtinName !== "string") {
    throw new BackendError(`native backend: expected gemmName() and gemmBuiltinName() to return strings, got ${typeof name} and ${typeof builtinName}`);
  }
  return { name, builtinName, matmulBuiltin: exports.matmulBuiltin as Backend["matmul"] };
}
