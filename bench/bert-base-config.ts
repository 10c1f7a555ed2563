// BERT-base as Hugging Face's config.json says it (bert-base-uncased's values), for the benchmarks.
// hiddenAct: "gelu" is the erf GELU (bert-base-uncased's), "gelu_new" BERT's original tanh form.
export function bertBaseConfig(hiddenAct: "gelu" | "gelu_new") {
  return {
    model_type: "bert", vocab_size: 30522, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12,
    intermediate_size: 3072, hidden_act: hiddenAct, hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1,
    max_position_embeddings: 512, type_vocab_size: 2, layer_norm_eps: 1e-12, initializer_range: 0.02,
  };
}
