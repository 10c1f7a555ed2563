// Evaluation metrics by concept, each matching the implementation the papers' numbers come from; the
// conventions they share (no NaN, zero division, argument order) are in common.ts.
export { type ClassLabel, type PrecisionRecallF1 } from "./common.js";
export { accuracy, binaryF1, macroF1, matthewsCorrcoef, microF1, type AveragingOptions } from "./classification.js";
export { averageRanks, pearson, spearman } from "./regression.js";
export { entityF1, extractEntities, type Entity, type EntityMode, type EntityScores } from "./entities.js";
export { looseMicroF1 } from "./entity-typing.js";
export { unlabeledAttachmentScore, type PunctuationOptions } from "./dependency.js";
export { relationF1, type RelationScores } from "./relations.js";
