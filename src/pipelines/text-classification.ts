// Sequence heads: classification (softmax), multi-label (sigmoid > 0.5) and regression (the score itself).
import { ConfigError } from "../errors.js";
import type { HeadConfig } from "../heads/index.js";
import type { Tokenizer } from "../tokenize/index.js";
import { inputParts, type PredictInput } from "./inputs.js";
import type { Pipeline, PipelineRow } from "./pipeline.js";

export interface ClassificationResult {
  readonly label: string;
  readonly score: number;
  readonly scores: Readonly<Record<string, number>>;
}

export interface RegressionResult {
  readonly value: number;
}

export interface MultilabelResult {
  readonly labels: readonly string[];
  readonly scores: Readonly<Record<string, number>>;
}

export type TextClassificationResult = ClassificationResult | RegressionResult | MultilabelResult;

export function softmax(logits: ArrayLike<number>, offset: number, C: number): number[] {
  let max = -Infinity;
  for (let c = 0; c < C; c++) max = Math.max(max, logits[offset + c]);
  const exps = Array.from({ length: C }, (_, c) => Math.exp(logits[offset + c] - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((x) => x / sum);
}

export class TextClassificationPipeline implements Pipeline<TextClassificationResult> {
  constructor(readonly head: HeadConfig) {}

  rowWidth(): number {
    return this.head.labels.length;
  }

  encode(tokenizer: Tokenizer, input: PredictInput, maxLength: number, where: string): PipelineRow<TextClassificationResult> {
    const { text, textPair } = inputParts(input, where);
    // a head trained on pairs reads "[CLS] A [SEP] B [SEP]": one text alone is not what it learned, and vice versa
    if (this.head.textPair === true && textPair === null) throw new ConfigError(`${where}: expected { text, textPair }: this adapter was trained on text pairs`);
    if (this.head.textPair === false && textPair !== null) throw new ConfigError(`${where}: expected a single text: this adapter was trained on single texts, got a textPair`);
    const enc = tokenizer.encode(text, textPair, { maxLength, truncation: "longest_first" });
    const labels = this.head.labels;
    const C = labels.length;
    const kind = this.head.kind;
    return {
      ids: enc.ids,
      typeIds: enc.typeIds,
      decode: (logits, offset) => {
        if (kind === "regression") return { value: logits[offset] };
        const probs = kind === "multilabel" ? Array.from({ length: C }, (_, c) => 1 / (1 + Math.exp(-logits[offset + c]))) : softmax(logits, offset, C);
        const scores = Object.fromEntries(labels.map((l, c) => [l, probs[c]]));
        if (kind === "multilabel") return { labels: labels.filter((_, c) => probs[c] > 0.5), scores };
        const best = probs.indexOf(Math.max(...probs));
        return { label: labels[best], score: probs[best], scores };
      },
    };
  }
}
