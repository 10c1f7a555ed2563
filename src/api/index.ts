// The library's front door: the AdapterKit class and the types its methods take and return.
export { AdapterKit, type EvaluateSummary, type LoadOptions, type PredictOptions, type PredictRequest } from "./adapter-kit.js";
export type { TrainArgs, TrainContext, TrainOptions, TrainSummary } from "./train.js";
