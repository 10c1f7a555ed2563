// BERT's masked-LM corruption (create_masked_lm_predictions in google-research/bert): in each sequence pick
// round(15%) of the body tokens to predict; of those, 80% become [MASK], 10% a random vocabulary token and
// 10% stay as they are. With whole-word masking a word's WordPiece pieces ("un", "##afford", "##able") are
// picked together, so the model cannot fill one piece from its neighbours.
import { ConfigError } from "../errors.js";
import type { EncoderInput } from "../models/index.js";
import type { Rng } from "../rng.js";
import type { Tokenizer } from "../tokenize/index.js";

export interface MaskingOptions {
  probability: number; // 0.15
  wholeWord: boolean;
}

export interface MaskingVocab {
  clsId: number;
  sepId: number;
  maskId: number;
  vocabSize: number;
  /** 1 for a token that continues a word (WordPiece "##..."). */
  continuesWord: Uint8Array;
}

export interface MaskedBatch {
  input: EncoderInput;
  /** Flat indices b·T+t of the tokens to predict, ascending. */
  positions: Int32Array;
  /** The original token at each position. */
  labels: Int32Array;
  /** With next-sentence pairs: per sequence, 0 when segment B follows A, 1 when it comes from elsewhere. */
  nextSentenceLabels?: Int32Array;
}

export function maskingVocab(tokenizer: Tokenizer): MaskingVocab {
  const { cls, sep, mask } = tokenizer.specialTokenIds;
  if (cls === null || sep === null || mask === null) throw new ConfigError("masked LM: expected a tokenizer with [CLS], [SEP] and [MASK] tokens");
  const continuesWord = new Uint8Array(tokenizer.vocabSize);
  if (tokenizer.kind === "wordpiece") {
    for (let id = 0; id < tokenizer.vocabSize; id++) continuesWord[id] = tokenizer.idToToken(id)?.startsWith("##") ? 1 : 0;
  }
  return { clsId: cls, sepId: sep, maskId: mask, vocabSize: tokenizer.vocabSize, continuesWord };
}

/** bodies: B sequences of L token ids each (one flat array) -> a (B, L+2) batch with [CLS]/[SEP] and masks. */
export function maskBatch(bodies: Int32Array, batchSize: number, vocab: MaskingVocab, options: MaskingOptions, rng: Rng): MaskedBatch {
  const L = bodies.length / batchSize;
  if (!Number.isInteger(L) || L < 1) throw new ConfigError(`masked LM: expected ${batchSize} bodies of equal length, got ${bodies.length} tokens`);
  const T = L + 2;
  const ids = new Int32Array(batchSize * T);
  const positions: number[] = [];
  const labels: number[] = [];
  for (let b = 0; b < batchSize; b++) {
    const body = bodies.subarray(b * L, (b + 1) * L);
    const row = b * T;
    ids[row] = vocab.clsId;
    ids.set(body, row + 1);
    ids[row + T - 1] = vocab.sepId;
    const chosen = chooseTokens(body, vocab, options, rng);
    for (const t of chosen) {
      const at = row + 1 + t;
      positions.push(at);
      labels.push(body[t]);
      const r = rng.uniform();
      if (r < 0.8) ids[at] = vocab.maskId;
      else if (r < 0.9) ids[at] = rng.int(vocab.vocabSize);
    }
  }
  return {
    input: { ids, batchSize, seqLength: T },
    positions: Int32Array.from(positions),
    labels: Int32Array.from(labels),
  };
}

/** Body offsets to predict, ascending: whole groups (words, or single tokens) in random order up to the budget. */
function chooseTokens(body: Int32Array, vocab: MaskingVocab, options: MaskingOptions, rng: Rng): number[] {
  const groups: number[][] = [];
  for (let t = 0; t < body.length; t++) {
    const id = body[t];
    if (id === vocab.sepId) continue; // document separators are structure, not text
    const continues = options.wholeWord && vocab.continuesWord[id] === 1 && groups.length > 0 && groups[groups.length - 1].at(-1) === t - 1;
    if (continues) groups[groups.length - 1].push(t);
    else groups.push([t]);
  }
  const candidates = groups.reduce((n, g) => n + g.length, 0);
  const budget = Math.max(1, Math.round(candidates * options.probability));
  for (let i = groups.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [groups[i], groups[j]] = [groups[j], groups[i]];
  }
  const chosen: number[] = [];
  for (const group of groups) {
    if (chosen.length >= budget) break;
    if (chosen.length + group.length > budget) continue; // BERT skips a word that would overshoot
    chosen.push(...group);
  }
  return chosen.sort((a, b) => a - b);
}
