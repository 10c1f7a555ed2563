// Autograd: tensors, the tape, the engine that owns them, every differentiable op, and gradient checking.
export { BufferPool, sizeClass, type Precision } from "./buffer-pool.js";
export { Engine, type EngineOptions, type TensorOptions } from "./engine.js";
export { gradcheck, type GradcheckResult } from "./gradcheck.js";
export * from "./ops/index.js";
export { Tape, type TapeEntry } from "./tape.js";
export { Storage, Tensor } from "./tensor.js";
