// A sequential bottleneck adapter at one sublayer, computed as AdapterHub's Adapter does (pre_forward, forward,
// post_forward in adapters' methods/modeling.py). With h the sublayer's output, r its residual input and LN the
// LayerNorm that closes it:
//   x   = LN(h + r) if original_ln_before, else h
//   res = h (residual_before_ln), h + r ("post_add"), or x (false)
//   out = scaling · up(act(down(ln_before(x)))), dropped out; + res before or after ln_after
//   y   = LN(out + r) if original_ln_after, else out
// adapter-bert's adapter is the plain case: y = LN(h + up(act(down(h))) + r).
import { add, mul, scale, type Engine, type Tensor } from "../autograd/index.js";
import { applyActivation, Dropout, filled, LayerNorm, Linear, Module, type ForwardContext, type Insertion, type InsertionPointName, type LinearInit } from "../nn/index.js";
import type { Rng } from "../rng.js";
import { bottleneckSizeAt, type BottleneckConfig } from "./bottleneck-config.js";

const ADAPTER_LN_EPS = 1e-5; // nn.LayerNorm's default, which AdapterHub's ln_before / ln_after use

export class BottleneckAdapter extends Module implements Insertion {
  readonly normBefore: LayerNorm | null;
  readonly down: Linear;
  readonly up: Linear;
  readonly scaling: Tensor | null; // scaling "learned" (1) or "channel" (H)
  readonly normAfter: LayerNorm | null;
  private readonly drop: Dropout;

  constructor(
    e: Engine,
    hiddenSize: number,
    m: number,
    private readonly config: BottleneckConfig,
    rng: Rng,
  ) {
    super();
    this.normBefore = config.lnBefore ? this.child("normBefore", new LayerNorm(e, hiddenSize, ADAPTER_LN_EPS)) : null;
    this.down = this.child("down", new Linear(e, hiddenSize, m, initOf(config, rng)));
    this.up = this.child("up", new Linear(e, m, hiddenSize, initOf(config, rng)));
    if (config.init === "mam_adapter") {
      this.down.bias?.data.fill(0);
      this.up.weight.data.fill(0);
      this.up.bias?.data.fill(0);
    }
    const scaled = config.scaling === "learned" ? 1 : config.scaling === "channel" ? hiddenSize : 0;
    this.scaling = scaled ? this.parameter("scaling", filled(e, [scaled], 1)) : null;
    this.normAfter = config.lnAfter ? this.child("normAfter", new LayerNorm(e, hiddenSize, ADAPTER_LN_EPS)) : null;
    this.drop = new Dropout(config.dropout);
  }

  forward(h: Tensor, r: Tensor, norm: LayerNorm, ctx: ForwardContext): Tensor {
    const c = this.config;
    let x = h;
    let residual = h;
    if (c.originalLnBefore) {
      const sum = add(h, r);
      if (c.residualBeforeLn === "post_add") residual = sum;
      x = norm.forward(sum);
    }
    if (c.residualBeforeLn === false) residual = x;
    let out = this.up.forward(applyActivation(this.down.forward(this.normBefore ? this.normBefore.forward(x) : x), c.activation));
    if (this.scaling) out = mul(out, this.scaling);
    else if (c.scaling !== 1) out = scale(out, c.scaling as number);
    out = this.drop.forward(out, ctx);
    if (c.adapterResidualBeforeLn) out = add(out, residual);
    if (this.normAfter) out = this.normAfter.forward(out);
    if (!c.adapterResidualBeforeLn) out = add(out, residual);
    return c.originalLnAfter ? norm.forward(add(out, r)) : out;
  }
}

// adapter-bert: truncated normal (std initScale), zero biases. AdapterHub: "bert" N(0, 0.02²); "houlsby" N(0, 0.01²)
// truncated at 2 std; "mam_adapter" kaiming-uniform down (bias and up zeroed by the caller); biases zero.
function initOf(config: BottleneckConfig, rng: Rng): LinearInit {
  switch (config.init) {
    case "adapter-bert":
      return { rng, std: config.initScale };
    case "bert":
      return { rng, std: 0.02, truncated: false };
    case "houlsby":
      return { rng, std: 1e-2 };
    case "mam_adapter":
      return { rng, fanInUniform: true };
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
        const adapter = this.child(`layers.${layer}.${point}`, new BottleneckAdapter(e, hiddenSize, bottleneckSizeAt(config, layer), config, rng));
        this.byPoint.set(`${layer}.${point}`, adapter);
      }
    }
  }

  at(layer: number, point: InsertionPointName): BottleneckAdapter | null {
    return this.byPoint.get(`${layer}.${point}`) ?? null;
  }
}
