// AdapterKit's public surface: what `import { ... } from "adapterkit"` gives, grouped from the top (the kit a
// Node developer starts with) down to the engine. Deeper pieces stay reachable through their folders but are
// not part of the contract.

// the library API: one frozen base, many named adapters, typed predictions, training
export { AdapterKit, type EvaluateSummary, type LoadOptions, type PredictOptions, type PredictRequest } from "./api/index.js";
export type { TrainArgs, TrainOptions, TrainSummary } from "./api/index.js";
export type {
  ClassificationResult, Entity as PredictedEntity, MultilabelResult, PredictInput, PredictResult, RegressionResult, TokenClassificationResult,
} from "./pipelines/index.js";

// adapters: what one owns, the folders they live in, how a batch mixes them
export {
  Adapter, ADAPTER_FOLDER_FILES, ADAPTER_PRESETS, AdapterSet, bottleneckConfig, forwardAdapters, loadAdapter, readAdapterFolderInfo, saveAdapter,
  type AdapterActivation, type AdapterInfo, type AdapterLogits, type AdapterPreset, type AdapterSpec, type BottleneckConfig,
} from "./adapters/index.js";
export { headConfig, type HeadConfig, type HeadKind, type HeadShape, type Pooling } from "./heads/index.js";

// training: tasks, modes, the loop's records, metrics
export {
  resolveTask, TRAIN_MODES, TrainingDivergedError,
  type DevScore, type EvalRecord, type History, type InlineExample, type RunOutcome, type StepInfo, type TaskSpec, type TrainMode,
} from "./train/index.js";
export {
  accuracy, binaryF1, entityF1, looseMicroF1, macroF1, matthewsCorrcoef, microF1, pearson, relationF1, spearman, unlabeledAttachmentScore,
} from "./train/index.js";

// K-Adapter: knowledge adapters beside the frozen model
export {
  FUSION_MODES, KAdapterModel, KNOWLEDGE_PRETRAIN_DEFAULTS, KNOWLEDGE_TASK_DEFAULTS, KnowledgeAdapter, knowledgeAdapterConfig, KnowledgeFusion,
  loadKnowledgeAdapter, saveKnowledgeAdapter,
  type FusionMode, type KnowledgeAdapterConfig, type KnowledgePretrainArgs, type KnowledgeTaskArgs,
} from "./kadapter/index.js";

// pretraining a BERT from scratch (masked LM)
export { runPretraining, type PretrainArgs, type PretrainResult } from "./pretrain/index.js";

// encoders and their checkpoints
export {
  BertModel, fromGoogleConfig, fromHfConfig, loadPretrained, saveHfModel, toHfConfig, writeInitialisedModel,
  type BertConfig, type EncoderInput, type EncoderOutput, type InitOptions, type Pretrained,
} from "./models/index.js";
export { readCheckpointDir, readSafetensors, writeSafetensors, type TensorRecord } from "./io/index.js";

// tokenizers (WordPiece and byte-level BPE, Hugging Face's semantics)
export { fromBpeFiles, fromTokenizerJson, fromVocabFile, loadTokenizer, type Encoding, type Tokenizer } from "./tokenize/index.js";

// the engine: kernels, tensors and autodiff, building blocks
export { backendChoiceFromEnv, loadBackend, type Backend, type BackendChoice, type LinearPrecision } from "./kernels/index.js";
export { Engine, Tensor } from "./autograd/index.js";
export { LayerNorm, Linear, Module, Routing, TransformerLayer, type ForwardContext, type Insertions } from "./nn/index.js";

// errors, element types, randomness
export {
  assert, BackendError, ConfigError, DTypeError, EngineError, FormatError, InternalError, ShapeError,
} from "./errors.js";
export { formatShape, shapeSize, type DType, type Shape } from "./dtype.js";
export { Rng, type RngState } from "./rng.js";
