// Task data: readers for the files users have, and batching (tokenise, bucket by length, pad, collate).
export {
  batchOrder, collate, encodeTagged, encodeText, type Batch, type EncodedExample, type TaggedInput, type TaskKind, type TextInput,
} from "./batching.js";

// readers: raw examples (text, labels, source line) from GLUE, TSV/CSV/JSONL and CoNLL files
export * from "./readers/index.js";
export { encodeDependencies, encodeEntityTyping, encodeMention, encodeRelations, encodeRelationSpans, encodeWords, type MarkedEncoding, type MarkedInput } from "./kadapter-encoding.js";
