// BERT's next-sentence head (Hugging Face's BertOnlyNSPHead): pooled output (B,H) -> Linear -> 2 logits,
// 0 = segment B follows segment A, 1 = B is from elsewhere. It is what trains the pooler and makes [CLS]
// summarise the sequence, which Adapter-BERT relies on: its classifier reads the pooled output and the
// pooler stays frozen.
import { crossEntropy, type Engine, type Tensor } from "../../autograd/index.js";
import { Linear, Module } from "../../nn/index.js";
import type { Rng } from "../../rng.js";
import type { BertConfig } from "./config.js";

export class NextSentenceHead extends Module {
  readonly classifier: Linear;

  constructor(e: Engine, config: BertConfig, rng: Rng) {
    super();
    this.classifier = this.child("classifier", new Linear(e, config.hiddenSize, 2, { rng, std: config.initializerRange }));
  }

  /** pooled (B,H) -> logits (B,2). */
  forward(pooled: Tensor): Tensor {
    return this.classifier.forward(pooled);
  }

  loss(logits: Tensor, labels: Int32Array): Tensor {
    return crossEntropy(logits, labels);
  }
}

/** Hugging Face's name (BertForPreTraining) of a NextSentenceHead parameter. */
export function nextSentenceHfName(name: string): string {
  return "cls.seq_relationship." + name.replace(/^classifier\./, "");
}
