// Running one case and classifying its outcome: "valid", the class name of an EngineError, or a crash
// (another error, an InternalError, bad records, too slow, too much memory); and how a crash is reported.
import { performance } from "node:perf_hooks";
import { shapeSize } from "../../../../src/dtype.js";
import { EngineError, InternalError } from "../../../../src/errors.js";
import type { TensorRecord } from "../../../../src/io/index.js";
import { TARGET_DEFS, type FuzzCase, type TargetName } from "./targets.js";

export const PER_CASE_LIMIT_MS = 2000;
/** How far one case may raise the process's peak RSS: a reader that allocates before it validates shows here. */
const PEAK_RSS_GROWTH_LIMIT_BYTES = 512 * 1024 ** 2;

/** An outcome is "valid", the class name of an EngineError, or (a crash) "crash:<kind>". */
export interface CaseResult {
  outcome: string;
  ms: number;
  message?: string;
  stack?: string;
}

export function isCrash(outcome: string): boolean {
  return outcome.startsWith("crash:");
}

/** A valid parse must give records whose data matches their dtype and shape, without amplifying the input. */
function checkRecords(records: readonly TensorRecord[], inputBytes: number): string | undefined {
  const arrays: Record<string, string> = {
    F32: "Float32Array", F16: "Uint16Array", BF16: "Uint16Array", F64: "Float64Array", I32: "Int32Array",
    I64: "BigInt64Array", I8: "Int8Array", U8: "Uint8Array", BOOL: "Uint8Array",
  };
  const buffers = new Set<ArrayBufferLike>();
  for (const r of records) {
    if (r.data.constructor.name !== arrays[r.dtype]) return `record "${r.name}" is ${r.dtype} but holds a ${r.data.constructor.name}`;
    if (r.data.length !== shapeSize(r.shape)) return `record "${r.name}" has ${r.data.length} elements for shape [${r.shape.join(",")}]`;
    buffers.add(r.data.buffer);
  }
  // The memory the records hold (views share their buffer): copies of strided views and upcasts may add to
  // the input, but never by this much.
  const total = [...buffers].reduce((n, b) => n + b.byteLength, 0);
  if (total > 64 * inputBytes + (1 << 20)) return `records hold ${total} bytes from ${inputBytes} input bytes`;
  return undefined;
}

export async function runCase(c: FuzzCase, dir: string): Promise<CaseResult> {
  const inputBytes = Object.values(c.files).reduce((n, b) => n + b.length, 0);
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const start = performance.now();
  let result: CaseResult;
  try {
    const records = await TARGET_DEFS[c.target].run(c.files, dir);
    const problem = checkRecords(records, inputBytes);
    result = problem === undefined ? { outcome: "valid", ms: 0 } : { outcome: "crash:bad-records", ms: 0, message: problem };
  } catch (error) {
    if (error instanceof EngineError && !(error instanceof InternalError)) {
      result = { outcome: error.constructor.name, ms: 0, message: error.message };
    } else {
      const e = error instanceof Error ? error : new Error(String(error));
      result = { outcome: `crash:${e.constructor.name}`, ms: 0, message: e.message, stack: e.stack };
    }
  }
  result.ms = performance.now() - start;
  if (!isCrash(result.outcome) && result.ms > PER_CASE_LIMIT_MS) {
    result = { ...result, outcome: "crash:slow", message: `took ${result.ms.toFixed(0)} ms (limit ${PER_CASE_LIMIT_MS}); ended with: ${result.outcome} ${result.message ?? ""}` };
  }
  const peakGrowth = process.resourceUsage().maxRSS * 1024 - peakBefore;
  if (peakGrowth > PEAK_RSS_GROWTH_LIMIT_BYTES) {
    result = { ...result, outcome: "crash:memory", message: `peak RSS grew by ${(peakGrowth / 1024 ** 2).toFixed(0)} MiB during the case (${result.ms.toFixed(0)} ms); ended with: ${result.outcome} ${result.message ?? ""}` };
  }
  return result;
}

export interface Crash {
  target: TargetName;
  seed: number;
  iteration: number;
  seedName: string;
  mutations: string[];
  outcome: string;
  message: string;
  stack: string | undefined;
}

export function replayCommand(c: { target: TargetName; seed: number; iteration: number }): string {
  return `npm run fuzz -- --target ${c.target} --seed ${c.seed} --replay ${c.iteration}`;
}

export function formatCrash(c: Crash): string {
  const stackTop = c.stack?.split("\n").slice(1, 4).map((l) => l.trim()).join(" | ") ?? "";
  return [
    `${c.target} ${c.outcome}: ${c.message.slice(0, 300)}`,
    `  seed file: ${c.seedName}; mutations: ${c.mutations.join(" + ").slice(0, 400)}`,
    `  replay: ${replayCommand(c)}`,
    ...(stackTop ? [`  at ${stackTop}`] : []),
  ].join("\n");
}
