// Layer-wise learning-rate decay in the style of ELECTRA's fine-tuning (Clark et al. 2020, layer_decay 0.8
// for its small model): lower layers move less, so more of what pretraining put there survives fine-tuning.
// With L layers, a parameter at depth k trains at lr·decay^(L+1−k): the embeddings at depth 0, layer i (its
// adapters too) at i+1, and everything above the layers (pooler, head) at the full rate. ELECTRA's code
// counts the head at depth L+2, so there every encoder parameter gets one more factor of decay (its top
// layer lr·decay²); here the top layer trains at lr·decay.
import { ConfigError } from "../../errors.js";

/** The learning-rate multiplier of each parameter, by its dotted name (embeddings.…, ….layers.<i>.…). */
export function layerDecayScale(numLayers: number, decay: number): (name: string) => number {
  if (!(decay > 0 && decay <= 1)) throw new ConfigError(`--layer-decay: expected a number in (0, 1], got ${decay}`);
  return (name: string): number => {
    if (/^embeddings\./.test(name)) return decay ** (numLayers + 1);
    const layer = /(?:^|\.)layers\.(\d+)\./.exec(name);
    return layer ? decay ** (numLayers - Number(layer[1])) : 1;
  };
}
