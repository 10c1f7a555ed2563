// Neural-network building blocks over the autograd ops.
export { Dropout } from "./dropout.js";
export { Embedding } from "./embedding.js";
export { filled, normal, truncatedNormal, uniform } from "./init.js";
export type { Insertion, InsertionPointName, InsertionProvider } from "./insertion.js";
export { LayerNorm } from "./layernorm.js";
export { Linear, type LinearInit } from "./linear.js";
export { Module, type ForwardContext } from "./module.js";
export { ModuleList } from "./module-list.js";
export { MASKED_SCORE, paddingMask } from "./padding-mask.js";
