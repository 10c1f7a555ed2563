// The batcher: prediction calls wait in a queue at most maxWaitMs; then a batch takes calls in arrival order
// up to maxBatchTokens (estimated from the inputs' lengths) and the worker runs them as one set of mixed
// forwards (it sorts the rows by length and cuts them at the same budget). One batch runs at a time; calls
// that arrive meanwhile form the next one, which starts as soon as the worker is free.
//   cross    a batch mixes adapters (the default)
//   adapter  a batch holds one adapter's calls (what servers without mixed batches can do)
//   none     a batch is one call
import type { PredictInput, PredictResult } from "../pipelines/index.js";
import type { ServerMetrics } from "./metrics.js";
import type { ModelWorker } from "./model-worker.js";

export type BatchingMode = "cross" | "adapter" | "none";
export const BATCHING_MODES: readonly BatchingMode[] = ["cross", "adapter", "none"];

interface Queued {
  adapter: string;
  inputs: PredictInput[];
  tokens: number;
  resolve(results: PredictResult[]): void;
  reject(err: Error): void;
}

export interface BatcherOptions {
  mode: BatchingMode;
  maxWaitMs: number;
  maxBatchTokens: number;
  maxSeqLength: number;
}

/** Tokens an input will take, from its characters (about 4 per word piece), special tokens included. */
function estimateTokens(input: PredictInput, maxSeqLength: number): number {
  const chars =
    typeof input === "string"
      ? input.length
      : "tokens" in input
        ? input.tokens.join(" ").length + 4
        : input.text.length + ("textPair" in input && input.textPair ? input.textPair.length : 0);
  return Math.min(maxSeqLength, Math.ceil(chars / 4) + 3);
}

export class Batcher {
  private readonly queue: Queued[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly worker: ModelWorker,
    private readonly options: BatcherOptions,
    private readonly metrics: ServerMetrics,
  ) {}

  submit(adapter: string, inputs: PredictInput[]): Promise<PredictResult[]> {
    return new Promise((resolve, reject) => {
      const tokens = inputs.reduce((n, x) => n + estimateTokens(x, this.options.maxSeqLength), 0);
      this.queue.push({ adapter, inputs, tokens, resolve, reject });
      this.metrics.queueDepth.set(this.queue.length);
      this.schedule();
    });
  }

  get depth(): number {
    return this.queue.length;
  }

  /** Resolves when nothing is queued or running (for shutdown). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.running) {
      if (this.running) await this.running;
      else this.pump();
    }
  }

  private schedule(): void {
    if (this.running) return; // the next batch starts when this one ends
    const queuedTokens = this.queue.reduce((n, q) => n + q.tokens, 0);
    if (queuedTokens >= this.options.maxBatchTokens || this.options.maxWaitMs <= 0) {
      this.pump();
    } else {
      this.timer ??= setTimeout(() => this.pump(), this.options.maxWaitMs);
    }
  }

  private take(): Queued[] {
    const { mode, maxBatchTokens } = this.options;
    if (mode === "none") return this.queue.splice(0, 1);
    const adapter = this.queue[0].adapter;
    const batch: Queued[] = [];
    let tokens = 0;
    for (let i = 0; i < this.queue.length;) {
      const q = this.queue[i];
      const fits = batch.length === 0 || tokens + q.tokens <= maxBatchTokens;
      if (fits && (mode === "cross" || q.adapter === adapter)) {
        batch.push(q);
        tokens += q.tokens;
        this.queue.splice(i, 1);
      } else if (!fits) {
        break;
      } else {
        i++;
      }
    }
    return batch;
  }

  private pump(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running || this.queue.length === 0) return;
    const batch = this.take();
    this.metrics.queueDepth.set(this.queue.length);
    this.running = this.run(batch).finally(() => {
      this.running = null;
      if (this.queue.length > 0) this.pump(); // they waited while this batch ran
    });
  }

  private async run(batch: Queued[]): Promise<void> {
    try {
      const { outcomes, forwards } = await this.worker.predict(
        batch.map((q) => ({ adapter: q.adapter, inputs: q.inputs })),
        {
          maxSeqLength: this.options.maxSeqLength,
          maxBatchTokens: this.options.maxBatchTokens,
        },
      );
      this.metrics.batchCalls.observe(batch.length);
      this.metrics.batchAdapters.observe(new Set(batch.map((q) => q.adapter)).size);
      for (const f of forwards) {
        this.metrics.batchRows.observe(f.rows);
        this.metrics.batchTokens.observe(f.tokens);
      }
      outcomes.forEach((o, i) => (o instanceof Error ? batch[i].reject(o) : batch[i].resolve(o)));
    } catch (err) {
      for (const q of batch) q.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
