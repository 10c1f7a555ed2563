// Training: what trains, the optimizer and schedule, the loop with checkpoints and resume, evaluation,
// metrics, tasks and reports.
export { loadCheckpoint, saveCheckpoint, type LoadedCheckpoint, type TrainerPosition, type TrainerState } from "./checkpoint.js";
export { clipGradNorm } from "./clip.js";
export { evaluate, type EvalResult, type Prediction } from "./evaluate.js";
export {
  runOutcome, runTraining, type DevScore, type EvalRecord, type History, type LoopArgs, type LoopConfig, type LoopEvents,
  type RunOutcome, type Score, type StepInfo, type StepRecord,
} from "./loop.js";
export * from "./metrics/index.js";
export { Adam, decays, type AdamOptions, type AdamState, type AdamVariant } from "./optim/adam.js";
export { layerDecayScale } from "./optim/layer-decay.js";
export { escapeHtml, lineChart, writeReport, type RunSummary } from "./report.js";
export { learningRate, schedule, type Schedule, type ScheduleKind } from "./schedule.js";
export { optimizerStep, restoreCheckpoint, TrainingDivergedError, type StepArgs } from "./step.js";
export { TaskModel, type TrainableModel } from "./task-model.js";
export { resolveTask, type InlineExample, type ResolvedTask, type TaskSpec } from "./tasks.js";
export {
  adapterPartsFor, applyTrainMode, countParameters, selectTrainable, TRAIN_MODES, trainsEncoder, type NamedTensor, type ParameterCounts, type ParameterGroups, type TrainMode,
} from "./trainable.js";
