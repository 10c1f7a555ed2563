// K-Adapter (Wang et al. 2021), in one place: knowledge adapters beside a frozen PLM, their fusion, the one
// model that runs them (checked against PyTorch), their folders, the pretraining and downstream tasks, and
// training through the library.
export {
  defaultPluginLayers, fromKAdapterJson, KADAPTER_FORMAT, KADAPTER_FORMAT_VERSION, knowledgeAdapterConfig, toKAdapterJson,
  type KnowledgeAdapterConfig, type KnowledgeAdapterOptions,
} from "./config.js";
export { KADAPTER_CONFIG_FILE, KADAPTER_WEIGHTS_FILE, knowledgeAdapterFiles, loadKnowledgeAdapter, loadKnowledgeAdapterWeights, saveKnowledgeAdapter } from "./folder.js";
export { FUSION_MODES, KnowledgeFusion, type FusionMode } from "./fusion.js";
export { KAdapterModel, type KAdapterOutput, type KAdapterParameterGroups } from "./kadapter-model.js";
export { innerEncoderConfig, KnowledgeAdapter } from "./knowledge-adapter.js";
export {
  KnowledgeTaskAdapter, loadKnowledgeTaskFolder, saveKnowledgeTaskFolder, TASK_CONFIG_FILE, TASK_WEIGHTS_FILE, type KnowledgeTaskKind, type TaskFolderContents,
} from "./task-folder.js";
export { KnowledgePretrainModel, KnowledgeTaskModel, type DownstreamHead, type PretrainHead } from "./task-models.js";
export { KNOWLEDGE_TASKS, loadKnowledgeTask, type KnowledgeTask, type KnowledgeTaskName, type KnowledgeTaskSpec } from "./tasks.js";
export {
  KNOWLEDGE_PRETRAIN_DEFAULTS, KNOWLEDGE_TASK_DEFAULTS, pretrainKnowledgeAdapter, trainKnowledgeTask,
  type KnowledgeContext, type KnowledgeEvents, type KnowledgeLoopOptions, type KnowledgePretrainArgs, type KnowledgeTaskArgs,
} from "./train.js";
export { importReleasedAdapter, type ImportOptions, type ImportResult } from "./import.js";
export { kadapterReferenceName } from "./weights.js";
