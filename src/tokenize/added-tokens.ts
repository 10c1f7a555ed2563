// Added tokens ([CLS], [MASK], <mask>, user-added words) are found in the text before the model sees it
// and map to their id directly: "a [MASK] b" keeps [MASK] whole instead of splitting it at the brackets.
// Matching is leftmost, longest token first, as Hugging Face's AddedVocabulary does.
import { isBertWhitespace } from "./char-classes.js";
import type { NormalizedString } from "./normalized-string.js";

export interface AddedToken {
  id: number;
  content: string;
  /** Special tokens are what decode({ skipSpecialTokens: true }) leaves out. */
  special: boolean;
  /** Also take the whitespace on the left (RoBERTa's <mask>: "a <mask>" keeps no "Ġ" before it). */
  lstrip: boolean;
  /** Also take the whitespace on the right. */
  rstrip: boolean;
  /** Match only where no letter, digit or "_" touches either side. */
  singleWord: boolean;
  /** Match in the normalized text (after lowercasing, ...) rather than in the raw text. */
  normalized: boolean;
}

/** A piece of the input: either an added token (with any whitespace it took) or plain text. */
export interface Segment {
  token: AddedToken | null;
  text: NormalizedString;
}

const WORD_CHAR = /^[\p{Alphabetic}\p{N}_]$/u;

interface Candidate {
  token: AddedToken;
  chars: string[];
}

export class AddedTokenMatcher {
  /** Candidates by first code point, longest first. */
  private readonly byFirstChar = new Map<string, Candidate[]>();

  constructor(tokens: readonly AddedToken[]) {
    for (const token of tokens) {
      const chars = [...token.content];
      if (chars.length === 0) continue;
      const list = this.byFirstChar.get(chars[0]) ?? [];
      list.push({ token, chars });
      list.sort((a, b) => b.chars.length - a.chars.length);
      this.byFirstChar.set(chars[0], list);
    }
  }

  get isEmpty(): boolean {
    return this.byFirstChar.size === 0;
  }

  split(input: NormalizedString): Segment[] {
    if (this.isEmpty) return [{ token: null, text: input }];
    const segments: Segment[] = [];
    const n = input.length;
    let plainStart = 0;
    let i = 0;
    while (i < n) {
      const found = this.matchAt(input, i);
      if (found === null) {
        i++;
        continue;
      }
      let start = i;
      let end = i + found.chars.length;
      if (found.token.lstrip) while (start > plainStart && isBertWhitespace(input.chars[start - 1])) start--;
      if (found.token.rstrip) while (end < n && isBertWhitespace(input.chars[end])) end++;
      if (start > plainStart) segments.push({ token: null, text: input.slice(plainStart, start) });
      segments.push({ token: found.token, text: input.slice(start, end) });
      plainStart = end;
      i = end;
    }
    if (plainStart < n) segments.push({ token: null, text: input.slice(plainStart, n) });
    return segments;
  }

  private matchAt(input: NormalizedString, at: number): Candidate | null {
    const candidates = this.byFirstChar.get(input.chars[at]);
    if (candidates === undefined) return null;
    for (const candidate of candidates) {
      const end = at + candidate.chars.length;
      if (end > input.length) continue;
      let same = true;
      for (let k = 1; k < candidate.chars.length && same; k++) same = input.chars[at + k] === candidate.chars[k];
      if (!same) continue;
      if (candidate.token.singleWord) {
        const touchesLeft = at > 0 && WORD_CHAR.test(input.chars[at - 1]);
        const touchesRight = end < input.length && WORD_CHAR.test(input.chars[end]);
        if (touchesLeft || touchesRight) continue;
      }
      return candidate;
    }
    return null;
  }
}
