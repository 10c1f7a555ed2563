// Neural-network building blocks over the autograd ops.
export { Dropout } from "./dropout.js";
export { Embedding } from "./embedding.js";
export { filled, truncatedNormal } from "./init.js";
export type { Insertion, InsertionPointName, InsertionProvider } from "./insertion.js";
export { LayerNorm } from "./layernorm.js";
export { Linear } from "./linear.js";
export { Module, type ForwardContext } from "./module.js";
export { ModuleList } from "./module-list.js";
