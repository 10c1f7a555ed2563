// Which precision a kit's base runs in (what the user asked for, where this backend has a kernel for it), and
// what that allows: int8 is for inference; bf16 also trains adapters over the frozen base.
import { ConfigError } from "../errors.js";
import type { Backend, LinearPrecision } from "../kernels/index.js";
import { loadPretrained, type BertModel } from "../models/index.js";
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

/** The K-Adapter runs train over an fp32 base only. */
export function checkTrainable(what: string, precision: LinearPrecision): void {
  if (precision !== "fp32")
    throw new ConfigError(`${what}: the base model is loaded in ${precision}, which is for inference only here; hint: load it with precision "fp32" to train`);
}

/**
 * The encoder of a run that trains encoder weights (full, top-layers): a copy of the base, or, where the kit
 * dropped the base's fp32 weights (int8, bf16), the checkpoint read again, which it says.
 */
export async function ownEncoder(base: BertModel, modelDir: string, mode: TrainMode, log: (line: string) => void): Promise<BertModel> {
  if (base.holdsFp32Weights) return base.copy();
  log(`train: mode ${mode} trains its own fp32 encoder, read again from ${modelDir} (the ${base.packedAs} base keeps no fp32 weights)`);
  return (await loadPretrained(base.engine, modelDir)).model;
}

/** sha256 of the base's fp32 weights (BertModel.fingerprint); where the kit dropped them (int8, bf16), of the
 *  checkpoint read again, which it says. */
export async function fp32Fingerprint(base: BertModel, modelDir: string, log: (line: string) => void): Promise<string> {
  if (base.holdsFp32Weights) return base.fingerprint();
  log(`reading ${modelDir} again for the fp32 weights' fingerprint (the ${base.packedAs} base keeps none)`);
  return (await loadPretrained(base.engine, modelDir)).model.fingerprint();
}

/** kit.train: refuses an int8 base; over a bf16 one, says what runs in which precision. */
export function checkTrainPrecision(precision: LinearPrecision, mode: TrainMode, log: (line: string) => void): void {
  if (precision === "int8") throw new ConfigError(`train: the base model is loaded in int8, which is for inference only; hint: load it with precision "fp32" or "bf16" to train`);
  if (precision === "bf16" && !trainsEncoder(mode))
    log("train: the frozen base runs in bf16, forward and backward (dX, from the same packed weights); adapters, LayerNorms, head and Adam in fp32");
}
