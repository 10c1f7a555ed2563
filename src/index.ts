// AdapterKit's public surface, grouped by layer (lowest first).

// errors, element types, randomness
export {
  assert, BackendError, ConfigError, DTypeError, EngineError, FormatError, InternalError, ShapeError,
} from "./errors.js";
export { formatShape, shapeSize, type DType, type Shape } from "./dtype.js";
export { Rng, type RngState } from "./rng.js";

// kernels: one contract, a reference and a native implementation
export { backendChoiceFromEnv, loadBackend, type Backend, type BackendChoice, type FloatArray } from "./kernels/index.js";

// autograd: tensors, tape, engine, ops
export * from "./autograd/index.js";
