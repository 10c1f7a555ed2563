// Tokenised examples for K-Adapter's tasks. Each carries `markers`: the token positions its head reads.
//   relation (TACRED format; also the factual adapter's pretraining task): "@" around the subject, "#"
//     around the object; markers [first "@", first "#"]; target the relation's class id.
//   entity typing (OpenEntity): "@" around the mention; markers [first "@"]; target multi-hot types.
//   dependency (the linguistic adapter's task): target per token: the position of the word's head (its
//     first sub-token; the root points at [CLS], position 0), on each word's first sub-token, -100 elsewhere.
// An example whose markers (or, for dependency, every head) would be cut off by maxLength cannot be
// classified: it is left out and listed in `dropped`.
//
// Token ids are the reference's (microsoft/K-Adapter examples/utils_glue.py). Under WordPiece, encoding the
// marked text or words in one go gives them. Under byte-level BPE (RoBERTa) the reference tokenizes each piece
// between markers on its own with pytorch_transformers' tokenize, which strips the piece and adds no prefix
// space, so the first word of every piece and every marker lack the leading "Ġ" that one-go encoding gives
// them ("@", "She", not "Ġ@", "ĠShe"): those inputs are built piece by piece here.
import { ConfigError, FormatError } from "../errors.js";
import { labelsToTokens, type Tokenizer } from "../tokenize/index.js";
import type { EncodedExample } from "./batching.js";
import type { DependencyExample, EntityTypingExample, RelationExample, TokenSpan } from "./readers/index.js";
import { ENTITY_MARKER, markEntityText, markRelationWords, OBJECT_MARKER, SUBJECT_MARKER } from "./readers/index.js";

export interface MarkedEncoding {
  examples: EncodedExample[];
  /** Sources of the examples left out because maxLength cut off what their head reads. */
  dropped: string[];
}

/** One input's ids and the token positions its head reads (-1 where truncation cut one off). */
export interface MarkedInput {
  ids: Int32Array;
  typeIds: Int32Array;
  positions: number[];
}

type Piece = { readonly text: string } | { readonly marker: string };

/**
 * The reference's byte-level input: <s>, each piece's tokens (a text piece stripped and encoded without
 * special tokens or prefix space; a marker as its own vocabulary token), </s>, truncated to maxLength before
 * </s>. Returns each piece's first token position (-1 when cut off or empty) and, per token, its piece and
 * [start, end) within the stripped piece text.
 */
function encodePieces(tokenizer: Tokenizer, pieces: readonly Piece[], maxLength: number) {
  const ids: number[] = [];
  const tokenPiece: number[] = [];
  const offsets: Array<[number, number]> = [];
  const starts: number[] = [];
  pieces.forEach((piece, p) => {
    starts.push(1 + ids.length);
    if ("marker" in piece) {
      const id = tokenizer.tokenToId(piece.marker);
      if (id === undefined) throw new ConfigError(`K-Adapter input: expected the marker "${piece.marker}" in the tokenizer's vocabulary, got none`);
      ids.push(id);
      tokenPiece.push(p);
      offsets.push([0, 0]);
      return;
    }
    const text = piece.text.trim();
    if (!text) return;
    const enc = tokenizer.encode(text, null, { addSpecialTokens: false });
    if (enc.tokens[0]?.startsWith("Ġ")) {
      throw new ConfigError(
        `K-Adapter input: this byte-level tokenizer adds a prefix space (add_prefix_space true in its files); K-Adapter's reference encodes each piece without one`,
      );
    }
    enc.ids.forEach((id, t) => {
      ids.push(id);
      tokenPiece.push(p);
      offsets.push(enc.offsets[t]);
    });
  });
  const { cls, sep, bos, eos } = tokenizer.specialTokenIds;
  const open = cls ?? bos;
  const close = sep ?? eos;
  if (open === null || close === null) throw new ConfigError(`K-Adapter input: expected the tokenizer to have <s> and </s> (or [CLS] and [SEP]), got none`);
  const kept = Math.max(0, Math.min(ids.length, maxLength - 2));
  const positions = starts.map((s, p) => (s - 1 < kept && tokenPiece[s - 1] === p ? s : -1));
  return {
    ids: Int32Array.from([open, ...ids.slice(0, kept), close]),
    typeIds: new Int32Array(kept + 2),
    positions,
    tokenPiece: tokenPiece.slice(0, kept),
    offsets: offsets.slice(0, kept),
  };
}

/** OpenEntity: the mention [start, end) of text marked with "@"; positions [first "@"]. */
export function encodeMention(tokenizer: Tokenizer, text: string, start: number, end: number, maxLength: number): MarkedInput {
  const marked = markEntityText(text, start, end); // validates the span
  if (tokenizer.kind === "bpe") {
    const pieces = [{ text: text.slice(0, start) }, { marker: ENTITY_MARKER }, { text: text.slice(start, end) }, { marker: ENTITY_MARKER }, { text: text.slice(end) }];
    const enc = encodePieces(tokenizer, pieces, maxLength);
    return { ids: enc.ids, typeIds: enc.typeIds, positions: [enc.positions[1]] };
  }
  const enc = tokenizer.encode(marked.text, null, { maxLength, truncation: "longest_first" });
  const marker = enc.offsets.findIndex(([s, e], t) => enc.specialTokensMask[t] === 0 && s === marked.firstMarker && e > s);
  return { ids: enc.ids, typeIds: enc.typeIds, positions: [marker] };
}

