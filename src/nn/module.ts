// Module: a named tree of parameters, as in PyTorch. A parameter's full name is its dotted path from the
// root (`encoder.layers.3.attn.query.weight`), which is what checkpoints and adapter files are keyed by.
import type { Tensor } from "../autograd/index.js";
import type { Rng } from "../rng.js";

/** What a forward pass needs besides its inputs: training switches dropout on; rng draws its masks. */
export interface ForwardContext {
  readonly training: boolean;
  readonly rng: Rng;
}

export abstract class Module {
  private readonly ownParameters = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  protected parameter(name: string, tensor: Tensor): Tensor {
    this.ownParameters.set(name, tensor);
    return tensor;
  }

  protected child<M extends Module>(name: string, module: M): M {
    this.children.set(name, module);
    return module;
  }

  protected removeChild(name: string): void {
    this.children.delete(name);
  }

  /** Every parameter under this module, depth first, with its dotted path. */
  namedParameters(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, t] of this.ownParameters) out.push([prefix + name, t]);
    for (const [name, m] of this.children) out.push(...m.namedParameters(`${prefix}${name}.`));
    return out;
  }

  /** This module and every module under it, depth first. */
  modules(): Module[] {
    return [this, ...[...this.children.values()].flatMap((m) => m.modules())];
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }
}
