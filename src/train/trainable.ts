// What trains, explicitly. Given the base encoder's, the adapters' and the head's named parameters, a mode
// sets requiresGrad on each and returns the trainable list (printed by the CLI):
//   adapters        adapters + every LayerNorm (embedding LayerNorm included) + head; pooler frozen (adapter-bert)
//   full            everything (full fine-tuning)
//   head-only       the head alone
//   layernorm-only  every LayerNorm + head
//   top-layers      the top k transformer layers + pooler + head (the paper's "fine-tune top layers" baseline)
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

const isLayerNorm = (name: string): boolean => /(^|\.)norm\.(weight|bias)$/.test(name);

const layerIndex = (name: string): number | null => {
  const match = /^encoder\.layers\.(\d+)\./.exec(name);
  return match ? Number(match[1]) : null;
};

/** topLayers: k for "top-layers" mode. */
export function applyTrainMode(mode: TrainMode, groups: ParameterGroups, options: { topLayers?: number } = {}): NamedTensor[] {
  if (!TRAIN_MODES.includes(mode)) throw new ConfigError(`train mode: unknown "${mode}"; expected one of ${TRAIN_MODES.join(", ")}`);
  if (mode === "adapters" && groups.adapters.length === 0) throw new ConfigError(`train mode "adapters": expected an adapter, got none; hint: add one or choose --mode full`);
  const numLayers = 1 + Math.max(-1, ...groups.base.map(([n]) => layerIndex(n) ?? -1));
  const k = options.topLayers ?? 1;
  if (mode === "top-layers" && !(Number.isInteger(k) && k >= 1 && k <= numLayers)) {
    throw new ConfigError(`train mode "top-layers": expected 1 <= top layers <= ${numLayers}, got ${k}`);
  }
  const trains = (group: keyof ParameterGroups, name: string): boolean => {
    if (group === "head") return true;
    if (group === "adapters") return mode === "adapters" || mode === "full";
    if (mode === "full") return true;
    if (mode === "top-layers") return (layerIndex(name) ?? -1) >= numLayers - k || name.startsWith("pooler.");
    return (mode === "adapters" || mode === "layernorm-only") && isLayerNorm(name);
  };
  const trainable: NamedTensor[] = [];
  for (const group of ["base", "adapters", "head"] as const) {
    for (const [name, t] of groups[group]) {
      t.requiresGrad = trains(group, name);
      if (t.requiresGrad) trainable.push([name, t]);
    }
  }
  return trainable;
}

export function countParameters(groups: ParameterGroups): ParameterCounts {
  const size = (list: readonly NamedTensor[], onlyTrainable: boolean): number =>
    list.reduce((n, [, t]) => n + (onlyTrainable && !t.requiresGrad ? 0 : t.size), 0);
  const all = [...groups.base, ...groups.adapters, ...groups.head];
  return { total: size(all, false), trainable: size(all, true), adapter: size(groups.adapters, false), head: size(groups.head, false) };
}
