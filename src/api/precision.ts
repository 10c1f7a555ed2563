// Which precision a kit's base runs in (what the user asked for, where this backend has a kernel for it), and
// what that allows: int8 is for inference; bf16 also trains adapters over the frozen base.
import { ConfigError } from "../errors.js";
import type { Backend, LinearPrecision } from "../kernels/index.js";
import type { BertModel } from "../models/index.js";
import { trainsEncoder, type TrainMode } from "../train/index.js";

const PRECISIONS: readonly LinearPrecision[] = ["fp32", "int8", "bf16"];

/** The value itself, or a ConfigError naming the choices. */
export function checkPrecision(value: LinearPrecision): LinearPrecision {
  if (!PRECISIONS.includes(value)) throw new ConfigError(`load: expected precision ${PRECISIONS.join(", ")}, got ${JSON.stringify(value)}`);
  return value;
}

/** The precision asked for where the backend has a kernel for it; else fp32, said in one line. */
export function runnablePrecision(asked: LinearPrecision, backend: Backend, log: (line: string) => void): LinearPrecision {
  if (asked === "fp32" || backend.linearKernel(asked) !== null) return asked;
  const needs = asked === "int8" ? "AVX-512 VNNI" : "AVX-512 BF16";
  log(`adapterkit: precision ${asked} needs ${needs} (and the GEMM's avx512 kernel), which this CPU or ADAPTERKIT_GEMM_KERNEL rules out; running fp32 instead`);
  return "fp32";
}

/** An int8 base is for inference only; so is bf16 for the K-Adapter runs (train takes it: bf16 true). */
export function checkTrainable(what: string, precision: LinearPrecision, bf16 = false): void {
  if (precision === "int8" || (precision === "bf16" && !bf16))
    throw new ConfigError(`${what}: the base model is loaded in ${precision}, which is for inference only here; hint: load it with precision "fp32" to train`);
}

/** bf16: training over the frozen base also runs backward's dX GEMMs in bf16, on each Wᵀ packed once, here. */
export function prepareBaseForTraining(base: BertModel, mode: TrainMode, log: (line: string) => void): void {
  if (base.packedAs !== "bf16") return;
  if (trainsEncoder(mode)) {
    log(`train: mode ${mode} trains its own fp32 copy of the encoder; bf16 runs the frozen base of the other modes`);
    return;
  }
  if (base.packedForTraining) return;
  const bytes = base.packWeights("bf16", null, { forTraining: true });
  log(`train: the frozen base runs in bf16 forward and backward (dX); its weights and their transposes packed once, ${(bytes / 2 ** 20).toFixed(0)} MiB`);
}
