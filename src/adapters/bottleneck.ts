// A bottleneck adapter, h + up(act(down(h))): down H -> m, up m -> H, with the residual inside (as in
// adapter-bert's feedforward_adapter). With init scale 1e-3 and zero biases a new adapter is near identity.
import { add, gelu, mul, relu, scale, tanh, type Engine, type Tensor } from "../autograd/index.js";
import { Linear, Module, type ForwardContext, type Insertion, type InsertionPointName } from "../nn/index.js";
import type { Rng } from "../rng.js";
import type { AdapterActivation, BottleneckConfig } from "./bottleneck-config.js";

function activate(x: Tensor, activation: AdapterActivation): Tensor {
  switch (activation) {
    case "gelu_tanh":
      return gelu(x, "tanh");
    case "gelu":
      return gelu(x, "erf");
    case "relu":
      return relu(x);
    case "swish":
      return mul(x, sigmoid(x));
  }
}

// σ(x) = (1 + tanh(x/2)) / 2, built from existing ops so its backward comes for free.
function sigmoid(x: Tensor): Tensor {
  const e = x.engine;
  return scale(add(tanh(scale(x, 0.5)), e.tensor([1], [1])), 0.5);
}

export class BottleneckAdapter extends Module implements Insertion {
  readonly down: Linear;
  readonly up: Linear;

  constructor(
    e: Engine,
    hiddenSize: number,
    private readonly config: BottleneckConfig,
    rng: Rng,
  ) {
    super();
    const init = { rng, std: config.initScale };
    this.down = this.child("down", new Linear(e, hiddenSize, config.bottleneckSize, init));
    this.up = this.child("up", new Linear(e, config.bottleneckSize, hiddenSize, init));
  }

  forward(h: Tensor, _ctx: ForwardContext): Tensor {
    return add(h, this.up.forward(activate(this.down.forward(h), this.config.activation)));
  }
}

/** One named adapter: its bottlenecks at every (layer, point) the config asks for. */
export class LayerAdapters extends Module {
  private readonly byPoint = new Map<string, BottleneckAdapter>();

  constructor(
    e: Engine,
    readonly config: BottleneckConfig,
    hiddenSize: number,
    numLayers: number,
    rng: Rng,
  ) {
    super();
    const points: InsertionPointName[] = [];
    if (config.afterAttention) points.push("afterAttention");
    if (config.afterFfn) points.push("afterFfn");
    for (let layer = 0; layer < numLayers; layer++) {
      if (config.leaveOut.includes(layer)) continue;
      for (const point of points) {
        const adapter = this.child(`layers.${layer}.${point}`, new BottleneckAdapter(e, hiddenSize, config, rng));
        this.byPoint.set(`${layer}.${point}`, adapter);
      }
    }
  }

  at(layer: number, point: InsertionPointName): BottleneckAdapter | null {
    return this.byPoint.get(`${layer}.${point}`) ?? null;
  }
}
