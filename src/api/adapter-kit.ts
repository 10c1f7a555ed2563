// The AdapterKit class: what a Node developer imports. One frozen base model and its tokenizer, any number of
// named adapters over it, predictions that batch rows of many adapters into one forward, and training that
// returns its summary. The CLI, the experiments and the server are thin callers of this class.
//
//   const kit = await AdapterKit.load("MODEL_DIR");
//   await kit.loadAdapter("sentiment", "runs/sst2/adapter");
//   const out = await kit.predict("sentiment", ["a gem of a film"]);
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Engine, type Tensor } from "../autograd/index.js";
import { AdapterSet, checkAdapterName, forwardAdapters, loadAdapter, type Adapter, type AdapterInfo } from "../adapters/index.js";
import { batchOrder, collate } from "../data/index.js";
import { ConfigError } from "../errors.js";
import { loadBackend, type BackendChoice, type LinearPrecision } from "../kernels/index.js";
import { loadPretrained, type BertConfig, type BertModel } from "../models/index.js";
import { encodeEntityTypingInput, encodeRelationInput, pipelineFor, type PipelineRow, type PredictInput, type PredictResult, type SpanRow } from "../pipelines/index.js";
import { maskRows, rowsOf } from "../nn/index.js";
import { Rng } from "../rng.js";
import { loadTokenizer, type Tokenizer } from "../tokenize/index.js";
import { evaluate, resolveTask, TaskModel, type Prediction, type RunOutcome, type TaskSpec } from "../train/index.js";
import {
  KnowledgeTaskAdapter,
  loadKnowledgeTaskFolder,
  pretrainKnowledgeAdapter,
  TASK_CONFIG_FILE,
  trainKnowledgeTask,
  type KnowledgeContext,
  type KnowledgePretrainArgs,
  type KnowledgeTaskArgs,
} from "../kadapter/index.js";
import { calibrationInput } from "./calibration.js";
import { checkPrecision, checkTrainable, checkTrainPrecision, fp32Fingerprint, ownEncoder, runnablePrecision } from "./precision.js";
import { lengthBatches } from "./length-batches.js";
import { trainAdapter, type TrainArgs, type TrainContext, type TrainSummary } from "./train.js";

export interface LoadOptions {
  /** Kernels: "auto" (native when built, else the reference kernels, said through log), "native" or "ref". */
  backend?: BackendChoice;
  /** Lowercase text (a vocab.txt model without tokenizer_config.json); default: the tokenizer's own setting. */
  lowercase?: boolean;
  /** Refuse checkpoint tensors that are not encoder weights (default: skip them and say so through log). */
  strict?: boolean;
  /**
   * How the frozen base's Linear weights are packed, once, at load: "fp32" (default: the GEMM's own panels, the
   * same products without re-packing each weight at every call) or "int8" (per output channel, activations
   * quantized per row at run time; inference only) or "bf16" (weights and activations rounded to bfloat16, fp32
   * sums; inference and training adapters). An int8 or bf16 kit keeps no fp32 copy of those weights. Where the
   * CPU has no kernel for them (AVX-512 VNNI, AVX-512 BF16) the kit runs fp32 and says so through log.
   */
  precision?: LinearPrecision;
  /** int8: texts the fp32 base runs once at load to calibrate the activation ranges (default: 16 built-in English sentences). */
  calibration?: readonly string[];
  /** Where the kit says what it chose (kernels, skipped tensors); default: standard error. */
  log?: (line: string) => void;
}

export interface PredictOptions {
  /** Tokens per input, special tokens included; longer inputs are truncated (default 128). */
  maxSeqLength?: number;
  /** Padded tokens per forward (rows x longest row), across adapters (default 4096). */
  maxBatchTokens?: number;
  /** How errors name input i (default "inputs[i]"); the CLI names file and line. */
  inputName?: (index: number) => string;
}

/** One row of a mixed batch: which adapter runs on which input. */
export interface PredictRequest {
  readonly adapter: string;
  readonly input: PredictInput;
}

export interface EvaluateSummary {
  split: "dev" | "train";
  examples: number;
  loss: number | null;
  metrics: Record<string, number>;
  primaryMetric: string;
  predictions: Prediction[];
}