/** TACRED: words with "@" around the subject and "#" around the object; positions [first "@", first "#"]. */
export function encodeRelationSpans(tokenizer: Tokenizer, words: readonly string[], subject: TokenSpan, object: TokenSpan, maxLength: number): MarkedInput {
  const marked = markRelationWords(words, subject, object); // validates the spans
  if (tokenizer.kind === "bpe") {
    // the reference's order: the text before the first span, its marker, the span, its marker, ... as " "-joined words
    const subjectFirst = subject[0] < object[0];
    const [a, b] = subjectFirst ? [subject, object] : [object, subject];
    const [ma, mb] = subjectFirst ? [SUBJECT_MARKER, OBJECT_MARKER] : [OBJECT_MARKER, SUBJECT_MARKER];
    const text = (from: number, to: number): Piece => ({ text: words.slice(from, to).join(" ") });
    const pieces = [text(0, a[0]), { marker: ma }, text(a[0], a[1] + 1), { marker: ma }, text(a[1] + 1, b[0]), { marker: mb }, text(b[0], b[1] + 1), { marker: mb }, text(b[1] + 1, words.length)];
    const { ids, typeIds, positions } = encodePieces(tokenizer, pieces, maxLength);
    return { ids, typeIds, positions: subjectFirst ? [positions[1], positions[5]] : [positions[5], positions[1]] };
  }
  const enc = tokenizer.encodePretokenized(marked.words, null, { maxLength, truncation: "longest_first" });
  return { ids: enc.ids, typeIds: enc.typeIds, positions: [enc.wordIds.indexOf(marked.subjectMarker), enc.wordIds.indexOf(marked.objectMarker)] };
}

/** Dependency: positions [first token of each word] (-1 where cut off). */
export function encodeWords(tokenizer: Tokenizer, words: readonly string[], maxLength: number): MarkedInput {
  if (tokenizer.kind === "bpe") {
    const enc = encodePieces(tokenizer, [{ text: words.join(" ") }], maxLength);
    // word w covers [begin[w], begin[w] + length) of the joined text; a token belongs to the word holding its last character
    const begins: number[] = [];
    words.reduce((at, w) => (begins.push(at), at + w.length + 1), 0);
    const positions = words.map((w, i) => 1 + enc.offsets.findIndex(([, e]) => e - 1 >= begins[i] && e - 1 < begins[i] + w.length));
    return { ids: enc.ids, typeIds: enc.typeIds, positions: positions.map((p) => (p === 0 ? -1 : p)) };
  }
  const enc = tokenizer.encodePretokenized(words, null, { maxLength, truncation: "longest_first" });
  return { ids: enc.ids, typeIds: enc.typeIds, positions: words.map((_, w) => enc.wordIds.indexOf(w)) };
}

function classId(labelIds: ReadonlyMap<string, number>, label: string, source: string): number {
  const id = labelIds.get(label);
  if (id === undefined) throw new FormatError(`${source}: unknown label "${label}"; expected one of ${[...labelIds.keys()].join(", ")}`);
  return id;
}

export function encodeRelations(tokenizer: Tokenizer, examples: readonly RelationExample[], labelIds: ReadonlyMap<string, number>, maxLength: number, file: string): MarkedEncoding {
  const out: EncodedExample[] = [];
  const dropped: string[] = [];
  for (const x of examples) {
    const source = `${file}[${x.index}]`;
    const enc = encodeRelationSpans(tokenizer, x.tokens, x.subject, x.object, maxLength);
    if (enc.positions.some((p) => p < 0)) dropped.push(source);
    else out.push({ ids: enc.ids, typeIds: enc.typeIds, target: classId(labelIds, x.relation, source), source, markers: Int32Array.from(enc.positions) });
  }
  return { examples: out, dropped };
}

export function encodeEntityTyping(tokenizer: Tokenizer, examples: readonly EntityTypingExample[], labelIds: ReadonlyMap<string, number>, maxLength: number, file: string): MarkedEncoding {
  const out: EncodedExample[] = [];
  const dropped: string[] = [];
  for (const x of examples) {
    const source = `${file}[${x.index}]`;
    const enc = encodeMention(tokenizer, x.text, x.start, x.end, maxLength);
    if (enc.positions[0] < 0) {
      dropped.push(source);
      continue;
    }
    const hot = new Float32Array(labelIds.size);
    for (const label of x.labels) hot[classId(labelIds, label, source)] = 1;
    out.push({ ids: enc.ids, typeIds: enc.typeIds, target: hot, source, markers: Int32Array.from(enc.positions) });
  }
  return { examples: out, dropped };
}

export function encodeDependencies(tokenizer: Tokenizer, examples: readonly DependencyExample[], maxLength: number, file: string): MarkedEncoding {
  const out: EncodedExample[] = [];
  const dropped: string[] = [];
  for (const x of examples) {
    const source = `${file}:${x.line}`;
    const enc = encodeWords(tokenizer, x.words, maxLength);
    // head word h (1-based; 0 = root) -> the position of its first sub-token; [CLS] (0) for the root
    const headPositions = x.heads.map((h) => (h === 0 ? 0 : enc.positions[h - 1]));
    const wordLabels = headPositions.map((p, w) => (p < 0 || enc.positions[w] < 0 ? -100 : p));
    if (wordLabels.every((l) => l === -100)) {
      dropped.push(source);
      continue;
    }
    const wordIds = new Array<number | null>(enc.ids.length).fill(null);
    enc.positions.forEach((p, w) => {
      if (p >= 0) wordIds[p] = w;
    });
    out.push({ ids: enc.ids, typeIds: enc.typeIds, target: labelsToTokens(wordLabels, wordIds), source });
  }
  return { examples: out, dropped };
}
