// GPT-2 / RoBERTa byte-level pre-tokenization (Hugging Face ByteLevel): optionally put a space in front,
// cut with GPT-2's regex, then spell each piece as its UTF-8 bytes in the byte alphabet. Each byte keeps the
// span of the character it came from, so a token holding part of a character reports the whole character.
import { BYTE_TO_CHAR, utf8Bytes } from "../byte-alphabet.js";
import { NormalizedString } from "../normalized-string.js";
import type { PreTokenizer } from "../pipeline.js";

export interface ByteLevelOptions {
  /** Put a space in front of text that does not start with one, so a first word looks like any other (" Hello"). */
  addPrefixSpace: boolean;
  /** Cut with the GPT-2 regex; false keeps the text as one word. */
  useRegex: boolean;
}

// GPT-2's pattern. Hugging Face compiles it with Oniguruma, whose \s is the Unicode White_Space property;
// JavaScript's \s differs (it adds U+FEFF and lacks U+0085), so \s is spelled out as \p{White_Space}.
const GPT2_PATTERN =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

/** The byte-alphabet spelling of a space: a token's leading or trailing "Ġ" is left out of its offsets. */
export const BYTE_LEVEL_SPACE = BYTE_TO_CHAR[0x20];

export class ByteLevelPreTokenizer implements PreTokenizer {
  constructor(readonly options: ByteLevelOptions) {}

  split(input: NormalizedString): NormalizedString[] {
    if (input.length === 0) return [];
    const text = this.options.addPrefixSpace && input.chars[0] !== " " ? input.prepend(" ") : input;
    return cutWithPattern(text, this.options.useRegex).map(toBytes);
  }
}

/** The pieces the pattern matches, plus whatever lies between matches (Hugging Face's "Isolated" split). */
function cutWithPattern(input: NormalizedString, useRegex: boolean): NormalizedString[] {
  if (!useRegex) return [input];
  const joined = input.text();
  // UTF-16 index of each code point boundary, to turn match positions into code point indices.
  const charAtUnit = new Int32Array(joined.length + 1);
  let unit = 0;
  for (let c = 0; c < input.length; c++) {
    charAtUnit[unit] = c;
    unit += input.chars[c].length;
  }
  charAtUnit[joined.length] = input.length;
  const pieces: NormalizedString[] = [];
  let covered = 0;
  for (const match of joined.matchAll(GPT2_PATTERN)) {
    const index = match.index ?? 0;
    if (match[0].length === 0) continue;
    if (index > covered) pieces.push(input.slice(charAtUnit[covered], charAtUnit[index]));
    pieces.push(input.slice(charAtUnit[index], charAtUnit[index + match[0].length]));
    covered = index + match[0].length;
  }
  if (covered < joined.length) pieces.push(input.slice(charAtUnit[covered], input.length));
  return pieces;
}

function toBytes(piece: NormalizedString): NormalizedString {
  const chars: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < piece.length; i++) {
    for (const b of utf8Bytes(piece.chars[i].codePointAt(0) ?? 0)) {
      chars.push(BYTE_TO_CHAR[b]);
      starts.push(piece.starts[i]);
      ends.push(piece.ends[i]);
    }
  }
  return new NormalizedString(chars, starts, ends);
}

/**
 * Offsets of the bytes [from, to) of `word` without leading and trailing spaces (Hugging Face's
 * trim_offsets), so " Hello" reports the span of "Hello". A token of spaces only gets an empty span at its end.
 */
export function trimmedByteLevelOffsets(word: NormalizedString, from: number, to: number): [number, number] {
  let first = from;
  while (first < to && word.chars[first] === BYTE_LEVEL_SPACE) first++;
  let last = to - 1;
  while (last >= first && word.chars[last] === BYTE_LEVEL_SPACE) last--;
  if (first > last) return [word.ends[to - 1], word.ends[to - 1]];
  return [word.starts[first], word.ends[last]];
}
