// Hugging Face's clean_up_tokenization: undo the spaces a space-joined decode leaves before punctuation
// and English contractions ("do n't" stays, "is n't" -> "isn't", "hello ." -> "hello."). Applied to the
// whole decoded string when a tokenizer's clean_up_tokenization_spaces is on (BERT's default).

export function cleanUpTokenizationSpaces(text: string): string {
  return text
    .replaceAll(" .", ".")
    .replaceAll(" ?", "?")
    .replaceAll(" !", "!")
    .replaceAll(" ,", ",")
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}
