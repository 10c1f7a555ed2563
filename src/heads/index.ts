// Task heads over the encoder's output, and their AdapterHub file format; K-Adapter's pretraining heads
// (factual: relations, linguistic: dependencies) and downstream heads (entity typing, relation classification).
export { fromHubHeadName, headHubConfig, parseHeadHubConfig, toHubHeadName } from "./adapterhub-head.js";
export { headConfig, POOLINGS, type HeadConfig, type HeadKind, type HeadShape, type Pooling } from "./head-config.js";
export { meanOverTokens } from "./pooling.js";
export { IGNORE_INDEX, TaskHead, type Labels } from "./task-head.js";
export { DependencyHead, type DependencyHeadOptions } from "./dependency-head.js";
export { EntityTypingHead, type EntityTypingHeadOptions } from "./entity-typing-head.js";
export { RelationClassificationHead, type RelationClassificationHeadOptions } from "./relation-classification-head.js";
export { RelationHead, type RelationHeadOptions } from "./relation-head.js";
