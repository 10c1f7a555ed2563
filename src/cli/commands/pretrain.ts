// adapterkit pretrain: a BERT from scratch with masked-language modelling on plain text, stopped and resumed
// as often as needed (checkpoints every few minutes, exact resume), written as a Hugging Face directory with
// a model card.
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { Engine, type Tensor } from "../../autograd/index.js";
import { ConfigError } from "../../errors.js";
import { readCheckpointDir, toFloat32, writeFileAtomic, writeFilesAtomic, type TensorRecord } from "../../io/index.js";
import { backendChoiceFromEnv, loadBackend } from "../../kernels/index.js";
import { BertModel, fromHfConfig, hfModelFiles, mapCheckpoint, MaskedLmHead, maskedLmHfName, NextSentenceHead, nextSentenceHfName, type BertConfig } from "../../models/index.js";
import {
  defaultCorpus,
  fillSinusoidalPositions,
  maskHeldOut,
  maskingVocab,
  modelCard,
  readCorpusSource,
  readWikiText,
  reportPage,
  runPretraining,
  sourceFiles,
  TokenStream,
  type CorpusSource,
  type PackedSequences,
  type PretrainConfig,
  type PretrainSummary,
} from "../../pretrain/index.js";
import { Rng } from "../../rng.js";
import { fromVocabFile, type Tokenizer } from "../../tokenize/index.js";
import { Progress } from "../progress.js";
import { DATA_DEFAULT, dataDir, fullDataDir, integer, log, number } from "../setup.js";

interface PretrainFlags {
  out: string;
  checkpointDir?: string;
  data: string;
  text?: string[];
  taskTextWeight?: number;
  heldOut?: string;
  heldOutSequences: number;
  vocab?: string;
  name: string;
  layers: number;
  hidden: number;
  heads: number;
  intermediate?: number;
  maxPositions: number;
  seqLength: number;
  batchSize: number;
  gradAccumulation: number;
  steps: number;
  lr: number;
  warmupSteps: number;
  weightDecay: number;
  beta2: number;
  dropout: number;
  maskProbability: number;
  wholeWordMask: boolean;
  seed: number;
  evalEvery: number;
  checkpointMinutes: number;
  maxMinutes?: number;
  stopAt?: number;
  initFrom?: string;
  positionInit?: number;
  nextSentence: boolean;
}

// Settings that change what is computed: a resumed run must use the same ones.
const FIXED_KEYS = [
  "layers",
  "hidden",
  "heads",
  "intermediate",
  "maxPositions",
  "seqLength",
  "batchSize",
  "gradAccumulation",
  "steps",
  "lr",
  "warmupSteps",
  "weightDecay",
  "beta2",
  "dropout",
  "maskProbability",
  "wholeWordMask",
  "seed",
  "text",
  "taskTextWeight",
  "vocab",
  "initFrom",
  "positionInit",
  "nextSentence",
] as const;

