// What trains, explicitly. A mode decides what a new adapter holds (adapterSpecFor) and which encoder weights
// train; given the encoder's, the adapter's and the head's named parameters, applyTrainMode sets requiresGrad
// on each and returns the trainable list (printed by the CLI):
//   adapters        bottlenecks + the adapter's copies of every LayerNorm (embeddings' included) + head;
//                   the pooler stays frozen (adapter-bert)
//   full            every encoder weight + head (full fine-tuning, of an encoder the run owns)
//   head-only       the head alone
//   layernorm-only  the adapter's LayerNorm copies + head
//   top-layers      the top k transformer layers + pooler + head (the paper's "fine-tune top layers" baseline)
import type { AdapterSpec, BottleneckConfig } from "../adapters/index.js";
import type { Tensor } from "../autograd/index.js";
import { ConfigError } from "../errors.js";

export type TrainMode = "adapters" | "full" | "head-only" | "layernorm-only" | "top-layers";
export const TRAIN_MODES: readonly TrainMode[] = ["adapters", "full", "head-only", "layernorm-only", "top-layers"];

export type NamedTensor = readonly [string, Tensor];

export interface ParameterGroups {
  base: readonly NamedTensor[];
  adapters: readonly NamedTensor[];
  head: readonly NamedTensor[];
}

export interface ParameterCounts {
  total: number;
  trainable: number;
  adapter: number;
  head: number;
}

const layerIndex = (name: string): number | null => {
  const match = /^encoder\.layers\.(\d+)\./.exec(name);
  return match ? Number(match[1]) : null;
};

/** Whether a mode trains encoder weights (then the run trains its own copy of the encoder, never the shared one). */
export function trainsEncoder(mode: TrainMode): boolean {
  return mode === "full" || mode === "top-layers";
}

/** What a new adapter trained in `mode` holds besides its head. */
export function adapterPartsFor(mode: TrainMode, bottleneck: BottleneckConfig): Omit<AdapterSpec, "head"> {
  return { bottleneck: mode === "adapters" ? bottleneck : null, layerNorms: mode === "adapters" || mode === "layernorm-only" };
}

/** What `mode` trains, without touching any tensor (topLayers: k for "top-layers" mode). */
export function selectTrainable(mode: TrainMode, groups: ParameterGroups, options: { topLayers?: number } = {}): NamedTensor[] {
  if (!TRAIN_MODES.includes(mode)) throw new ConfigError(`train mode: unknown "${mode}"; expected one of ${TRAIN_MODES.join(", ")}`);
  if (mode === "adapters" && groups.adapters.length === 0) throw new ConfigError(`train mode "adapters": expected an adapter, got none; hint: add one or choose --mode full`);
  const numLayers = 1 + Math.max(-1, ...groups.base.map(([n]) => layerIndex(n) ?? -1));
  const k = options.topLayers ?? 1;
  if (mode === "top-layers" && !(Number.isInteger(k) && k >= 1 && k <= numLayers)) {
    throw new ConfigError(`train mode "top-layers": expected 1 <= top layers <= ${numLayers}, got ${k}`);
  }
  const trains = (group: keyof ParameterGroups, name: string): boolean => {
    if (group !== "base") return true; // the adapter holds exactly what its mode trains
    if (mode === "full") return true;
    if (mode === "top-layers") return (layerIndex(name) ?? -1) >= numLayers - k || name.startsWith("pooler.");
    return false;
  };
  return (["base", "adapters", "head"] as const).flatMap((group) => groups[group].filter(([name]) => trains(group, name)));
}

/** Sets requiresGrad on every tensor of the groups to what `mode` trains; returns the trainable list. */
export function applyTrainMode(mode: TrainMode, groups: ParameterGroups, options: { topLayers?: number } = {}): NamedTensor[] {
  const trainable = selectTrainable(mode, groups, options);
  const trains = new Set(trainable.map(([, t]) => t));
  for (const group of ["base", "adapters", "head"] as const) for (const [, t] of groups[group]) t.requiresGrad = trains.has(t);
  return trainable;
}

/** Sizes of the groups; trainable: the given list, else the tensors that require gradients. */
export function countParameters(groups: ParameterGroups, trainable?: readonly NamedTensor[]): ParameterCounts {
  const size = (list: readonly NamedTensor[]): number => list.reduce((n, [, t]) => n + t.size, 0);
  const all = [...groups.base, ...groups.adapters, ...groups.head];
  return { total: size(all), trainable: size(trainable ?? all.filter(([, t]) => t.requiresGrad)), adapter: size(groups.adapters), head: size(groups.head) };
}
