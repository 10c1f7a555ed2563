// BERT / RoBERTa encoder, post-LN, read top to bottom like the architecture:
//   embeddings (word + position + token type) -> LayerNorm -> dropout
//   N × [ self-attention -> dropout -> (afterAttention) -> LayerNorm(. + x)
//         FFN inner -> activation -> FFN output -> dropout -> (afterFfn) -> LayerNorm(. + attention out) ]
//   pooler: tanh(Linear(h[CLS]))
// RoBERTa differs only in its config and its position ids (they start after the padding index).
// The model's own weights are never written after load. What adapters change (insertions, their own
// LayerNorms) comes in per forward as a Routing: each row of a batch may run a different adapter, or none.
import { add, attention, reshape, selectTokens, tanh, type Engine, type Tensor } from "../../autograd/index.js";
import { formatShape } from "../../dtype.js";
import { FormatError, ShapeError } from "../../errors.js";
import {
  Dropout, Embedding, LayerNorm, Linear, Module, ModuleList, paddingMask, Routing,
  type ForwardContext, type LinearInit,
} from "../../nn/index.js";
import { Rng } from "../../rng.js";
import { activate } from "./activation.js";
import type { BertConfig } from "./config.js";

/** A tokenised batch, row-major (B,T). attentionMask is 1 for real tokens, 0 for padding. */
export interface EncoderInput {
  readonly ids: Int32Array;
  readonly typeIds?: Int32Array;
  readonly attentionMask?: Int32Array | Uint8Array;
  readonly batchSize: number; // B
  readonly seqLength: number; // T
}

export interface EncoderOutput {
  lastHidden: Tensor; // (B,T,H)
  pooled: Tensor; // (B,H)
  /** (B,T,H) each: [0] the embedding output, [i] layer i's output; only when asked for. */
  hiddenStates: Tensor[] | null;
}

class Embeddings extends Module {
  readonly word: Embedding;
  readonly position: Embedding;
  readonly tokenType: Embedding;
  readonly norm: LayerNorm;
  private readonly drop: Dropout;

  constructor(e: Engine, private readonly config: BertConfig, rng: Rng) {
    super();
    const init = { rng, std: config.initializerRange };
    this.word = this.child("word", new Embedding(e, config.vocabSize, config.hiddenSize, init));
    this.position = this.child("position", new Embedding(e, config.maxPositions, config.hiddenSize, init));
    this.tokenType = this.child("tokenType", new Embedding(e, config.typeVocabSize, config.hiddenSize, init));
    this.norm = this.child("norm", new LayerNorm(e, config.hiddenSize, config.layerNormEps));
    this.drop = new Dropout(config.hiddenDropout);
  }

  forward(input: EncoderInput, ctx: ForwardContext, routing: Routing): Tensor {
    const { batchSize: B, seqLength: T } = input;
    const shape = [B, T];
    const positions = positionIds(input, this.config);
    const typeIds = input.typeIds ?? new Int32Array(B * T);
    const sum = add(add(this.word.forward(input.ids, shape), this.position.forward(positions, shape)), this.tokenType.forward(typeIds, shape));
    const normed = routing.map([sum], (ins, [s]) => (ins?.norm("embeddings") ?? this.norm).forward(s));
    return this.drop.forward(normed, ctx);
  }
}

/** BERT: 0..T-1. RoBERTa (Hugging Face's create_position_ids_from_input_ids): padding_idx + running count of
 *  non-pad tokens, and padding_idx itself at pad tokens. */
function positionIds(input: EncoderInput, config: BertConfig): Int32Array {
  const { batchSize: B, seqLength: T, ids } = input;
  const out = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    let count = 0;
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      if (config.modelType === "roberta") {
        const isPad = ids[i] === config.padTokenId;
        if (!isPad) count++;
        out[i] = isPad ? config.padTokenId : config.padTokenId + count;
      } else {
        out[i] = t;
      }
      if (out[i] >= config.maxPositions) {
        throw new ShapeError(`${config.modelType}: expected at most ${config.maxPositions - config.positionOffset} tokens per sequence, got ${T}`);
      }
    }
  }
  return out;
}

class SelfAttention extends Module {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly output: Linear;
  readonly norm: LayerNorm;
  private readonly drop: Dropout;

  constructor(e: Engine, private readonly config: BertConfig, init: LinearInit) {
    super();
    const H = config.hiddenSize;
    this.query = this.child("query", new Linear(e, H, H, init));
    this.key = this.child("key", new Linear(e, H, H, init));
    this.value = this.child("value", new Linear(e, H, H, init));
    this.output = this.child("output", new Linear(e, H, H, init));
    this.norm = this.child("norm", new LayerNorm(e, H, config.layerNormEps));
    this.drop = new Dropout(config.hiddenDropout);
  }

  /** x (B,T,H), mask (B,T) additive or null (attend everywhere) -> attention output projected and dropped out, before add & norm. */
  forward(x: Tensor, mask: Tensor | null, ctx: ForwardContext): Tensor {
    const probsDropout = ctx.training && this.config.attentionDropout > 0 ? { p: this.config.attentionDropout, rng: ctx.rng } : null;
    const context = attention(this.query.forward(x), this.key.forward(x), this.value.forward(x), {
      numHeads: this.config.numHeads, mask, dropout: probsDropout,
    });
    return this.drop.forward(this.output.forward(context), ctx);
  }
}

class FeedForward extends Module {
  readonly inner: Linear;
  readonly output: Linear;
  readonly norm: LayerNorm;
  private readonly drop: Dropout;

