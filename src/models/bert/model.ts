// BERT / RoBERTa encoder, post-LN, read top to bottom like the architecture:
//   embeddings (word + position + token type) -> LayerNorm -> dropout
//   N × [ self-attention -> dropout -> (afterAttention) -> LayerNorm(. + x)
//         FFN inner -> activation -> FFN output -> dropout -> (afterFfn) -> LayerNorm(. + attention out) ]
//   pooler: tanh(Linear(h[CLS]))   (absent in checkpoints exported from *ForMaskedLM models and RoBERTa's)
// RoBERTa differs only in its config and its position ids (they start after the padding index).
// The model's own weights are never written after load. What adapters change (insertions, their own
// LayerNorms) comes in per forward as a Routing: each row of a batch may run a different adapter, or none.
import { createHash } from "node:crypto";
import { add, reshape, selectTokens, tanh, type Engine, type Tensor } from "../../autograd/index.js";
import { formatShape } from "../../dtype.js";
import { ConfigError, FormatError, ShapeError } from "../../errors.js";
import type { LinearPrecision } from "../../kernels/index.js";
import {
  Dropout, Embedding, EncoderLayers, LayerNorm, Linear, Module, ModuleList, paddingMask, Routing, TransformerLayer, type ForwardContext,
} from "../../nn/index.js";
import { Rng } from "../../rng.js";
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
  pooled: Tensor | null; // (B,H); null for a model without a pooler
  /** (B,T,H) each: [0] the embedding output, [i] layer i's output; only when asked for. */
  hiddenStates: Tensor[] | null;
}

class Embeddings extends Module {
  readonly word: Embedding;
  readonly position: Embedding;
  readonly tokenType: Embedding;
  readonly norm: LayerNorm;
  private readonly drop: Dropout;

