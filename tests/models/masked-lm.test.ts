// The masked-LM head: logits only at the masked positions, the decoder tied to the word embeddings (its
// gradient reaches the embedding table, added to the lookup's), and Hugging Face's names for its weights.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Engine, gradcheck } from "../../src/autograd/index.js";
import { refBackend } from "../../src/kernels/index.js";
import { BertModel, fromHfConfig, MaskedLmHead, maskedLmHfName } from "../../src/models/index.js";
import { Rng } from "../../src/rng.js";

const config = fromHfConfig({
  model_type: "bert", vocab_size: 13, hidden_size: 6, num_hidden_layers: 1, num_attention_heads: 2,
  intermediate_size: 8, max_position_embeddings: 8, type_vocab_size: 2, hidden_act: "gelu", hidden_dropout_prob: 0, attention_probs_dropout_prob: 0,
});

describe("masked-LM head", () => {
  it("scores the masked positions against the tied embeddings, with correct gradients through both uses", () => {
    const e = new Engine({ backend: refBackend, precision: "float64" });
    const model = new BertModel(e, config, { seed: 3 });
    const head = new MaskedLmHead(e, config, model.embeddings.word.weight, new Rng(4));
    const table = model.embeddings.word.weight;
    const input = { ids: Int32Array.from([2, 5, 7, 3, 2, 9, 11, 3]), batchSize: 2, seqLength: 4 };
    const positions = Int32Array.from([1, 6]);
    const ctx = { training: false, rng: new Rng(0) };

    const logits = e.noGrad(() => head.forward(model.forward(input, ctx).lastHidden, positions));
    assert.deepEqual(logits.shape, [2, 13]);
    e.release();

    const result = gradcheck(() => head.forward(model.forward(input, ctx).lastHidden, positions), [table, head.bias, head.transform.dense.weight], { rtol: 1e-4, atol: 1e-6 });
    assert.deepEqual(result.mismatches, []);
    assert.ok(result.checked > 13 * 6);
  });

  it("has Hugging Face's BertForMaskedLM names", () => {
    const e = new Engine({ backend: refBackend });
    const model = new BertModel(e, config);
    const head = new MaskedLmHead(e, config, model.embeddings.word.weight, new Rng(1));
    assert.deepEqual(head.namedParameters().map(([n]) => maskedLmHfName(n)), [
      "cls.predictions.bias",
      "cls.predictions.transform.dense.weight", "cls.predictions.transform.dense.bias",
      "cls.predictions.transform.LayerNorm.weight", "cls.predictions.transform.LayerNorm.bias",
    ]);
  });
});
