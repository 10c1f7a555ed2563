// Tagging heads: a label per word (read at the word's first sub-token, where training put the word's label),
// then words grouped into entities as Hugging Face's "simple" aggregation groups tokens: a B- tag or a change
// of type starts an entity, I- of the same type continues it, O ends it; the score is the mean of the words'.
// Offsets are character offsets (UTF-16 units) into the input, so `text.slice(start, end)` is the entity.
import type { HeadConfig } from "../heads/index.js";
import type { Tokenizer } from "../tokenize/index.js";
import { inputParts, type PredictInput } from "./inputs.js";
import type { Pipeline, PipelineRow } from "./pipeline.js";
import { softmax } from "./text-classification.js";

export interface Entity {
  readonly entity: string; // the type, without B-/I-
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly score: number;
}

export type TokenClassificationResult = readonly Entity[];

interface Word {
  token: number; // the first sub-token
  start: number;
  end: number;
}

export class TokenClassificationPipeline implements Pipeline<TokenClassificationResult> {
  constructor(readonly head: HeadConfig) {}

  rowWidth(T: number): number {
    return T * this.head.labels.length;
  }

  encode(tokenizer: Tokenizer, input: PredictInput, maxLength: number, where: string): PipelineRow<TokenClassificationResult> {
    const { text } = inputParts(input, where);
    const enc = tokenizer.encode(text, null, { maxLength, truncation: "longest_first" });
    const words = new Map<number, Word>();
    enc.wordIds.forEach((w, t) => {
      if (w === null || enc.sequenceIds[t] !== 0) return;
      const [start, end] = enc.offsets[t];
      const word = words.get(w);
      if (!word) words.set(w, { token: t, start, end });
      else word.end = Math.max(word.end, end);
    });
    const labels = this.head.labels;
    const C = labels.length;
    return {
      ids: enc.ids,
      typeIds: enc.typeIds,
      decode: (logits, offset) => {
        const tagged = [...words.values()].map((w) => {
          const probs = softmax(logits, offset + w.token * C, C);
          const best = probs.indexOf(Math.max(...probs));
          return { ...w, tag: labels[best], score: probs[best] };
        });
        return groupEntities(text, tagged);
      },
    };
  }
}

function splitTag(tag: string): { prefix: "B" | "I" | "O"; type: string } {
  if (tag === "O") return { prefix: "O", type: "O" };
  const m = /^([BI])-(.+)$/.exec(tag);
  return m ? { prefix: m[1] as "B" | "I", type: m[2] } : { prefix: "I", type: tag };
}

function groupEntities(text: string, words: readonly (Word & { tag: string; score: number })[]): Entity[] {
  const groups: { type: string; start: number; end: number; scores: number[] }[] = [];
  let inEntity = false; // the previous word belongs to the last group
  for (const w of words) {
    const { prefix, type } = splitTag(w.tag);
    const last = groups.at(-1);
    if (prefix === "O") inEntity = false;
    else if (inEntity && prefix === "I" && last?.type === type) {
      last.end = w.end;
      last.scores.push(w.score);
    } else {
      groups.push({ type, start: w.start, end: w.end, scores: [w.score] });
      inEntity = true;
    }
  }
  return groups.map((g) => ({ entity: g.type, text: text.slice(g.start, g.end), start: g.start, end: g.end, score: g.scores.reduce((a, b) => a + b, 0) / g.scores.length }));
}
