// The messages between the server's main thread and the worker thread that holds the model, and how an
// error crosses between them (by class name and message, rebuilt on the other side).
import type { AdapterInfo } from "../adapters/index.js";
import { ConfigError, EngineError, FormatError, ShapeError } from "../errors.js";
import type { BackendChoice, LinearPrecision } from "../kernels/index.js";
import type { PredictInput, PredictResult } from "../pipelines/index.js";

export interface WorkerSetup {
  modelDir: string;
  backend: BackendChoice;
  lowercase?: boolean;
  precision?: LinearPrecision;
}

export interface PredictCall {
  adapter: string;
  inputs: PredictInput[];
}

export type WorkerRequest =
  | { id: number; type: "ready" }
  | { id: number; type: "load"; name: string; dir: string }
  | { id: number; type: "unload"; name: string }
  | { id: number; type: "predict"; calls: PredictCall[]; options: { maxSeqLength: number; maxBatchTokens: number } };

export interface WireError {
  kind: string;
  message: string;
}

export type WorkerReply =
  | { id: number; type: "ready"; kernels: string; notices: string[]; model: { modelType: string; layers: number; hidden: number; precision: LinearPrecision } }
  | { id: number; type: "loaded"; info: AdapterInfo }
  | { id: number; type: "unloaded" }
  | { id: number; type: "predicted"; outcomes: ({ results: PredictResult[] } | { error: WireError })[]; forwards: { rows: number; tokens: number }[] }
  | { id: number; type: "error"; error: WireError };

export function toWireError(err: unknown): WireError {
  return err instanceof Error ? { kind: err.constructor.name, message: err.message } : { kind: "Error", message: String(err) };
}

export function fromWireError(e: WireError): Error {
  switch (e.kind) {
    case "ConfigError":
      return new ConfigError(e.message);
    case "FormatError":
      return new FormatError(e.message);
    case "ShapeError":
      return new ShapeError(e.message);
    case "EngineError":
      return new EngineError(e.message);
    default:
      return new Error(e.message);
  }
}
