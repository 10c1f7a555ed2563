// BERT's word splitting (Hugging Face BertPreTokenizer): whitespace separates words and is dropped;
// every punctuation character is a word of its own ("don't" -> "don", "'", "t").
import { isBertPunctuation, isBertWhitespace } from "../char-classes.js";
import type { NormalizedString } from "../normalized-string.js";
import type { PreTokenizer } from "../pipeline.js";

export class BertPreTokenizer implements PreTokenizer {
  split(input: NormalizedString): NormalizedString[] {
    const words: NormalizedString[] = [];
    let wordStart = 0;
    const flush = (end: number): void => {
      if (end > wordStart) words.push(input.slice(wordStart, end));
    };
    for (let i = 0; i < input.length; i++) {
      const ch = input.chars[i];
      if (isBertWhitespace(ch)) {
        flush(i);
        wordStart = i + 1;
      } else if (isBertPunctuation(ch)) {
        flush(i);
        words.push(input.slice(i, i + 1));
        wordStart = i + 1;
      }
    }
    flush(input.length);
    return words;
  }
}