  constructor(e: Engine, private readonly config: BertConfig, init: LinearInit) {
    super();
    this.inner = this.child("inner", new Linear(e, config.hiddenSize, config.intermediateSize, init));
    this.output = this.child("output", new Linear(e, config.intermediateSize, config.hiddenSize, init));
    this.norm = this.child("norm", new LayerNorm(e, config.hiddenSize, config.layerNormEps));
    this.drop = new Dropout(config.hiddenDropout);
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    return this.drop.forward(this.output.forward(activate(this.inner.forward(x), this.config.hiddenActivation)), ctx);
  }
}

/**
 * One post-LN encoder layer (Hugging Face's BertLayer). Exported for encoders built from the same blocks
 * (K-Adapter's adapter layers). `init` defaults to BERT's truncated normal with the config's initializer range.
 */
export class TransformerLayer extends Module {
  readonly attn: SelfAttention;
  readonly ffn: FeedForward;

  constructor(e: Engine, config: BertConfig, rng: Rng, private readonly index: number, init: LinearInit = { rng, std: config.initializerRange }) {
    super();
    this.attn = this.child("attn", new SelfAttention(e, config, init));
    this.ffn = this.child("ffn", new FeedForward(e, config, init));
  }

  /** x (B,T,H), mask (B,T) additive or null -> (B,T,H); each row's adapter (routing) runs at the insertion points. */
  forward(x: Tensor, mask: Tensor | null, ctx: ForwardContext, routing: Routing = Routing.uniform(x.shape[0], null)): Tensor {
    const layer = this.index;
    // sublayer output h and residual r of one group's rows -> that group's LayerNorm(insertion(h) + r)
    const attended = routing.map([this.attn.forward(x, mask, ctx), x], (ins, [h, r]) => {
      const point = "afterAttention";
      return (ins?.norm({ layer, point }) ?? this.attn.norm).forward(add(ins?.at(layer, point)?.forward(h, ctx) ?? h, r));
    });
    return routing.map([this.ffn.forward(attended, ctx), attended], (ins, [h, r]) => {
      const point = "afterFfn";
      return (ins?.norm({ layer, point }) ?? this.ffn.norm).forward(add(ins?.at(layer, point)?.forward(h, ctx) ?? h, r));
    });
  }
}

export class BertModel extends Module {
  readonly embeddings: Embeddings;
  readonly layers: ModuleList<TransformerLayer>;
  readonly pooler: Linear;

  constructor(readonly engine: Engine, readonly config: BertConfig, options: { seed?: number } = {}) {
    super();
    const rng = new Rng(options.seed ?? 0);
    this.embeddings = this.child("embeddings", new Embeddings(engine, config, rng));
    const layers = Array.from({ length: config.numLayers }, (_, i) => new TransformerLayer(engine, config, rng, i));
    this.layers = this.child("encoder", new EncoderLayers(layers)).layers;
    this.pooler = this.child("pooler", new Linear(engine, config.hiddenSize, config.hiddenSize, { rng, std: config.initializerRange }));
  }

  /** routing: which adapter each row runs (default: none, the plain encoder). */
  forward(input: EncoderInput, ctx: ForwardContext, options: { hiddenStates?: boolean; routing?: Routing } = {}): EncoderOutput {
    const { batchSize: B, seqLength: T } = input;
    const routing = options.routing ?? Routing.uniform(B, null);
    if (routing.batchSize !== B) throw new ShapeError(`${this.config.modelType}: expected a routing for ${B} rows, got ${routing.batchSize}`);
    if (input.ids.length !== B * T || (input.typeIds && input.typeIds.length !== B * T) || (input.attentionMask && input.attentionMask.length !== B * T)) {
      throw new ShapeError(`${this.config.modelType}: expected ids, typeIds and attentionMask of B·T = ${B}·${T} = ${B * T}, got ${input.ids.length}, ${input.typeIds?.length ?? "-"}, ${input.attentionMask?.length ?? "-"}`);
    }
    const mask = paddingMask(this.engine, input.attentionMask, B, T);
    // without a tape nothing reads a layer's intermediates once it has run: free them layer by layer
    const stage = (fn: () => Tensor): Tensor => (this.engine.isGradEnabled ? fn() : this.engine.freeIntermediates(fn));
    let h = stage(() => this.embeddings.forward(input, ctx, routing));
    const hiddenStates = options.hiddenStates ? [h] : null;
    for (const layer of this.layers.items) {
      const x = h;
      h = stage(() => layer.forward(x, mask, ctx, routing));
      hiddenStates?.push(h);
    }
    const cls = reshape(selectTokens(h, new Int32Array(B), 1), [B, this.config.hiddenSize]);
    const pooled = tanh(this.pooler.forward(cls));
    return { lastHidden: h, pooled, hiddenStates };
  }

  /** Copies checkpoint weights (AdapterKit names, see weights.ts) into the encoder's parameters. */
  loadWeights(params: ReadonlyMap<string, Float32Array>, source = "checkpoint"): void {
    for (const [name, t] of this.namedParameters()) {
      const data = params.get(name);
      if (!data) throw new FormatError(`${source}: expected tensor "${name}", got none`);
      if (data.length !== t.size) throw new FormatError(`${source}: expected ${formatShape(t.shape)} for "${name}", got ${data.length} values`);
      t.data.set(data);
    }
  }
}

/** A stack of layers, so their parameter paths read `encoder.layers.<i>....` (Hugging Face's encoder.layer.<i>). */
export class EncoderLayers extends Module {
  readonly layers: ModuleList<TransformerLayer>;

  constructor(layers: TransformerLayer[]) {
    super();
    this.layers = this.child("layers", new ModuleList(layers));
  }
}
