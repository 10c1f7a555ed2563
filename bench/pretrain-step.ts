// `npm run bench:pretrain`: one masked-LM pretraining step of the mini BERT (4 layers, 256 wide, 4 heads, FFN
// 1024, BERT uncased vocab, 32 x 128 tokens, 15% of them predicted through the tied decoder, AdamW, global
// norm clip 1.0, no dropout: `adapterkit pretrain`'s defaults), AdapterKit next to an equivalent PyTorch
// model (bench/pretrain_step_torch.py) on the same CPU, one after the other. Throughput only: both sides start
// from their own random weights, so their losses are not compared (the parity tests check the maths).
// tokens/s = B·T / median step time after 3 warm-up steps; compare the ratio, not absolute figures.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Engine } from "../src/autograd/index.js";
import { backendChoiceFromEnv, loadBackend } from "../src/kernels/index.js";
import { BertModel, fromHfConfig, MaskedLmHead } from "../src/models/index.js";
import { maskBatch, maskingVocab } from "../src/pretrain/index.js";
import { Rng } from "../src/rng.js";
import { fromVocabFile } from "../src/tokenize/index.js";
import { Adam, clipGradNorm } from "../src/train/index.js";
import { median } from "./stats.js";

const PYTHON = "/usr/bin/python3";
const TORCH_SCRIPT = fileURLToPath(new URL("../../bench/pretrain_step_torch.py", import.meta.url));
const VOCAB = fileURLToPath(new URL("../../data/vocab/bert-base-uncased/vocab.txt", import.meta.url));
const B = 32;
const T = 128;
const WARMUP = 3;
const STEPS = 20;

function adapterKitStepSeconds(): number[] {
  const tokenizer = fromVocabFile(VOCAB, { lowercase: true });
  const config = fromHfConfig({
    model_type: "bert", vocab_size: tokenizer.vocabSize, hidden_size: 256, num_hidden_layers: 4, num_attention_heads: 4,
    intermediate_size: 1024, max_position_embeddings: T, type_vocab_size: 2, hidden_act: "gelu", hidden_dropout_prob: 0, attention_probs_dropout_prob: 0,
  }, "bench");
  const engine = new Engine({ backend: loadBackend(backendChoiceFromEnv(process.env.ADAPTERKIT_BACKEND), console.error) });
  const model = new BertModel(engine, config, { seed: 0 });
  const head = new MaskedLmHead(engine, config, model.embeddings.word.weight, new Rng(1));
  const trainable = [...model.namedParameters().filter(([n]) => !n.startsWith("pooler.")), ...head.namedParameters("mlm.")];
  const params = trainable.map(([, t]) => t);
  const adam = new Adam(trainable, { variant: "torch", beta2: 0.98, weightDecay: 0.01 });
  const vocab = maskingVocab(tokenizer);
  const rng = new Rng(2);
  const bodies = Int32Array.from({ length: B * (T - 2) }, () => 1000 + rng.int(tokenizer.vocabSize - 1000));
  const ctx = { training: true, rng: new Rng(3) };
  const seconds: number[] = [];
  for (let step = 0; step < WARMUP + STEPS; step++) {
    const started = performance.now();
    for (const p of params) p.zeroGrad();
    const batch = maskBatch(bodies, B, vocab, { probability: 0.15, wholeWord: false }, new Rng(100 + step));
    const out = model.forward(batch.input, ctx);
    const loss = head.loss(head.forward(out.lastHidden, batch.positions), batch.labels);
    loss.item();
    engine.backward(loss);
    engine.release();
    clipGradNorm(params, 1.0);
    adam.step(1e-4);
    if (step >= WARMUP) seconds.push((performance.now() - started) / 1000);
  }
  return seconds;
}

const ak = median(adapterKitStepSeconds());
console.log(`AdapterKit  ${(B * T / ak).toFixed(0).padStart(6)} tokens/s  (median step ${(ak * 1000).toFixed(0)} ms, ${B} x ${T})`);
const torch = spawnSync(PYTHON, [TORCH_SCRIPT, String(B), String(T), String(WARMUP), String(STEPS)], {
  encoding: "utf8", env: { ...process.env, OMP_WAIT_POLICY: "PASSIVE" }, stdio: ["ignore", "pipe", "pipe"],
});
if (torch.status !== 0) {
  console.log(`PyTorch: ${PYTHON} ${TORCH_SCRIPT} failed (apt-get install python3-torch?): ${torch.stderr.trim().split("\n").pop() ?? ""}`);
} else {
  const pt = Number(torch.stdout.trim());
  console.log(`PyTorch     ${(B * T / pt).toFixed(0).padStart(6)} tokens/s  (median step ${(pt * 1000).toFixed(0)} ms, Debian python3-torch, 2 threads)`);
  console.log(`ratio (AdapterKit / PyTorch tokens/s): ${(pt / ak).toFixed(2)}x`);
}
