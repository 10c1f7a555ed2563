// What a pretraining run leaves beside its model: a model card (README.md) with the corpus, size, steps,
// time and held-out scores, and a page with the loss and held-out curves.
import { escapeHtml, lineChart } from "../train/index.js";
import type { PretrainConfig, PretrainHistory } from "./loop.js";

export interface PretrainSummary {
  name: string;
  architecture: { layers: number; hidden: number; heads: number; intermediate: number; vocab: number; maxPositions: number };
  parameters: number;
  seqLength: number;
  config: PretrainConfig;
  /** Every file trained on, with its token count. */
  corpus: { file: string; tokens: number }[];
  heldOut: { file: string; sequences: number; maskedTokens: number };
  history: PretrainHistory;
  stepsDone: number;
  command: string;
  storage: string;
  /** The runs this one continued (--init-from), oldest first, as their own metrics files tell it. */
  startedFrom: EarlierRun[];
  /** Row norm of the sinusoids the position embeddings were set to before training (--position-init). */
  positionInit: number | null;
  /** Whether BERT's next-sentence task was trained alongside masked LM. */
  nextSentence: boolean;
}

export interface EarlierRun {
  dir: string;
  steps: number;
  tokens: number;
  seconds: number;
  accuracy: number | null;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

export function modelCard(s: PretrainSummary): string {
  const a = s.architecture;
  const last = s.history.evals.at(-1);
  const c = s.config;
  const corpusTokens = s.corpus.reduce((n, f) => n + f.tokens, 0);
  return `# ${s.name}

A BERT (uncased WordPiece vocabulary) pretrained from scratch by AdapterKit's \`adapterkit pretrain\` on a
2-core CPU, with masked-language modelling${s.nextSentence || s.startedFrom.length ? "" : " only"}. No outside weights were used. It exists so that AdapterKit's
demo, experiments and tests run on a base that has learnt English, on machines where no pretrained model can
be had. It is far weaker than Google's BERT-mini of the same shape, pretrained on BookCorpus and English
Wikipedia (3.3 billion words).

| layers | hidden | heads | FFN | vocab | positions | parameters | stored as |
|---|---|---|---|---|---|---|---|
| ${a.layers} | ${a.hidden} | ${a.heads} | ${a.intermediate} | ${a.vocab} | ${a.maxPositions} | ${s.parameters.toLocaleString("en")} | ${s.storage} |

## Held-out masked-LM score
On ${escapeMd(s.heldOut.file)} (never trained on): ${s.heldOut.sequences} sequences, ${s.heldOut.maskedTokens.toLocaleString("en")} masked
tokens, the same masks at every evaluation.
${last ? `After step ${last.step}: **masked-token accuracy ${pct(last.accuracy)}**, loss ${last.loss.toFixed(3)} (perplexity ${Math.exp(last.loss).toFixed(1)})${last.nextSentenceAccuracy === undefined ? "" : `; next-sentence accuracy ${pct(last.nextSentenceAccuracy)} on ${s.heldOut.sequences} held-out pairs (half of them true continuations)`}.` : "Not evaluated yet."}

## Training
- Steps: ${s.stepsDone.toLocaleString("en")} of ${c.totalSteps.toLocaleString("en")} optimizer steps of ${c.gradAccumulation * c.batchSize} sequences x ${s.seqLength} tokens; ${s.history.tokensSeen.toLocaleString("en")} tokens seen.
- Time: ${(s.history.seconds / 3600).toFixed(2)} hours of wall time on 2 CPU cores.
- Objective: BERT masking of ${pct(c.masking.probability)} of the tokens (80% [MASK], 10% random, 10% kept)${c.masking.wholeWord ? ", whole words" : ""}; loss at the masked positions only; the MLM decoder is tied to the input embeddings. ${s.nextSentence ? "Plus BERT's next-sentence task on the pooled [CLS] output: each packed sequence is cut at a random point into segments A and B with a [SEP] between (token types 0 and 1), and half the time B is replaced by text from a random other sequence; this trains the pooler, which Adapter-BERT's classifier reads frozen." : "No next-sentence task: sequences are packed end to end across sentences (RoBERTa's FULL-SENTENCES), so the pooler is untrained."}
- Optimizer: AdamW (beta2 ${c.beta2}, eps 1e-6, weight decay ${c.weightDecay}), peak learning rate ${c.lr}, ${c.warmupSteps} warmup steps then linear decay to zero, gradient clipping at ${c.clipNorm}, dropout off (config.json sets 0.1 for fine-tuning).
${continuedFrom(s)}${s.positionInit === null ? "" : `- Position embeddings set to sinusoids of row norm ${s.positionInit} before this run (then trained as usual): with random N(0, 0.02) position rows the earlier run had become a bag-of-words model.\n`}- Command: \`${escapeMd(s.command)}\`

## Corpus
${corpusTokens.toLocaleString("en")} tokens from ${s.corpus.length} files (train splits only; no dev or test split):

| file | tokens |
|---|---|
${s.corpus.map((f) => `| ${escapeMd(f.file)} | ${f.tokens.toLocaleString("en")} |`).join("\n")}

The curves are in pretraining-report.html; the numbers in pretraining-metrics.json.
`;
}

/** One line per earlier stage, then the totals over all of them and this run. */
function continuedFrom(s: PretrainSummary): string {
  if (!s.startedFrom.length) return "";
  const stages = s.startedFrom.map((r) => `\`${escapeMd(r.dir)}\` (${r.steps.toLocaleString("en")} steps, ${r.tokens.toLocaleString("en")} tokens, ${(r.seconds / 3600).toFixed(2)} hours${r.accuracy === null ? "" : `, held-out accuracy ${pct(r.accuracy)}`})`);
  const all = [...s.startedFrom, { steps: s.stepsDone, tokens: s.history.tokensSeen, seconds: s.history.seconds }];
  const sum = (k: "steps" | "tokens" | "seconds"): number => all.reduce((n, r) => n + r[k], 0);
  return `- Continued from earlier runs of this command, oldest first: ${stages.join("; ")}. In all: ${sum("steps").toLocaleString("en")} steps, ${sum("tokens").toLocaleString("en")} tokens, ${(sum("seconds") / 3600).toFixed(2)} hours.\n`;
}

function escapeMd(s: string): string {
  return s.replace(/\|/g, "\\|");
}

export async function reportPage(s: PretrainSummary): Promise<string> {
  const stride = Math.max(1, Math.ceil(s.history.steps.length / 500));
  const steps = s.history.steps.filter((_, i) => i % stride === 0 || i === s.history.steps.length - 1);
  const charts = [
    await lineChart("Training loss (masked tokens)", steps.map((x) => ({ step: x.step, loss: x.loss })), "step", "loss"),
    await lineChart("Learning rate", steps.map((x) => ({ step: x.step, lr: x.lr })), "step", "lr"),
  ];
  const norms = steps.flatMap((x) => (x.gradNorm === undefined ? [] : [{ step: x.step, "gradient norm": x.gradNorm }]));
  if (norms.length) charts.push(await lineChart("Gradient norm before clipping", norms, "step", "gradient norm"));
  if (s.history.evals.length) {
    charts.push(await lineChart("Held-out masked-token accuracy", s.history.evals.map((e) => ({ step: e.step, accuracy: e.accuracy })), "step", "accuracy"));
    charts.push(await lineChart("Held-out loss", s.history.evals.map((e) => ({ step: e.step, loss: e.loss })), "step", "loss"));
  }
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(s.name)}: pretraining</title>
<style>body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;color:#222}svg{display:block;margin:1em 0}</style></head>
<body><h1>${escapeHtml(s.name)}: pretraining</h1>
<p>${s.stepsDone} of ${s.config.totalSteps} steps, ${s.history.tokensSeen.toLocaleString("en")} tokens, ${(s.history.seconds / 3600).toFixed(2)} h.</p>
${charts.join("\n")}
<h2>Corpus</h2><pre>${escapeHtml(s.corpus.map((f) => `${f.file}\t${f.tokens}`).join("\n"))}</pre>
</body></html>
`;
}
