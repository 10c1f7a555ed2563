// Tokenised examples for K-Adapter's tasks. Each carries `markers`: the token positions its head reads.
//   relation (TACRED format; also the factual adapter's pretraining task): "@" around the subject, "#"
//     around the object; markers [first "@", first "#"]; target the relation's class id.
//   entity typing (OpenEntity): "@" around the mention; markers [first "@"]; target multi-hot types.
//   dependency (the linguistic adapter's task): target per token: the position of the word's head (its
//     first sub-token; the root points at [CLS], position 0), on each word's first sub-token, -100 elsewhere.
// An example whose markers (or, for dependency, every head) would be cut off by maxLength cannot be
// classified: it is left out and listed in `dropped`.
import { FormatError } from "../errors.js";
import { labelsToTokens, type Tokenizer } from "../tokenize/index.js";
import type { EncodedExample } from "./batching.js";
import type { DependencyExample, EntityTypingExample, RelationExample } from "./readers/index.js";
import { markEntityText, markRelationWords } from "./readers/index.js";

export interface MarkedEncoding {
  examples: EncodedExample[];
  /** Sources of the examples left out because maxLength cut off what their head reads. */
  dropped: string[];
}

function classId(labelIds: ReadonlyMap<string, number>, label: string, source: string): number {
  const id = labelIds.get(label);
  if (id === undefined) throw new FormatError(`${source}: unknown label "${label}"; expected one of ${[...labelIds.keys()].join(", ")}`);
  return id;
}

/** The first sub-token of word w, or -1 when truncation removed it. */
function firstTokenOfWord(wordIds: readonly (number | null)[], w: number): number {
  return wordIds.indexOf(w);
}

export function encodeRelations(tokenizer: Tokenizer, examples: readonly RelationExample[], labelIds: ReadonlyMap<string, number>, maxLength: number, file: string): MarkedEncoding {
  const out: EncodedExample[] = [];
  const dropped: string[] = [];
  for (const x of examples) {
    const source = `${file}[${x.index}]`;
    const marked = markRelationWords(x.tokens, x.subject, x.object);
    const enc = tokenizer.encodePretokenized(marked.words, null, { maxLength, truncation: "longest_first" });
    const subject = firstTokenOfWord(enc.wordIds, marked.subjectMarker);
    const object = firstTokenOfWord(enc.wordIds, marked.objectMarker);
    if (subject < 0 || object < 0) {
      dropped.push(source);
      continue;
    }
    out.push({ ids: enc.ids, typeIds: enc.typeIds, target: classId(labelIds, x.relation, source), source, markers: Int32Array.of(subject, object) });
  }
  return { examples: out, dropped };
}

export function encodeEntityTyping(tokenizer: Tokenizer, examples: readonly EntityTypingExample[], labelIds: ReadonlyMap<string, number>, maxLength: number, file: string): MarkedEncoding {
  const out: EncodedExample[] = [];
  const dropped: string[] = [];
  for (const x of examples) {
    const source = `${file}[${x.index}]`;
    const marked = markEntityText(x.text, x.start, x.end);
    const enc = tokenizer.encode(marked.text, null, { maxLength, truncation: "longest_first" });
    const marker = enc.offsets.findIndex(([start, end], t) => enc.specialTokensMask[t] === 0 && start === marked.firstMarker && end > start);
    if (marker < 0) {
      dropped.push(source);
      continue;
    }
    const hot = new Float32Array(labelIds.size);
    for (const label of x.labels) hot[classId(labelIds, label, source)] = 1;
    out.push({ ids: enc.ids, typeIds: enc.typeIds, target: hot, source, markers: Int32Array.of(marker) });
  }
  return { examples: out, dropped };
}

export function encodeDependencies(tokenizer: Tokenizer, examples: readonly DependencyExample[], maxLength: number, file: string): MarkedEncoding {
  const out: EncodedExample[] = [];
  const dropped: string[] = [];
  for (const x of examples) {
    const source = `${file}:${x.line}`;
    const enc = tokenizer.encodePretokenized(x.words, null, { maxLength, truncation: "longest_first" });
    // head word h (1-based; 0 = root) -> the position of its first sub-token; [CLS] (0) for the root
    const headPositions = x.heads.map((h) => (h === 0 ? 0 : firstTokenOfWord(enc.wordIds, h - 1)));
    const wordLabels = headPositions.map((p, w) => (p < 0 || firstTokenOfWord(enc.wordIds, w) < 0 ? -100 : p));
    if (wordLabels.every((l) => l === -100)) {
      dropped.push(source);
      continue;
    }
    out.push({ ids: enc.ids, typeIds: enc.typeIds, target: labelsToTokens(wordLabels, enc.wordIds), source });
  }
  return { examples: out, dropped };
}
