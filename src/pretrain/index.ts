// Pretraining a BERT from scratch with masked-language modelling: the corpus, packing, masking, the loop
// with exact resume, and the model card.
export { defaultCorpus, readCorpusSource, readWikiText, sourceFiles, type CorpusKind, type CorpusSource } from "./corpus.js";
export { maskBatch, maskingVocab, type MaskedBatch, type MaskingOptions, type MaskingVocab } from "./masking.js";
export { TokenStream, type PackedSequences } from "./packing.js";
export {
  maskHeldOut, runPretraining, scoreHeldOut,
  type HeldOutScore, type PretrainArgs, type PretrainConfig, type PretrainHistory, type PretrainResult,
} from "./loop.js";
export { modelCard, reportPage, type PretrainSummary } from "./report.js";
export { fillSinusoidalPositions } from "./positions.js";
export { IS_NEXT, maskPairBatch, NOT_NEXT } from "./next-sentence.js";
