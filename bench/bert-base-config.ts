// BERT-base as Hugging Face's config.json says it (bert-base-uncased's values), for the benchmarks, and their
// random token batches. hiddenAct: "gelu" is the erf GELU (bert-base-uncased's), "gelu_new" BERT's original tanh form.
import type { Rng } from "../src/rng.js";

export function bertBaseConfig(hiddenAct: "gelu" | "gelu_new") {
  return {
    model_type: "bert", vocab_size: 30522, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12,
    intermediate_size: 3072, hidden_act: hiddenAct, hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1,
    max_position_embeddings: 512, type_vocab_size: 2, layer_norm_eps: 1e-12, initializer_range: 0.02,
  };
}

/** B rows of T token ids for the benches: [CLS] (101), random word pieces past the first 1,000 ids, [SEP] (102). */
export function randomTokenIds(B: number, T: number, vocab: number, rng: Rng): number[] {
  const ids: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) ids.push(t === 0 ? 101 : t === T - 1 ? 102 : 1000 + rng.int(vocab - 1000));
  }
  return ids;
}
