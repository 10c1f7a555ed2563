// One pipeline per task kind: inputs -> token rows -> (a mixed-adapter forward, run by the caller) -> typed results.
import type { HeadConfig } from "../heads/index.js";
import type { Pipeline } from "./pipeline.js";
import { TextClassificationPipeline, type TextClassificationResult } from "./text-classification.js";
import { TokenClassificationPipeline, type TokenClassificationResult } from "./token-classification.js";

export { inputParts, type PredictInput, type TextInputParts } from "./inputs.js";
export type { Pipeline, PipelineRow } from "./pipeline.js";
export {
  softmax,
  TextClassificationPipeline,
  type ClassificationResult,
  type MultilabelResult,
  type RegressionResult,
  type TextClassificationResult,
} from "./text-classification.js";
export { TokenClassificationPipeline, type Entity, type TokenClassificationResult } from "./token-classification.js";
export { encodeEntityTypingInput, encodeRelationInput, type EntityTypingInput, type RelationInput, type SpanRow } from "./spans.js";

export type PredictResult = TextClassificationResult | TokenClassificationResult;

export function pipelineFor(head: HeadConfig): Pipeline<PredictResult> {
  return head.kind === "tagging" ? new TokenClassificationPipeline(head) : new TextClassificationPipeline(head);
}
