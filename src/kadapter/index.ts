// K-Adapter's tasks and trainable models: knowledge-adapter pretraining (relation, dependency) and
// downstream training with knowledge adapters (entity typing, relation classification).
export { KnowledgePretrainModel, KnowledgeTaskModel, type DownstreamHead, type PretrainHead } from "./task-models.js";
export { KNOWLEDGE_TASKS, loadKnowledgeTask, type KnowledgeTask, type KnowledgeTaskName, type KnowledgeTaskSpec } from "./tasks.js";