const stderr = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export class AdapterKit {
  private readonly set = new AdapterSet();
  /** K-Adapter downstream tasks, under names distinct from the bottleneck adapters'. */
  private readonly tasks = new Map<string, KnowledgeTaskAdapter>();
  private readonly lastUsed = new Map<string, number>();
  private baseFingerprint: string | null = null;

  private constructor(
    readonly engine: Engine,
    /** The frozen base encoder; nothing in the kit writes its tensors. */
    readonly base: BertModel,
    readonly tokenizer: Tokenizer,
    readonly modelDir: string,
    readonly kernels: string,
    private readonly lowercase: boolean | undefined,
    private readonly log: (line: string) => void,
  ) {}

  private wordTokenizerCache: Tokenizer | null = null;

  /** Tokenizer for pre-split words (CoNLL): byte-level BPE needs a space before each word, as Hugging Face's add_prefix_space. */
  private wordTokenizer(): Tokenizer {
    if (this.tokenizer.kind !== "bpe") return this.tokenizer;
    this.wordTokenizerCache ??= loadTokenizer(this.modelDir, { lowercase: this.lowercase, addPrefixSpace: true });
    return this.wordTokenizerCache;
  }

  /** Loads the base model and its tokenizer from a model directory (Hugging Face or Google's TF layout). */
  static async load(modelDir: string, options: LoadOptions = {}): Promise<AdapterKit> {
    const log = options.log ?? stderr;
    const asked = checkPrecision(options.precision ?? "fp32");
    const backend = loadBackend(options.backend ?? "auto", log);
    const precision = runnablePrecision(asked, backend, log);
    const engine = new Engine({ backend });
    const pretrained = await loadPretrained(engine, modelDir, { strict: options.strict });
    for (const t of pretrained.model.parameters()) t.requiresGrad = false; // frozen: no step may ever write it
    const tokenizer = loadTokenizer(modelDir, { lowercase: options.lowercase });
    const calibration = precision === "int8" ? calibrationInput(tokenizer, options.calibration) : null;
    // the packed weights are all an int8 or bf16 base reads: its fp32 copies go (a run that needs them reads the checkpoint again)
    const { packedBytes, freedBytes: freed } = pretrained.model.packWeights(precision, calibration, { dropFp32: precision !== "fp32" });
    const c = pretrained.config;
    const how = precision === "fp32" ? "fp32" : `${precision} (${backend.linearKernel(precision)})`;
    const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
    log(
      `model ${modelDir}: ${c.modelType}, ${c.numLayers} layers, hidden ${c.hiddenSize}, ${c.numHeads} heads (${pretrained.format}); kernels: ${backend.name}; Linear weights packed once as ${how}, ${mib(packedBytes)}${freed ? ` (their fp32 copies, ${mib(freed)}, freed)` : ""}`,
    );
    for (const note of pretrained.notes) log(`  ${note}`);
    if (calibration)
      log(
        `  int8: activation ranges calibrated on ${options.calibration ? `your ${calibration.batchSize}` : `${calibration.batchSize} built-in English`} sentences (${calibration.batchSize * calibration.seqLength} padded tokens)${options.calibration ? "" : "; pass calibration: [...] with text of your domain to calibrate on it"}`,
      );
    if (pretrained.unexpected.length)
      log(`  skipped ${pretrained.unexpected.length} checkpoint tensors that are not encoder weights (e.g. ${pretrained.unexpected.slice(0, 2).join(", ")})`);
    return new AdapterKit(engine, pretrained.model, tokenizer, modelDir, backend.name, options.lowercase, log);
  }

  get config(): BertConfig {
    return this.base.config;
  }

  /** How the base's Linear weights run: "fp32", "int8" or "bf16" (see LoadOptions.precision). */
  get precision(): LinearPrecision {
    return this.base.packedAs ?? "fp32";
  }

  /**
   * Loads an adapter folder under `name`: AdapterHub's layout (a bottleneck, LayerNorm-only or head-only
   * adapter), or a K-Adapter task folder (task_config.json; it must have run over this base). With replace, a
   * loaded adapter of that name is swapped for the new one once it has loaded.
   */
  async loadAdapter(name: string, dir: string, options: { replace?: boolean } = {}): Promise<AdapterInfo> {
    checkAdapterName(name);
    if (this.has(name) && !options.replace)
      throw new ConfigError(`adapter "${name}": expected a new name, got one that is loaded; hint: unload it first or pass { replace: true }`);
    if (existsSync(join(dir, TASK_CONFIG_FILE))) {
      this.baseFingerprint ??= await fp32Fingerprint(this.base, this.modelDir, this.log);
      const task = await loadKnowledgeTaskFolder(this.engine, dir, this.base, name, this.baseFingerprint);
      if (this.set.has(name)) this.set.remove(name);
      this.tasks.set(name, task);
      return task.info();
    }
    const adapter = await loadAdapter(this.engine, dir, this.base, name);
    this.tasks.delete(name);
    this.set.add(adapter, { replace: true });
    return adapter.info();
  }

  /** Puts an adapter built in memory (a training run's) under its own name. */
  addAdapter(adapter: Adapter, options: { replace?: boolean } = {}): void {
    if (this.tasks.has(adapter.name) && !options.replace) throw new ConfigError(`adapter "${adapter.name}": expected a new name, got one that is loaded; hint: unload it first`);
    this.tasks.delete(adapter.name);
    this.set.add(adapter, options);
  }

  has(name: string): boolean {
    return this.set.has(name) || this.tasks.has(name);
  }

  unloadAdapter(name: string): void {
    if (!this.tasks.delete(name)) this.set.remove(name);
    this.lastUsed.delete(name);
  }

  /** The loaded adapters: name, kind, head kind, labels, parameters, bytes in memory, when last used (ms since epoch, or null). */
  adapters(): (AdapterInfo & { lastUsed: number | null })[] {
    return [...this.set.info(), ...[...this.tasks.values()].map((t) => t.info())].map((a) => ({ ...a, lastUsed: this.lastUsed.get(a.name) ?? null }));
  }

  adapter(name: string): Adapter {
    return this.set.get(name);
  }

  /** One adapter over many inputs -> one result per input, in order. */
  predict(adapter: string, inputs: readonly PredictInput[], options?: PredictOptions): Promise<PredictResult[]>;
  /** Several adapters over the same inputs -> per adapter, one result per input. */
  predict(adapters: readonly string[], inputs: readonly PredictInput[], options?: PredictOptions): Promise<Record<string, PredictResult[]>>;
  async predict(adapters: string | readonly string[], inputs: readonly PredictInput[], options: PredictOptions = {}): Promise<PredictResult[] | Record<string, PredictResult[]>> {
    if (!Array.isArray(inputs)) throw new ConfigError(`predict: expected an array of inputs, got ${typeof inputs}`);
    if (typeof adapters === "string")
      return this.run(
        inputs.map((input) => ({ adapter: adapters, input })),
        options,
      );
    if (new Set(adapters).size !== adapters.length) throw new ConfigError(`predict: expected distinct adapter names, got ${adapters.join(", ")}`);
    // the input replicated per adapter, all rows in one set of batches
    const n = inputs.length;
    const name = options.inputName ?? ((i: number) => `inputs[${i}]`);
    const results = await this.run(
      adapters.flatMap((adapter) => inputs.map((input) => ({ adapter, input }))),
      { ...options, inputName: (i) => name(i % n) },
    );
    return Object.fromEntries(adapters.map((a, i) => [a, results.slice(i * inputs.length, (i + 1) * inputs.length)]));
  }

  /**
   * Any mix of (adapter, input) rows -> one result per row, in order. Rows are sorted by length and cut into
   * batches of at most maxBatchTokens padded tokens, whatever their adapters; each batch is one mixed forward.
   */
  async run(requests: readonly PredictRequest[], options: PredictOptions = {}): Promise<PredictResult[]> {
    const maxLength = this.checkOptions(options);
    // validate every row before any compute: one bad row fails the call, naming it
    const rows = requests.map((r, i) => this.encodeRow(r, i, maxLength, options.inputName?.(i) ?? `inputs[${i}]`));
    const results = new Array<PredictResult>(rows.length);
    this.forwardRows(rows, results, options.maxBatchTokens ?? 4096);
    return results;
  }

  /**
   * Independent calls (a server's queue) in one set of batches: each call's inputs are checked on their own,
   * so a bad call gets its error and the others their results; rows of every call and adapter share the
   * forwards. Also returns each forward's rows and padded tokens.
   */
  async predictCalls(
    calls: readonly { adapter: string; inputs: readonly PredictInput[] }[],
    options: PredictOptions = {},
  ): Promise<{
    outcomes: ({ results: PredictResult[] } | { error: Error })[];
    forwards: { rows: number; tokens: number }[];
  }> {
    const maxLength = this.checkOptions(options);
    const rows: BatchRow[] = [];
    const spans = calls.map((call): { start: number; end: number } | { error: Error } => {
      try {
        const own = call.inputs.map((input, i) => this.encodeRow({ adapter: call.adapter, input }, rows.length + i, maxLength, `inputs[${i}]`));
        rows.push(...own);
        return { start: rows.length - own.length, end: rows.length };
      } catch (err) {
        return { error: err as Error };
      }
    });
    const results = new Array<PredictResult>(rows.length);
    const forwards = this.forwardRows(rows, results, options.maxBatchTokens ?? 4096);
    const outcomes = spans.map((s) => ("error" in s ? { error: s.error } : { results: results.slice(s.start, s.end) }));
    return { outcomes, forwards };
  }

  private checkOptions(options: PredictOptions): number {
    const maxLength = options.maxSeqLength ?? 128;
    const budget = options.maxBatchTokens ?? 4096;
    if (!(Number.isInteger(maxLength) && maxLength >= 2 && maxLength <= this.config.maxPositions - this.config.positionOffset)) {
      throw new ConfigError(`predict: expected maxSeqLength in [2,${this.config.maxPositions - this.config.positionOffset}], got ${maxLength}`);
    }
    if (!(Number.isInteger(budget) && budget >= maxLength)) throw new ConfigError(`predict: expected maxBatchTokens >= maxSeqLength (${maxLength}), got ${budget}`);
    return maxLength;
  }

  /** One input for one adapter -> its token row (index: its place in the results). */
  private encodeRow(r: PredictRequest, index: number, maxLength: number, where: string): BatchRow {
    const task = this.tasks.get(r.adapter);
    if (task) {
      const row =
        task.kind === "entity-typing"
          ? encodeEntityTypingInput(this.tokenizer, r.input, task.labels, maxLength, where)
          : encodeRelationInput(this.tokenizer, r.input, task.labels, maxLength, where);
      return { route: task, row, index };
    }
    const adapter = this.set.get(r.adapter);
    return { route: adapter, row: pipelineFor(adapter.head.config).encode(this.tokenizer, r.input, maxLength, where), index };
  }

  /** Rows sorted by length, cut at the token budget whatever their adapters, one mixed forward each. */
  private forwardRows(rows: readonly BatchRow[], results: PredictResult[], budget: number): { rows: number; tokens: number }[] {
    const now = Date.now();
    for (const r of rows) this.lastUsed.set(r.route.name, now);
    return lengthBatches(rows, budget).map((batch) => {
      this.forwardBatch(batch, results);
      return { rows: batch.length, tokens: batch.length * Math.max(...batch.map((r) => r.row.ids.length)) };
    });
  }

  /**
   * Scores a loaded adapter on a task's dev split (or its train split): the task's metrics, the mean loss and
   * the predictions. The task is read with the adapter's labels; a label the adapter lacks is an error.
   */
  evaluate(adapterName: string, task: TaskSpec, options: { split?: "dev" | "train"; maxExamples?: number; maxSeqLength?: number; batchSize?: number } = {}): EvaluateSummary {
    const adapter = this.set.get(adapterName);
    const head = adapter.head.config;
    const resolved = resolveTask({ ...task, labels: head.kind === "regression" ? undefined : head.labels });
    if (resolved.kind !== head.kind) throw new ConfigError(`adapter "${adapterName}": expected a ${head.kind} task for its head, got a ${resolved.kind} task`);
    const split = options.split ?? "dev";
    const encoded = resolved.encode(resolved.kind === "tagging" ? this.wordTokenizer() : this.tokenizer, options.maxSeqLength ?? 128);
    const all = split === "train" ? encoded.train : encoded.dev;
    if (!all || all.length === 0) throw new ConfigError(`evaluate: the task has no ${split} examples`);
    const examples = options.maxExamples ? all.slice(0, options.maxExamples) : all;
    const pad = this.tokenizer.specialTokenIds.pad ?? 0;
    const batches = batchOrder(examples, options.batchSize ?? 32, null).map((idx) =>
      collate(
        idx.map((i) => examples[i]),
        resolved.kind,
        pad,
      ),
    );
    const result = evaluate(this.engine, new TaskModel(this.base, adapter), batches, resolved.kind);
    this.lastUsed.set(adapterName, Date.now());
    const { metrics } = resolved.score(result.predictions, examples);
    return { split, examples: examples.length, loss: result.loss, metrics, primaryMetric: resolved.primaryMetric, predictions: result.predictions };
  }

  /** Trains a new adapter named args.adapter and keeps it loaded; returns the run's summary. */
  async train(args: TrainArgs): Promise<TrainSummary> {
    if (this.has(args.adapter) && !args.replace)
      throw new ConfigError(`train: an adapter named "${args.adapter}" is loaded; hint: unload it, pick another name or pass replace: true`);
    checkTrainPrecision(this.precision, args.options?.mode ?? "adapters", this.log);
    const { engine, base, tokenizer, modelDir, kernels, log } = this;
    const context: TrainContext = {
      engine,
      base,
      tokenizer,
      modelDir,
      kernels,
      wordTokenizer: () => this.wordTokenizer(),
      ownEncoder: (mode) => ownEncoder(base, modelDir, mode, log),
    };
    const { summary, adapter } = await trainAdapter(context, args);
    if (adapter) this.addAdapter(adapter, { replace: true });
    return summary;
  }

  /** K-Adapter: pretrains one knowledge adapter beside the frozen base (relation or dependency task). */
  pretrainKnowledgeAdapter(args: KnowledgePretrainArgs): Promise<RunOutcome & { adapterDir: string }> {
    checkTrainable("pretrainKnowledgeAdapter", this.precision);
    return pretrainKnowledgeAdapter(this.knowledgeContext(), args);
  }

  /** K-Adapter: entity typing or relation classification with knowledge adapters (a fine-tuned PLM is the run's own copy). */
  trainKnowledgeTask(args: KnowledgeTaskArgs): Promise<RunOutcome> {
    checkTrainable("trainKnowledgeTask", this.precision);
    return trainKnowledgeTask(this.knowledgeContext(), args);
  }

  private knowledgeContext(): KnowledgeContext {
    return { engine: this.engine, base: this.base, tokenizer: this.tokenizer, kernels: this.kernels, modelDir: this.modelDir };
  }

  /** One mixed forward: bottleneck adapters route inside the encoder; K-Adapter tasks read its hidden states. */
  private forwardBatch(batch: readonly BatchRow[], results: PredictResult[]): void {
    // rows of one adapter side by side, so the routed forward merges its groups back without a gather
    const first = new Map<BatchRow["route"], number>();
    batch.forEach((r, i) => {
      if (!first.has(r.route)) first.set(r.route, i);
    });
    const order = [...batch].sort((a, b) => (first.get(a.route) ?? 0) - (first.get(b.route) ?? 0)); // stable
    const input = collate(
      order.map((r) => ({ ids: r.row.ids, typeIds: r.row.typeIds, target: null, source: `inputs[${r.index}]` })),
      "classification",
      this.tokenizer.specialTokenIds.pad ?? 0,
    );
    const T = input.seqLength;
    const ctx = { training: false, rng: new Rng(0) };
    const decode = (rows: Int32Array, logits: Tensor): void => {
      const width = logits.size / rows.length;
      rows.forEach((b, j) => {
        const r = order[b];
        results[r.index] = r.row.decode(logits.data, j * width, T);
      });
    };
    this.engine.noGrad(() => {
      const rowAdapters = order.map((r) => (r.route instanceof KnowledgeTaskAdapter ? null : r.route));
      const needsHidden = order.some((r) => r.route instanceof KnowledgeTaskAdapter);
      const { groups, output } = forwardAdapters(this.base, input, rowAdapters, ctx, { hiddenStates: needsHidden });
      for (const g of groups) decode(g.rows, g.logits);
      for (const task of new Set(order.flatMap((r) => (r.route instanceof KnowledgeTaskAdapter ? [r.route] : [])))) {
        const rows = Int32Array.from(order.flatMap((r, b) => (r.route === task ? [b] : [])));
        const markers = Int32Array.from([...rows].flatMap((b) => [...(order[b].row as SpanRow<PredictResult>).markers]));
        const hidden = (output.hiddenStates ?? []).map((h) => rowsOf(h, rows));
        decode(rows, task.logits(hidden, maskRows(input.attentionMask, rows, T), markers, ctx));
      }
    });
    this.engine.release();
  }
}

type BatchRow = { route: Adapter | KnowledgeTaskAdapter; row: PipelineRow<PredictResult> | SpanRow<PredictResult>; index: number };