export async function pretrain(flags: PretrainFlags): Promise<void> {
  if (flags.taskTextWeight !== undefined) {
    if (flags.taskTextWeight < 1) throw new ConfigError(`pretrain: --task-text-weight: expected an integer >= 1, got ${flags.taskTextWeight}`);
    if (flags.text) throw new ConfigError("pretrain: --task-text-weight weighs the default corpus's task splits; it cannot go with --text");
  }
  const checkpointDir = flags.checkpointDir ?? `${flags.out}-checkpoints`;
  const vocabPath = flags.vocab ?? join(flags.data, "vocab/bert-base-uncased/vocab.txt");
  await checkSameSettings(checkpointDir, { ...flags, vocab: vocabPath });

  const tokenizer = fromVocabFile(vocabPath, { lowercase: true });
  const { train, corpus } = packCorpus(flags, tokenizer);
  const masking = { probability: flags.maskProbability, wholeWord: flags.wholeWordMask };
  const vocab = maskingVocab(tokenizer);
  const heldOutPath = flags.heldOut ?? join(flags.data, "text/wikitext2-test/wiki.test.raw");
  const heldOut = maskHeldOut(packHeldOut(heldOutPath, flags, tokenizer), flags.batchSize, vocab, masking, flags.nextSentence);

  const hfConfig = {
    model_type: "bert",
    vocab_size: tokenizer.vocabSize,
    hidden_size: flags.hidden,
    num_hidden_layers: flags.layers,
    num_attention_heads: flags.heads,
    intermediate_size: flags.intermediate ?? 4 * flags.hidden,
    max_position_embeddings: flags.maxPositions,
    type_vocab_size: 2,
    hidden_act: "gelu",
  };
  const trainingConfig = fromHfConfig({ ...hfConfig, hidden_dropout_prob: flags.dropout, attention_probs_dropout_prob: flags.dropout }, "pretrain");
  const shippedConfig = fromHfConfig(hfConfig, "pretrain");
  const backend = loadBackend(backendChoiceFromEnv(process.env.ADAPTERKIT_BACKEND), log);
  const engine = new Engine({ backend });
  const model = new BertModel(engine, trainingConfig, { seed: flags.seed });
  const head = new MaskedLmHead(engine, trainingConfig, model.embeddings.word.weight, new Rng(flags.seed + 1));
  const nextSentence = flags.nextSentence ? new NextSentenceHead(engine, trainingConfig, new Rng(flags.seed + 2)) : undefined;
  const heads = { mlm: head, nextSentence };
  const startedFrom = flags.initFrom ? await initFrom(flags.initFrom, model, heads, trainingConfig) : [];
  if (flags.positionInit !== undefined) fillSinusoidalPositions(model.embeddings.position.weight, flags.positionInit);
  // masked LM alone leaves the pooler unused: leaving it out then spares its optimizer state
  const trainable = [
    ...model.namedParameters().filter(([n]) => nextSentence || !n.startsWith("pooler.")),
    ...head.namedParameters("mlm."),
    ...(nextSentence?.namedParameters("nsp.") ?? []),
  ];
  const parameters = [model, head, ...(nextSentence ? [nextSentence] : [])].reduce((n, m) => n + m.namedParameters().reduce((k, [, t]) => k + t.size, 0), 0);
  log(`model: ${flags.layers} layers, hidden ${flags.hidden}, ${flags.heads} heads, ${parameters.toLocaleString("en")} parameters; kernels: ${backend.name}`);

  const config: PretrainConfig = {
    batchSize: flags.batchSize,
    gradAccumulation: flags.gradAccumulation,
    totalSteps: flags.steps,
    lr: flags.lr,
    warmupSteps: flags.warmupSteps,
    weightDecay: flags.weightDecay,
    beta2: flags.beta2,
    clipNorm: 1.0,
    seed: flags.seed,
    masking,
    evalEverySteps: flags.evalEvery,
    checkpointEveryMinutes: flags.checkpointMinutes,
    maxMinutes: flags.maxMinutes ?? null,
    stopAtStep: flags.stopAt ?? null,
  };
  let stopRequested = false;
  const onSignal = (): void => {
    stopRequested = true;
    log("pretrain: stopping after this step (checkpoint first); send again to kill");
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const progress = new Progress("pretrain");
  let progressStarted = false;
  const result = await runPretraining({
    engine,
    model,
    head,
    nextSentence,
    trainable,
    train,
    heldOut,
    vocab,
    config,
    checkpointDir,
    shouldStop: () => stopRequested,
    events: {
      onStep: (s) => {
        if (!progressStarted) progress.start(s.totalSteps, s.step - 1);
        progressStarted = true;
        progress.update({ step: s.step, total: s.totalSteps, loss: s.loss, lr: s.lr, tokens: s.tokens });
      },
      onEval: (e) =>
        progress.log(
          `step ${e.step}: held-out masked-token accuracy ${(100 * e.accuracy).toFixed(2)}%, loss ${e.loss.toFixed(4)}${
            e.nextSentenceAccuracy === undefined ? "" : `; next-sentence accuracy ${(100 * e.nextSentenceAccuracy).toFixed(1)}%`
          }`,
        ),
    },
  });
  progress.stop();
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);

  const summary: PretrainSummary = {
    name: flags.name,
    architecture: {
      layers: flags.layers,
      hidden: flags.hidden,
      heads: flags.heads,
      intermediate: shippedConfig.intermediateSize,
      vocab: tokenizer.vocabSize,
      maxPositions: flags.maxPositions,
    },
    parameters,
    seqLength: flags.seqLength,
    config,
    corpus,
    heldOut: {
      file: displayPath(heldOutPath, flags.data),
      sequences: heldOut.reduce((n, b) => n + b.input.batchSize, 0),
      maskedTokens: heldOut.reduce((n, b) => n + b.labels.length, 0),
    },
    history: result.history,
    stepsDone: result.position.step,
    storage: "F16",
    command: `adapterkit ${process.argv.slice(2).join(" ")}`,
    startedFrom,
    positionInit: flags.positionInit ?? null,
    nextSentence: flags.nextSentence,
  };
  await exportModel(flags.out, model, heads, shippedConfig, vocabPath, summary);
  log(`${result.finished ? "finished" : "stopped"} at step ${result.position.step} of ${flags.steps}; wrote ${flags.out} (resume with the same command)`);
}

