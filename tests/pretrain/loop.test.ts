// The pretraining loop: the masked-LM loss falls, held-out scores are recorded, and a run stopped any
// number of times and resumed ends with the same weights, bit for bit, as one that never stopped.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Engine } from "../../src/autograd/index.js";
import { BertModel, fromHfConfig, MaskedLmHead, NextSentenceHead } from "../../src/models/index.js";
import {
  maskHeldOut, maskingVocab, readWikiText, runPretraining, TokenStream, type PretrainConfig,
} from "../../src/pretrain/index.js";
import { Rng } from "../../src/rng.js";
import { fromVocabFile } from "../../src/tokenize/index.js";
import { testBackend } from "../helpers/backend.js";
import { DATA } from "../helpers/data.js";

const tmp = mkdtempSync(join(tmpdir(), "adapterkit-pretrain-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const tokenizer = fromVocabFile(join(DATA, "vocab/bert-base-uncased/vocab.txt"), { lowercase: true });
const vocab = maskingVocab(tokenizer);
const stream = new TokenStream(tokenizer);
const paragraphs = readWikiText(join(DATA, "text/wikitext2-test/wiki.test.raw"));
stream.addDocument(paragraphs.slice(0, 60));
const train = stream.pack(14);
const heldOutStream = new TokenStream(tokenizer);
heldOutStream.addDocument(paragraphs.slice(100, 110));
const heldOutAll = heldOutStream.pack(14);
const heldOut = maskHeldOut({ ...heldOutAll, count: 8, tokens: heldOutAll.tokens.subarray(0, 8 * 14) }, 4, vocab, { probability: 0.15, wholeWord: false });

const modelConfig = fromHfConfig({
  model_type: "bert", vocab_size: tokenizer.vocabSize, hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2,
  intermediate_size: 32, max_position_embeddings: 16, type_vocab_size: 2, hidden_act: "gelu", hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1,
});
const config: PretrainConfig = {
  batchSize: 4, gradAccumulation: 2, totalSteps: 8, lr: 2e-2, warmupSteps: 2, weightDecay: 0.01, beta2: 0.98, clipNorm: 1, seed: 5,
  masking: { probability: 0.15, wholeWord: true }, evalEverySteps: 4, checkpointEveryMinutes: 60, maxMinutes: null, stopAtStep: null,
};

async function run(dir: string, stopAfter: number | null, stopAtStep: number | null = null, withNextSentence = false) {
  const engine = new Engine({ backend: testBackend() });
  const model = new BertModel(engine, modelConfig, { seed: 1 });
  const head = new MaskedLmHead(engine, modelConfig, model.embeddings.word.weight, new Rng(2));
  const nextSentence = withNextSentence ? new NextSentenceHead(engine, modelConfig, new Rng(3)) : undefined;
  const trainable = [
    ...model.namedParameters().filter(([n]) => nextSentence || !n.startsWith("pooler.")), ...head.namedParameters("mlm."), ...(nextSentence?.namedParameters("nsp.") ?? []),
  ];
  let steps = 0;
  const result = await runPretraining({
    engine, model, head, nextSentence, trainable, train, heldOut: withNextSentence ? heldOutPairs : heldOut, vocab, config: { ...config, stopAtStep }, checkpointDir: dir,
    shouldStop: () => stopAfter !== null && steps >= stopAfter,
    events: { onStep: () => { steps++; } },
  });
  return { result, weights: trainable.map(([n, t]) => [n, Float32Array.from(t.data)] as const) };
}

const heldOutPairs = maskHeldOut({ ...heldOutAll, count: 8, tokens: heldOutAll.tokens.subarray(0, 8 * 14) }, 4, vocab, { probability: 0.15, wholeWord: false }, true);

describe("pretraining loop", () => {
  it("learns, scores the held-out text, and resumes to the same weights bit for bit", async () => {
    assert.ok(train.count >= 3 * config.batchSize * config.gradAccumulation, "the corpus spans several epochs' worth of batches");
    const whole = await run(join(tmp, "whole"), null);
    assert.equal(whole.result.finished, true);
    const losses = whole.result.history.steps.map((s) => s.loss);
    assert.equal(losses.length, 8);
    assert.ok(losses.at(-1)! < losses[0] - 0.5, `masked-LM loss falls: ${losses[0]} -> ${losses.at(-1)}`);
    assert.deepEqual(whole.result.history.evals.map((e) => e.step), [4, 8]);
    for (const e of whole.result.history.evals) assert.ok(e.accuracy >= 0 && e.accuracy <= 1 && Number.isFinite(e.loss));

    const dir = join(tmp, "stopped");
    const first = await run(dir, null, 3); // --stop-at 3
    assert.equal(first.result.finished, false);
    assert.equal(first.result.position.step, 3);
    const second = await run(dir, 2); // stops again after 2 more steps
    assert.equal(second.result.position.step, 5);
    const last = await run(dir, null);
    assert.equal(last.result.finished, true);
    assert.deepEqual(last.result.history.steps.map((s) => s.loss), losses, "same losses step by step");
    assert.deepEqual(last.result.history.evals, whole.result.history.evals);
    for (let i = 0; i < whole.weights.length; i++) {
      assert.deepEqual(last.weights[i], whole.weights[i], `${whole.weights[i][0]} identical`);
    }
  });

  it("with the next-sentence task: trains the pooler, scores held-out pairs, and resumes bit for bit", async () => {
    const whole = await run(join(tmp, "nsp-whole"), null, null, true);
    const steps = whole.result.history.steps;
    assert.ok(steps.every((s) => s.nextSentenceLoss !== undefined && Number.isFinite(s.nextSentenceLoss)));
    for (const e of whole.result.history.evals) assert.ok(e.nextSentenceAccuracy! >= 0 && e.nextSentenceAccuracy! <= 1);
    const pooler = whole.weights.find(([n]) => n === "pooler.weight")![1];
    const initial = new BertModel(new Engine({ backend: testBackend() }), modelConfig, { seed: 1 }).pooler?.weight.data ?? [];
    assert.notDeepEqual(pooler, Float32Array.from(initial), "the pooler trains");
    const dir = join(tmp, "nsp-stopped");
    await run(dir, null, 3, true);
    const last = await run(dir, null, null, true);
    for (let i = 0; i < whole.weights.length; i++) assert.deepEqual(last.weights[i], whole.weights[i], `${whole.weights[i][0]} identical`);
  });
});
