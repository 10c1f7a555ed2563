// Adapters: bottleneck adapters (Houlsby, Pfeiffer) that plug into a model's insertion points, and their
// AdapterHub file format.
export { AdapterSet } from "./adapter-set.js";
export {
  ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, adapterHubConfig, fromAdapterHubName, HEAD_CONFIG_FILE, HEAD_WEIGHTS_FILE,
  LAYERNORMS_FILE, parseAdapterHubConfig, toAdapterHubName,
} from "./adapterhub-format.js";
export { BottleneckAdapter, LayerAdapters } from "./bottleneck.js";
export {
  bottleneckConfig, HOULSBY, PFEIFFER, type AdapterActivation, type BottleneckConfig, type BottleneckOverrides,
} from "./bottleneck-config.js";
