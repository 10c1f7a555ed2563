// Neural-network building blocks over the autograd ops.
export { ACT2FN_NAMES, activate, applyActivation, fromAct2fnName, NAMED_ACTIVATIONS, toAct2fnName, type HiddenActivation, type NamedActivation } from "./activation.js";
export { Dropout } from "./dropout.js";
export { Embedding } from "./embedding.js";
export { filled, normal, truncatedNormal, uniform } from "./init.js";
export { INSERTION_POINTS, type Insertion, type InsertionPointName, type Insertions, type NormSite } from "./insertion.js";
export { LayerNorm } from "./layernorm.js";
export { Linear, type LinearInit } from "./linear.js";
export { Module, type ForwardContext } from "./module.js";
export { ModuleList } from "./module-list.js";
export { maskRows, Routing, rowsOf, type RouteGroup } from "./routing.js";
export { EncoderLayers, TransformerLayer, type TransformerLayerConfig } from "./transformer-layer.js";
export { MASKED_SCORE, paddingMask } from "./padding-mask.js";
