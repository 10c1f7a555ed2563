// Text after normalization, one code point per entry, each remembering the [start, end) span of the
// original text it came from (UTF-16 units, so `text.slice(start, end)` works). Normalization drops,
// replaces and expands characters; carrying the spans along is what lets every token report offsets
// into the string the caller passed, as Hugging Face's Rust NormalizedString does.

export class NormalizedString {
  /** chars[i] is one code point; starts[i], ends[i] its span in the original text. */
  constructor(
    readonly chars: readonly string[],
    readonly starts: readonly number[],
    readonly ends: readonly number[],
  ) {}

  /** The code points of text[from, to), each spanning itself. */
  static fromText(text: string, from = 0, to = text.length): NormalizedString {
    const chars: string[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    let i = from;
    while (i < to) {
      const cp = text.codePointAt(i) ?? 0;
      const width = cp > 0xffff ? 2 : 1;
      chars.push(text.slice(i, i + width));
      starts.push(i);
      ends.push(i + width);
      i += width;
    }
    return new NormalizedString(chars, starts, ends);
  }

  get length(): number {
    return this.chars.length;
  }

  text(): string {
    return this.chars.join("");
  }

  /**
   * Replaces each code point by `replace(ch)`: zero code points (dropped), one, or several (expanded).
   * Every output code point keeps the span of the input code point it came from.
   */
  map(replace: (ch: string) => string): NormalizedString {
    const chars: string[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    for (let i = 0; i < this.chars.length; i++) {
      const ch = this.chars[i];
      const out = replace(ch);
      if (out === ch) {
        chars.push(ch);
        starts.push(this.starts[i]);
        ends.push(this.ends[i]);
        continue;
      }
      for (const piece of out) {
        chars.push(piece);
        starts.push(this.starts[i]);
        ends.push(this.ends[i]);
      }
    }
    return new NormalizedString(chars, starts, ends);
  }

  /** Code points [from, to). */
  slice(from: number, to: number): NormalizedString {
    return new NormalizedString(this.chars.slice(from, to), this.starts.slice(from, to), this.ends.slice(from, to));
  }

  /** `ch` in front, with an empty span at the start of the first code point: it comes from no original text. */
  prepend(ch: string): NormalizedString {
    const at = this.starts.length > 0 ? this.starts[0] : 0;
    return new NormalizedString([ch, ...this.chars], [at, ...this.starts], [at, ...this.ends]);
  }
}
