// Which precision a kit's base runs in: what the user asked for, where this backend has a kernel for it.
import { ConfigError } from "../errors.js";
import type { Backend, LinearPrecision } from "../kernels/index.js";

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
