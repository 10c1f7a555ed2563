// BERT's masked-language-model head (Hugging Face's BertOnlyMLMHead), scored only at the masked positions:
//   h[masked] (M,H) -> dense -> activation -> LayerNorm -> · Eᵀ + bias -> logits (M,V)
// E is the encoder's word-embedding table: input and output embeddings are tied, so the decoder adds no
// (V,H) matrix of its own and its gradient flows into the embeddings.
import { crossEntropy, gatherRows, linear, reshape, type Engine, type Tensor } from "../../autograd/index.js";
import { ShapeError } from "../../errors.js";
import { activate, LayerNorm, Linear, Module } from "../../nn/index.js";
import type { Rng } from "../../rng.js";
import type { BertConfig } from "./config.js";

class Transform extends Module {
  readonly dense: Linear;
  readonly norm: LayerNorm;

  constructor(e: Engine, readonly config: BertConfig, rng: Rng) {
    super();
    this.dense = this.child("dense", new Linear(e, config.hiddenSize, config.hiddenSize, { rng, std: config.initializerRange }));
    this.norm = this.child("norm", new LayerNorm(e, config.hiddenSize, config.layerNormEps));
  }

  forward(x: Tensor): Tensor {
    return this.norm.forward(activate(this.dense.forward(x), this.config.hiddenActivation));
  }
}

export class MaskedLmHead extends Module {
  readonly transform: Transform;
  readonly bias: Tensor;

  constructor(e: Engine, config: BertConfig, private readonly wordEmbeddings: Tensor, rng: Rng) {
    super();
    if (wordEmbeddings.rank !== 2 || wordEmbeddings.shape[1] !== config.hiddenSize) {
      throw new ShapeError(`MaskedLmHead: expected word embeddings (V,${config.hiddenSize}), got ${wordEmbeddings.shape.join("x")}`);
    }
    this.transform = this.child("transform", new Transform(e, config, rng));
    this.bias = this.parameter("bias", e.zeros([wordEmbeddings.shape[0]], { requiresGrad: true }));
  }

  /** lastHidden (B,T,H), positions: flat indices b·T+t of the masked tokens -> logits (M,V). */
  forward(lastHidden: Tensor, positions: Int32Array): Tensor {
    const [B, T, H] = lastHidden.shape;
    const picked = gatherRows(reshape(lastHidden, [B * T, H]), positions);
    return linear(this.transform.forward(picked), this.wordEmbeddings, this.bias);
  }

  loss(logits: Tensor, labels: Int32Array): Tensor {
    return crossEntropy(logits, labels);
  }
}

/** Hugging Face's name (BertForMaskedLM) of a MaskedLmHead parameter. */
export function maskedLmHfName(name: string): string {
  return "cls.predictions." + name.replace(/^transform\.norm\./, "transform.LayerNorm.");
}
