// Task heads over the encoder's output.
export { headConfig, type HeadConfig, type HeadKind } from "./head-config.js";
export { IGNORE_INDEX, TaskHead, type Labels } from "./task-head.js";
