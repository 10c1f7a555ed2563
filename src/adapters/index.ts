// Adapters: bottleneck adapters (Houlsby, Pfeiffer) that plug into a model's insertion points.
export { AdapterSet } from "./adapter-set.js";
export { BottleneckAdapter, LayerAdapters } from "./bottleneck.js";
export {
  bottleneckConfig, HOULSBY, PFEIFFER, type AdapterActivation, type BottleneckConfig, type BottleneckOverrides,
} from "./bottleneck-config.js";