/** The training corpus tokenised and packed into sequences, and each file's token count for the card. */
function packCorpus(flags: PretrainFlags, tokenizer: Tokenizer): { train: PackedSequences; corpus: { file: string; tokens: number }[] } {
  const sources: CorpusSource[] = flags.text ? flags.text.map((path) => ({ kind: "text", path })) : defaultCorpus(flags.data, flags.taskTextWeight ?? 1);
  const stream = new TokenStream(tokenizer);
  const corpus: { file: string; tokens: number }[] = [];
  const started = Date.now();
  for (const source of sources) {
    const before = stream.tokenCount;
    const documents = readCorpusSource(source);
    for (let copy = 0; copy < (source.repeat ?? 1); copy++) for (const document of documents) stream.addDocument(document);
    const files = sourceFiles(source)
      .map((f) => displayPath(f, flags.data))
      .join(" + ");
    corpus.push({ file: source.repeat ? `${files} (x${source.repeat})` : files, tokens: stream.tokenCount - before });
  }
  const train = stream.pack(flags.seqLength - 2);
  log(
    `corpus: ${sources.length} sources, ${stream.tokenCount.toLocaleString("en")} tokens -> ${train.count.toLocaleString("en")} sequences of ${flags.seqLength} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return { train, corpus };
}

/** The first --held-out-sequences sequences of the held-out text. */
function packHeldOut(path: string, flags: PretrainFlags, tokenizer: Tokenizer): PackedSequences {
  const stream = new TokenStream(tokenizer);
  stream.addDocument(readWikiText(path));
  const all = stream.pack(flags.seqLength - 2);
  const count = Math.min(flags.heldOutSequences, all.count);
  return { ...all, count, tokens: all.tokens.subarray(0, count * all.bodyLength) };
}

/** The model directory: config, F16 weights with the MLM head, vocab, model card and the curves. */
async function exportModel(out: string, model: BertModel, heads: PretrainHeads, config: BertConfig, vocabPath: string, summary: PretrainSummary): Promise<void> {
  const extra: TensorRecord[] = headTensors(heads).map(([name, t]) => ({ name, dtype: "F32", shape: [...t.shape], data: Float32Array.from(t.data) }));
  await mkdir(out, { recursive: true });
  await writeFilesAtomic(out, {
    ...hfModelFiles(model, config, { storeAs: "F16", extra, metadata: { source: "adapterkit pretrain", steps: String(summary.stepsDone) } }),
    "vocab.txt": await readFile(vocabPath),
    "tokenizer_config.json": JSON.stringify({ do_lower_case: true, tokenizer_class: "BertTokenizer", model_max_length: config.maxPositions }, null, 2) + "\n",
    "README.md": modelCard(summary),
    "pretraining-report.html": await reportPage(summary),
    "pretraining-metrics.json": JSON.stringify({ ...summary, history: { ...summary.history, steps: undefined } }, null, 1) + "\n",
  });
}

interface PretrainHeads {
  mlm: MaskedLmHead;
  nextSentence?: NextSentenceHead;
}

/** The pretraining heads' tensors under their Hugging Face (BertForPreTraining) names. */
function headTensors(heads: PretrainHeads): [string, Tensor][] {
  return [
    ...heads.mlm.namedParameters().map(([n, t]): [string, Tensor] => [maskedLmHfName(n), t]),
    ...(heads.nextSentence?.namedParameters().map(([n, t]): [string, Tensor] => [nextSentenceHfName(n), t]) ?? []),
  ];
}

/** Starts from a model directory's weights (and its pretraining heads where it has them) instead of a random
 *  init; returns the chain of AdapterKit runs that made that directory, oldest first (empty if none wrote it). */
async function initFrom(dir: string, model: BertModel, heads: PretrainHeads, config: BertConfig): Promise<PretrainSummary["startedFrom"]> {
  const found = await readCheckpointDir(dir);
  const records = found.records.map((r) => ({ name: r.name, shape: r.shape, data: toFloat32(r) }));
  const mapped = mapCheckpoint(records, config, { allowUnexpected: true, source: found.weightsFile });
  model.loadWeights(mapped.params, found.weightsFile);
  const byName = new Map(records.map((r) => [r.name, r]));
  const headParams = headTensors(heads);
  const present = headParams.filter(([n]) => byName.has(n));
  for (const [n, t] of present) {
    const record = byName.get(n);
    if (record?.data.length !== t.size) throw new ConfigError(`${found.weightsFile}: expected ${t.size} values for "${n}", got ${record?.data.length}`);
    t.data.set(record.data);
  }
  const kind = (n: string): string => (n.startsWith("cls.predictions.") ? "MLM head" : "next-sentence head");
  const loaded = [...new Set(present.map(([n]) => kind(n)))];
  const fresh = [...new Set(headParams.filter(([n]) => !byName.has(n)).map(([n]) => kind(n)))];
  log(`initialised from ${dir} (${["encoder", ...loaded].join(" and ")}${fresh.length ? `; ${fresh.join(" and ")} fresh` : ""})`);
  const metricsFile = join(dir, "pretraining-metrics.json");
  if (!existsSync(metricsFile)) return [];
  const earlier = JSON.parse(await readFile(metricsFile, "utf8")) as Pick<PretrainSummary, "stepsDone" | "history" | "startedFrom">;
  return [
    ...(earlier.startedFrom ?? []),
    { dir, steps: earlier.stepsDone, tokens: earlier.history.tokensSeen, seconds: earlier.history.seconds, accuracy: earlier.history.evals.at(-1)?.accuracy ?? null },
  ];
}

function displayPath(path: string, dataRoot: string): string {
  const rel = relative(resolve(dataRoot), resolve(path));
  return rel.startsWith("..") ? path : `data/${rel}`;
}

async function checkSameSettings(checkpointDir: string, flags: PretrainFlags): Promise<void> {
  const path = join(checkpointDir, "pretrain-settings.json");
  const settings = Object.fromEntries(FIXED_KEYS.map((k) => [k, flags[k] ?? null]));
  if (existsSync(path)) {
    const before = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
    const same = (x: unknown, y: unknown): boolean => JSON.stringify(x ?? false) === JSON.stringify(y ?? false); // a setting added later reads as off
    const changed = FIXED_KEYS.filter((k) => !same(before[k], settings[k]));
    if (changed.length) {
      throw new ConfigError(
        `pretrain: ${checkpointDir} holds a run with other settings (${changed.map((k) => `${k}: ${JSON.stringify(before[k])} -> ${JSON.stringify(settings[k])}`).join(", ")}); hint: use the same flags to resume, or another --checkpoint-dir`,
      );
    }
    return;
  }
  await mkdir(checkpointDir, { recursive: true });
  await writeFileAtomic(path, JSON.stringify(settings, null, 2) + "\n");
}

export function registerPretrain(program: Command): void {
  program
    .command("pretrain")
    .description("pretrain a BERT from scratch with masked-language modelling (resumable; run the same command again to continue)")
    .requiredOption("--out <dir>", "model directory to write (Hugging Face layout, F16 weights, model card)")
    .option("--checkpoint-dir <dir>", "checkpoints for resume (default <out>-checkpoints)")
    .option("--data <dir>", `the data folder: default corpus, vocab and held-out text (the full folder; with --text, ${DATA_DEFAULT})`)
    .option("--text <files...>", "train on these plain-text files instead of the default corpus")
    .option("--task-text-weight <k>", "repeat the shared tasks' train splits k times in the default corpus (task-adaptive pretraining; default 1)", integer("task-text-weight"))
    .option("--held-out <file>", "held-out text for masked-token accuracy (default WikiText-2 test)")
    .option("--held-out-sequences <n>", "held-out sequences scored at each evaluation", integer("held-out-sequences"), 256)
    .option("--vocab <vocab.txt>", "WordPiece vocabulary (default the BERT uncased vocab under --data)")
    .option("--name <name>", "the model's name in its card", "adapterkit-mini-bert")
    .option("--layers <n>", "transformer layers", integer("layers"), 4)
    .option("--hidden <n>", "hidden size", integer("hidden"), 256)
    .option("--heads <n>", "attention heads", integer("heads"), 4)
    .option("--intermediate <n>", "FFN inner size (default 4·hidden)", integer("intermediate"))
    .option("--max-positions <n>", "position embeddings", integer("max-positions"), 512)
    .option("--seq-length <n>", "tokens per training sequence, [CLS] and [SEP] included", integer("seq-length"), 128)
    .option("--batch-size <n>", "sequences per micro-batch", integer("batch-size"), 64)
    .option("--grad-accumulation <n>", "micro-batches per optimizer step", integer("grad-accumulation"), 1)
    .option("--steps <n>", "optimizer steps of the whole run (the schedule spans them)", integer("steps"), 20000)
    .option("--lr <x>", "peak learning rate", number("lr"), 1e-3)
    .option("--warmup-steps <n>", "linear warmup steps", integer("warmup-steps"), 1000)
    .option("--weight-decay <x>", "decoupled weight decay (not on LayerNorm or bias)", number("weight-decay"), 0.01)
    .option("--beta2 <x>", "Adam beta2", number("beta2"), 0.98)
    .option("--dropout <p>", "dropout while pretraining (the shipped config says 0.1 for fine-tuning)", number("dropout"), 0)
    .option("--mask-probability <p>", "share of tokens to predict", number("mask-probability"), 0.15)
    .option("--whole-word-mask", "mask all the WordPiece pieces of a word together")
    .option("--seed <n>", "seed of initialisation, data order and masks", integer("seed"), 0)
    .option("--eval-every <n>", "score the held-out text every N steps", integer("eval-every"), 500)
    .option("--checkpoint-minutes <m>", "minutes between checkpoints", number("checkpoint-minutes"), 5)
    .option("--max-minutes <m>", "stop (checkpoint, write the model) after this many minutes", number("max-minutes"))
    .option("--stop-at <step>", "stop (checkpoint, write the model) on reaching this step; the schedule still spans --steps", integer("stop-at"))
    .option("--init-from <dir>", "start from this model directory's weights (continued pretraining) instead of a random init")
    .option("--next-sentence", "add BERT's next-sentence task (trains the pooler, which Adapter-BERT's classifier reads frozen)")
    .option("--position-init <norm>", "set the position embeddings to sinusoids of this row norm (after --init-from); they still train", number("position-init"))
    .action(async (flags: Omit<PretrainFlags, "data"> & { data?: string }) => {
      // the default corpus is the full one; with --text only the vocab and held-out text come from --data
      const data = flags.text ? dataDir(flags.data) : fullDataDir(flags.data, "pretrain on the default corpus");
      await pretrain({ ...flags, data, wholeWordMask: flags.wholeWordMask ?? false, nextSentence: flags.nextSentence ?? false });
    });
}
