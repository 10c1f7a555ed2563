// K-Adapter (Wang et al. 2021): knowledge adapters beside a frozen PLM, their fusion, and adapter folders.
export {
  defaultPluginLayers, fromKAdapterJson, KADAPTER_FORMAT, KADAPTER_FORMAT_VERSION, knowledgeAdapterConfig, toKAdapterJson,
  type KnowledgeAdapterConfig, type KnowledgeAdapterOptions,
} from "./config.js";
export { innerEncoderConfig, KnowledgeAdapter } from "./knowledge-adapter.js";
export { FUSION_MODES, KnowledgeFusion, type FusionMode } from "./fusion.js";
export { KAdapterModel, type KAdapterOutput, type KAdapterParameterGroups } from "./kadapter-model.js";
export { KADAPTER_CONFIG_FILE, KADAPTER_WEIGHTS_FILE, knowledgeAdapterFiles, loadKnowledgeAdapter, saveKnowledgeAdapter } from "./folder.js";
export { kadapterReferenceName } from "./weights.js";
