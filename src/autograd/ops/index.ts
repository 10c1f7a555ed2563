// Every differentiable op. Each file holds one op's forward and the backward it records.
export { gelu, relu, tanh } from "./activations.js";
export { add } from "./add.js";
export { attention, type AttentionOptions } from "./attention.js";
export { concat, slice } from "./concat.js";
export { dropout, fillDropoutMask } from "./dropout.js";
export { embedding, gatherRows, selectTokens } from "./gather.js";
export { layerNorm } from "./layernorm.js";
export { linear, packWeight, type PackedWeight } from "./linear.js";
export { bceWithLogits, crossEntropy, mse } from "./losses.js";
export { matmul, type MatmulOptions } from "./matmul.js";
export { mul } from "./mul.js";
export { mean, sum, type ReduceOptions } from "./reduce.js";
export { reshape } from "./reshape.js";
export { scale } from "./scale.js";
export { softmax } from "./softmax.js";
