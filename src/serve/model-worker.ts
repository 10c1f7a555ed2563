// The main thread's handle on the worker thread that holds the model: requests out, replies matched by id.
// A worker that dies fails every pending request with the reason (the server then answers 503).
import { Worker } from "node:worker_threads";
import type { AdapterInfo } from "../adapters/index.js";
import type { LinearPrecision } from "../kernels/index.js";
import type { PredictResult } from "../pipelines/index.js";
import { fromWireError, type PredictCall, type WorkerReply, type WorkerRequest, type WorkerSetup } from "./worker-protocol.js";

type Pending = { resolve(reply: WorkerReply): void; reject(err: Error): void };
type Outgoing = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

export class ModelWorker {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on("message", (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.type === "error") p.reject(fromWireError(reply.error));
      else p.resolve(reply);
    });
    const fail = (err: Error): void => {
      this.dead = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the model worker exited (code ${code})`)));
  }

  /** Starts the thread and waits until the base model has loaded; returns what it chose. */
  static async start(
    setup: WorkerSetup,
  ): Promise<{ worker: ModelWorker; kernels: string; notices: string[]; model: { modelType: string; layers: number; hidden: number; precision: LinearPrecision } }> {
    const worker = new ModelWorker(new Worker(new URL("./worker-thread.js", import.meta.url), { workerData: setup }));
    const reply = await worker.send({ type: "ready" });
    if (reply.type !== "ready") throw new Error(`model worker: expected ready, got ${reply.type}`);
    return { worker, kernels: reply.kernels, notices: reply.notices, model: reply.model };
  }

  async load(name: string, dir: string): Promise<AdapterInfo> {
    const reply = await this.send({ type: "load", name, dir });
    if (reply.type !== "loaded") throw new Error(`model worker: expected loaded, got ${reply.type}`);
    return reply.info;
  }

  async unload(name: string): Promise<void> {
    await this.send({ type: "unload", name });
  }

  /** Every call's results or error, and the forwards that ran. */
  async predict(
    calls: PredictCall[],
    options: { maxSeqLength: number; maxBatchTokens: number },
  ): Promise<{ outcomes: (PredictResult[] | Error)[]; forwards: { rows: number; tokens: number }[] }> {
    const reply = await this.send({ type: "predict", calls, options });
    if (reply.type !== "predicted") throw new Error(`model worker: expected predicted, got ${reply.type}`);
    return { outcomes: reply.outcomes.map((o) => ("error" in o ? fromWireError(o.error) : o.results)), forwards: reply.forwards };
  }

  get alive(): boolean {
    return this.dead === null;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private send(msg: Outgoing): Promise<WorkerReply> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id });
    });
  }
}
