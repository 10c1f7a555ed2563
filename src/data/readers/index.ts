// Readers: task files to raw examples (text, label and source line), before any tokenisation.

// what every reader returns
export type { LabelKind, ReadResult, SkippedRow, TaggedExample, TextExample } from "./examples.js";

// GLUE tasks by name
export {
  GLUE_TASK_NAMES, glueFilePath, glueTask, readGlue,
  type GlueLayout, type GlueReadOptions, type GlueTask, type GlueTaskName,
} from "./glue.js";

// generic TSV / CSV / JSONL with column options
export { readTextExamples } from "./read-text-examples.js";
export { readDelimited } from "./delimited.js";
export { readJsonl } from "./jsonl.js";
export { parseCsvRecords, type CsvRecord } from "./csv-records.js";
export type { ColumnRef, DelimitedReadOptions, JsonlReadOptions, TextReadOptions } from "./text-read-options.js";

// CoNLL-2003 style token files and IOB schemes
export { readConll, type ConllReadOptions } from "./conll.js";
export { iob1ToIob2, iob2Violation, parseIobTag } from "./iob.js";

// label vocabularies
export {
  classLabelIds, createLabelVocab, labelId, labelsFromExamples, multiLabelIds, tagIds, type LabelVocab,
} from "./labels.js";

// K-Adapter tasks: relation classification (K-Adapter / TACRED JSON), entity typing (OpenEntity JSON), their
// "@" / "#" entity markers, and dependency trees (CoNLL-U, Universal Dependencies treebanks)
export type { JsonArrayReadResult, SkippedExample } from "./json-array.js";
export {
  readRelationJson, readRelationLabels,
  type RelationExample, type RelationLabel, type RelationReadOptions, type RelationReadResult, type RepairedExample, type TokenSpan,
} from "./relation.js";
export { OPEN_ENTITY_LABELS, readEntityTypingJson, type EntityTypingExample, type EntityTypingReadOptions } from "./entity-typing.js";
export {
  ENTITY_MARKER, markEntityText, markRelationWords, OBJECT_MARKER, SUBJECT_MARKER, type MarkedEntityText, type MarkedRelationWords,
} from "./entity-markers.js";
export {
  readConllU, readTreebankSplit, treebankSplitFiles, type ConllUReadOptions, type DependencyExample, type TreebankSplit,
} from "./conllu.js";
