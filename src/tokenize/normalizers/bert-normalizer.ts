// BERT's text normalization (Hugging Face BertNormalizer; BasicTokenizer in the Python original), in the
// order of the Rust implementation: clean the text, space out CJK ideographs, strip accents, lowercase.
// Every step maps one code point to zero or more, so each code point goes through all steps at once.
import { isBertControl, isBertWhitespace, isChineseChar } from "../char-classes.js";
import type { NormalizedString } from "../normalized-string.js";
import type { Normalizer } from "../pipeline.js";

export interface BertNormalizerOptions {
  /** Drop U+0000, U+FFFD and control characters; turn every whitespace character into " ". */
  cleanText: boolean;
  /** Put spaces around CJK ideographs so that each becomes its own word. */
  handleChineseChars: boolean;
  /** NFD, then drop nonspacing marks (Mn). null: strip exactly when lowercasing, as BERT does. */
  stripAccents: boolean | null;
  /** Lowercase (uncased models). */
  lowercase: boolean;
}

const NONSPACING_MARK = /^\p{Mn}$/u;

export class BertNormalizer implements Normalizer {
  private readonly stripAccents: boolean;

  constructor(readonly options: BertNormalizerOptions) {
    this.stripAccents = options.stripAccents ?? options.lowercase;
  }

  normalize(input: NormalizedString): NormalizedString {
    return input.map((ch) => this.normalizeChar(ch));
  }

  private normalizeChar(ch: string): string {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) return this.normalizeAscii(ch, cp);
    if (this.options.cleanText) {
      if (cp === 0xfffd || isBertControl(ch)) return "";
      if (isBertWhitespace(ch)) return " ";
    }
    let out = this.options.handleChineseChars && isChineseChar(cp) ? ` ${ch} ` : ch;
    if (this.stripAccents) out = stripNonspacingMarks(out.normalize("NFD"));
    // One code point at a time, as Rust's char::to_lowercase: a whole-string toLowerCase would turn a
    // word-final capital sigma into "ς" (Final_Sigma), which the Rust normalizer does not.
    if (this.options.lowercase) out = lowercaseEachCodePoint(out);
    return out;
  }

  private normalizeAscii(ch: string, cp: number): string {
    if (this.options.cleanText) {
      if (cp === 0x09 || cp === 0x0a || cp === 0x0d) return " ";
      // U+0000, the other C0 controls (including \v and \f) and DEL are Cc: dropped.
      if (cp < 0x20 || cp === 0x7f) return "";
    }
    if (this.options.lowercase && cp >= 0x41 && cp <= 0x5a) return String.fromCharCode(cp + 32);
    return ch;
  }
}

function stripNonspacingMarks(text: string): string {
  let out = "";
  for (const ch of text) if (!NONSPACING_MARK.test(ch)) out += ch;
  return out;
}

function lowercaseEachCodePoint(text: string): string {
  let out = "";
  for (const ch of text) out += ch.toLowerCase();
  return out;
}
