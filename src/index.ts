// AdapterKit's public surface, grouped by layer (lowest first).

// errors, element types, randomness
export {
  assert, BackendError, ConfigError, DTypeError, EngineError, FormatError, InternalError, ShapeError,
} from "./errors.js";
export { formatShape, shapeSize, type DType, type Shape } from "./dtype.js";
export { Rng, type RngState } from "./rng.js";

// kernels: one contract, a reference and a native implementation
export { backendChoiceFromEnv, loadBackend, type Backend, type BackendChoice, type FloatArray } from "./kernels/index.js";

// checkpoint and file formats; tokenizers
export * from "./io/index.js";
export * from "./tokenize/index.js";

// autograd: tensors, tape, engine, ops
export * from "./autograd/index.js";

// building blocks, task data, models, adapters, heads
export * from "./nn/index.js";
export * from "./data/index.js";
export * from "./models/index.js";
export * from "./adapters/index.js";
export * from "./heads/index.js";

// training: modes, optimizer, schedule, loop, evaluation, metrics, adapter folders, reports
export * from "./train/index.js";

// pretraining a BERT from scratch (masked LM); K-Adapter's tasks and models
export * from "./pretrain/index.js";
export * from "./kadapter/index.js";
