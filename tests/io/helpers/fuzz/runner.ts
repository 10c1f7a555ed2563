// The campaign runner: cases run in a worker thread per campaign, watched from the calling thread for hangs
// and deaths (a new worker resumes after the culprit), and the worker entry point (this module, loaded by
// the Worker it starts). replayCase reruns one case in this thread.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { isCrash, runCase, type CaseResult, type Crash } from "./classify.js";
import { makeCase, TARGET_DEFS, type FuzzCase, type TargetName } from "./targets.js";

export interface CampaignOptions {
  target: TargetName;
  seed: number;
  /** First iteration and how many to run (each iteration is one case). */
  start: number;
  iterations: number;
  /** Stop early once this many ms have passed (the counts say how many ran). */
  timeLimitMs?: number;
}

export interface CampaignResult {
  counts: Record<string, number>;
  crashes: Crash[];
  iterationsRun: number;
  ms: number;
}

/** Runs cases in this thread, reporting each; `progress` (if given) holds [current iteration, 1 while a case runs]. */
async function runCampaignHere(options: CampaignOptions, dir: string, progress: Int32Array | undefined, report: (outcome: string, crash: Crash | undefined) => void): Promise<void> {
  const seeds = TARGET_DEFS[options.target].seeds();
  const startMs = performance.now();
  for (let i = options.start; i < options.start + options.iterations; i++) {
    if (options.timeLimitMs !== undefined && performance.now() - startMs > options.timeLimitMs) break;
    const c = makeCase(options.target, options.seed, i, seeds);
    const caseDir = join(dir, `case-${i}`);
    if (progress !== undefined) {
      Atomics.store(progress, 0, i);
      Atomics.store(progress, 1, 1);
    }
    const result = await runCase(c, caseDir);
    if (progress !== undefined) Atomics.store(progress, 1, 0);
    rmSync(caseDir, { recursive: true, force: true });
    const crash: Crash | undefined = isCrash(result.outcome)
      ? { target: options.target, seed: options.seed, iteration: i, seedName: c.seedName, mutations: c.mutations, outcome: result.outcome, message: result.message ?? "", stack: result.stack }
      : undefined;
    report(result.outcome, crash); // every case (a few microseconds), so a worker terminated for a hang loses no counts
    if (result.outcome === "crash:memory") return; // a fresh worker starts from the next case
  }
}

interface WorkerRequest { adapterkitFuzz: true; options: CampaignOptions; dir: string; progress: SharedArrayBuffer }
interface WorkerMessage { outcome: string; crash: Crash | undefined }

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/**
 * Runs a campaign in worker threads watched from this one: a case still running after `watchdogMs` is a
 * hang (the worker is terminated and a new one resumes at the next case), and so is a worker that dies.
 */
