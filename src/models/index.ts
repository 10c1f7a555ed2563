// Encoders: BERT and RoBERTa (one implementation; RoBERTa differs in config and position ids).
export { fromGoogleConfig, fromHfConfig, hfActivation, inferModelType, hfActivationName, toHfConfig, type BertConfig, type HiddenActivation, type ModelType } from "./bert/config.js";
export { loadPretrained, type Pretrained } from "./bert/load.js";
export { hfModelFiles, saveHfModel, type SaveHfOptions } from "./bert/save.js";
export { writeInitialisedModel, type InitOptions } from "./bert/init.js";
export { BertModel, firstToken, type EncoderInput, type EncoderOutput } from "./bert/model.js";
export { encoderParameters, hfName, mapCheckpoint, tfName, type LoadOptions, type MappedWeights, type NamedArray, type ParameterSpec } from "./bert/weights.js";
export { MaskedLmHead, maskedLmHfName } from "./bert/masked-lm.js";
export { NextSentenceHead, nextSentenceHfName } from "./bert/next-sentence.js";