  constructor(e: Engine, private readonly config: BertConfig, init: { rng: Rng; std: number } | { zeros: true }) {
    super();
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

export class BertModel extends Module {
  readonly embeddings: Embeddings;
  readonly layers: ModuleList<TransformerLayer>;
  /** null for a checkpoint that has none (a *ForMaskedLM export, RoBERTa's). */
  readonly pooler: Linear | null;
  private packing: LinearPrecision | null = null;
  private fp32Dropped = false;

  /** randomInit false: every weight zero, nothing drawn, for a model whose weights are loaded next (a loader,
   *  copy()); drawing BERT-base's 110M truncated normals alone took seconds. */
  constructor(readonly engine: Engine, readonly config: BertConfig, options: { seed?: number; pooler?: boolean; randomInit?: boolean } = {}) {
    super();
    const rng = new Rng(options.seed ?? 0);
    const init = options.randomInit === false ? ({ zeros: true } as const) : { rng, std: config.initializerRange };
    this.embeddings = this.child("embeddings", new Embeddings(engine, config, init));
    const layers = Array.from({ length: config.numLayers }, (_, i) => new TransformerLayer(engine, config, rng, i, init));
    this.layers = this.child("encoder", new EncoderLayers(layers)).layers;
    this.pooler = options.pooler === false ? null : this.child("pooler", new Linear(engine, config.hiddenSize, config.hiddenSize, init));
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
    const pooled = this.pooler ? tanh(this.pooler.forward(firstToken(h))) : null;
    return { lastHidden: h, pooled, hiddenStates };
  }

  /** A new encoder with copies of this one's weights, for a run that trains encoder weights (full fine-tuning,
   *  top layers, K-Adapter's fine-tuned PLM) while this one stays as loaded. Its parameters require gradients. */
  copy(): BertModel {
    this.checkFp32("copy");
    const twin = new BertModel(this.engine, this.config, { pooler: this.pooler !== null, randomInit: false });
    twin.loadWeights(new Map(this.namedParameters().map(([n, t]) => [n, Float32Array.from(t.data)])), "the base model");
    return twin;
  }

  /**
   * Packs every Linear weight of the frozen encoder (and pooler) once: "fp32" GEMM panels (the same products,
   * without re-packing each weight at every call), "int8" or "bf16"; null unpacks. Every parameter must be
   * frozen. int8 with a calibration batch first runs it in fp32 and records each Linear's input range per
   * channel, for SmoothQuant's migration (Linear.pack).
   * dropFp32 (int8, bf16): each fp32 weight goes as soon as it is packed (nothing reads it then: the forward
   * and bf16's backward read the packed one), and every other parameter gets its own array. The old arrays'
   * memory goes back to the OS at once (Backend.discard: the model owns the arrays loadWeights handed it), so
   * the load's peak stays near the checkpoint's size and the buffer it was read into does not wait for a
   * garbage collection. The model can then no longer be copied, fingerprinted or packed again: read the
   * checkpoint again for those.
   */
  packWeights(precision: LinearPrecision | null, calibration: EncoderInput | null = null, options: { dropFp32?: boolean } = {}): { packedBytes: number; freedBytes: number } {
    this.checkFp32("packWeights");
    if (options.dropFp32 && (precision === null || precision === "fp32"))
      throw new ConfigError(`packWeights: expected int8 or bf16 to drop the fp32 weights, got ${precision}: fp32 forwards and training read them`);
    const linears = this.linears();
    if (precision === "int8" && calibration) {
      for (const l of linears) {
        l.pack(null);
        l.recordInputs(true);
      }
      this.engine.noGrad(() => this.forward(calibration, { training: false, rng: new Rng(0) }));
      this.engine.release();
    }
    this.packing = precision;
    let packedBytes = 0;
    let freedBytes = 0;
    for (const l of linears) {
      l.pack(precision, l.recordedInputMax);
      l.recordInputs(false);
      packedBytes += l.packedBytes;
      if (options.dropFp32) freedBytes += l.dropFp32Weight();
    }
    if (options.dropFp32) {
      for (const t of this.parameters()) {
        const old = t.data;
        if (old.length !== t.size) continue; // a dropped Linear weight
        t.storage.data = old.slice();
        if (old instanceof Float32Array) this.engine.backend.discard(old);
      }
      this.fp32Dropped = true;
    }
    return { packedBytes, freedBytes };
  }

  /** Whether the fp32 Linear weights are here (not dropped: packWeights' dropFp32). */
  get holdsFp32Weights(): boolean {
    return !this.fp32Dropped;
  }

  private checkFp32(what: string): void {
    if (this.fp32Dropped)
      throw new ConfigError(`${what}: the base model's fp32 Linear weights were dropped after packing them in ${this.packing}; hint: read the checkpoint again (or load it in fp32)`);
  }

  private linears(): Linear[] {
    return this.modules().filter((m): m is Linear => m instanceof Linear);
  }

  /** How the Linear weights are packed (packWeights), or null. */
  get packedAs(): LinearPrecision | null {
    return this.packing;
  }

  /** sha256 over every parameter's name and float32 values: equal only for the same weights. */
  fingerprint(): string {
    this.checkFp32("fingerprint");
    const hash = createHash("sha256");
    for (const [name, t] of this.namedParameters()) {
      hash.update(name);
      const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data); // float32 bytes either way
      hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
    return hash.digest("hex");
  }

  /** Puts checkpoint weights (AdapterKit names, see weights.ts) into the encoder's parameters. A float32 engine
   *  adopts the arrays as they are, so the caller hands them over: BERT-base's 440 MB is then never copied,
   *  and a copy cost as much as reading the file (touching fresh memory is what is slow). */
  loadWeights(params: ReadonlyMap<string, Float32Array>, source = "checkpoint"): void {
    this.checkFp32("loadWeights");
    for (const [name, t] of this.namedParameters()) {
      const data = params.get(name);
      if (!data) throw new FormatError(`${source}: expected tensor "${name}", got none`);
      if (data.length !== t.size) throw new FormatError(`${source}: expected ${formatShape(t.shape)} for "${name}", got ${data.length} values`);
      if (t.data instanceof Float32Array) t.storage.data = data;
      else t.data.set(data);
    }
  }
}

/** h (B,T,H) -> its first token's vectors (B,H): [CLS] for BERT, <s> for RoBERTa. */
export function firstToken(h: Tensor): Tensor {
  const [B, , H] = h.shape;
  return reshape(selectTokens(h, new Int32Array(B), 1), [B, H]);
}