export async function runCampaign(options: CampaignOptions, watchdogMs = 10_000): Promise<CampaignResult> {
  const dir = mkdtempSync(join(tmpdir(), `adapterkit-fuzz-${options.target}-`));
  const total: CampaignResult = { counts: {}, crashes: [], iterationsRun: 0, ms: 0 };
  const startMs = performance.now();
  let next = options.start;
  const end = options.start + options.iterations;
  try {
    while (next < end) {
      const remainingMs = options.timeLimitMs === undefined ? undefined : options.timeLimitMs - (performance.now() - startMs);
      if (remainingMs !== undefined && remainingMs <= 0) break;
      const progress = new SharedArrayBuffer(8);
      const slots = new Int32Array(progress);
      Atomics.store(slots, 0, next);
      const request: WorkerRequest = { adapterkitFuzz: true, options: { ...options, start: next, iterations: end - next, timeLimitMs: remainingMs }, dir, progress };
      const worker = new Worker(new URL(import.meta.url), { workerData: request, resourceLimits: { maxOldGenerationSizeMb: 2048 } });
      let doneInWorker = 0;
      const outcome = await new Promise<{ kind: "exit" } | { kind: "hang" | "died"; iteration: number; message: string; started: boolean }>((resolve) => {
        let lastIteration = -1;
        let lastChange = performance.now();
        const timer = setInterval(() => {
          const iteration = Atomics.load(slots, 0);
          const running = Atomics.load(slots, 1) === 1;
          if (iteration !== lastIteration || !running) {
            lastIteration = iteration;
            lastChange = performance.now();
          } else if (performance.now() - lastChange > watchdogMs) {
            clearInterval(timer);
            void worker.terminate();
            resolve({ kind: "hang", iteration, message: `case still running after ${watchdogMs} ms; worker terminated`, started: true });
          }
        }, 50);
        worker.on("message", (m: WorkerMessage) => {
          addCounts(total.counts, { [m.outcome]: 1 });
          if (m.crash !== undefined) total.crashes.push(m.crash);
          doneInWorker += 1;
        });
        worker.on("error", (error) => {
          clearInterval(timer);
          resolve({ kind: "died", iteration: Atomics.load(slots, 0), message: `worker died: ${error.message}`, started: doneInWorker > 0 || Atomics.load(slots, 1) === 1 });
        });
        worker.on("exit", () => {
          clearInterval(timer);
          resolve({ kind: "exit" });
        });
      });
      if (outcome.kind === "exit") {
        total.iterationsRun += doneInWorker;
        const reached = Atomics.load(slots, 0) + 1;
        if (doneInWorker === 0 || reached >= end || (options.timeLimitMs !== undefined && performance.now() - startMs >= options.timeLimitMs)) break;
        next = reached; // the worker stopped early after a memory crash
        continue;
      }
      // A worker that dies before its first case could not load (dist/ rebuilt under it, say): no case to blame.
      if (!outcome.started) throw new Error(`fuzz: the ${options.target} worker failed before its first case: ${outcome.message}`);
      // Hang or death: the case at `iteration` is the crash; rebuild its description here (cases are deterministic).
      const c = makeCase(options.target, options.seed, outcome.iteration, TARGET_DEFS[options.target].seeds());
      total.crashes.push({ target: options.target, seed: options.seed, iteration: outcome.iteration, seedName: c.seedName, mutations: c.mutations, outcome: `crash:${outcome.kind}`, message: outcome.message, stack: undefined });
      addCounts(total.counts, { [`crash:${outcome.kind}`]: 1 });
      total.iterationsRun = outcome.iteration + 1 - options.start;
      // Cases the worker finished after its last report have no recorded outcome.
      const recorded = Object.values(total.counts).reduce((a, b) => a + b, 0);
      if (recorded < total.iterationsRun) addCounts(total.counts, { unrecorded: total.iterationsRun - recorded });
      next = outcome.iteration + 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  total.ms = performance.now() - startMs;
  return total;
}

/** Runs one case in this thread with its full error (for replaying a crash). */
export async function replayCase(target: TargetName, seed: number, iteration: number): Promise<{ fuzzCase: FuzzCase; result: CaseResult }> {
  const fuzzCase = makeCase(target, seed, iteration, TARGET_DEFS[target].seeds());
  const dir = mkdtempSync(join(tmpdir(), `adapterkit-fuzz-replay-`));
  try {
    const result = await runCase(fuzzCase, join(dir, "case"));
    return { fuzzCase, result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- worker entry point ----

function isWorkerRequest(data: unknown): data is WorkerRequest {
  return typeof data === "object" && data !== null && (data as { adapterkitFuzz?: unknown }).adapterkitFuzz === true;
}

if (!isMainThread && isWorkerRequest(workerData) && parentPort !== null) {
  const port = parentPort;
  const request = workerData;
  await runCampaignHere(request.options, request.dir, new Int32Array(request.progress), (outcome, crash) => {
    const message: WorkerMessage = { outcome, crash };
    port.postMessage(message);
  });
}
