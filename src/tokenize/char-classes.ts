// The character classes BERT's basic tokenizer is defined with (google-research/bert tokenization.py,
// mirrored by Hugging Face's BertNormalizer and BertPreTokenizer). Each takes one code point as a string.

const WHITE_SPACE = /^\p{White_Space}$/u;
const OTHER = /^\p{C}$/u;
const PUNCTUATION = /^\p{P}$/u;

/** Tab, newline, carriage return, or any Unicode White_Space character (Rust's char::is_whitespace). */
export function isBertWhitespace(ch: string): boolean {
  if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") return true;
  return WHITE_SPACE.test(ch);
}

/**
 * Any "other" (C*) character except tab, newline and carriage return, which BERT counts as whitespace.
 * C* includes Cf (zero-width joiners, BOM), Co, Cs and unassigned code points, as Python's
 * `unicodedata.category(ch).startswith("C")` does.
 */
export function isBertControl(ch: string): boolean {
  if (ch === "\t" || ch === "\n" || ch === "\r") return false;
  return OTHER.test(ch);
}

/**
 * BERT's _is_chinese_char: the CJK Unified Ideographs blocks (not Hangul, Hiragana or Katakana, which are
 * written with spaces between words). Ranges as in tokenization.py; note Hugging Face's Rust normalizer
 * has 0x2B920 where the Python original has 0x2B820, so U+2B820..U+2B91F differ there.
 */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** BERT's _is_punctuation: all non-alphanumeric ASCII (33-47, 58-64, 91-96, 123-126), such as "$" and "^", plus Unicode P*. */
export function isBertPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  if (cp < 128) return false;
  return PUNCTUATION.test(ch);
}
