// Adapters: an Adapter owns everything a task trains over the frozen base (bottlenecks, LayerNorms, head);
// a set holds any number by name; one routed forward runs each over its own rows; AdapterHub's file layout.
export { Adapter, checkAdapterName, type AdapterInfo, type AdapterSpec } from "./adapter.js";
export { AdapterSet } from "./adapter-set.js";
export {
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_BIN,
  ADAPTER_WEIGHTS_FILE,
  adapterHubConfig,
  fromAdapterHubName,
  HEAD_CONFIG_FILE,
  HEAD_WEIGHTS_BIN,
  HEAD_WEIGHTS_FILE,
  LAYERNORMS_FILE,
  parseAdapterHubConfig,
  toAdapterHubNames,
} from "./adapterhub-format.js";
export { BottleneckAdapter, LayerAdapters } from "./bottleneck.js";
export {
  ADAPTER_PRESETS,
  bottleneckConfig,
  bottleneckSizeAt,
  type AdapterActivation,
  type AdapterInit,
  type AdapterPreset,
  type BottleneckConfig,
  type BottleneckOverrides,
} from "./bottleneck-config.js";
export { ADAPTER_FOLDER_FILES, copyWeights, loadAdapter, readAdapterFolderInfo, saveAdapter } from "./folder.js";
export { forwardAdapters, type AdapterLogits } from "./forward.js";
export { AdapterLayerNorms, normSitePath } from "./layer-norms.js";
