// Special tokens around one sequence or a pair, as Hugging Face's TemplateProcessing does; BertProcessing
// and RobertaProcessing are fixed templates of it:
//   BERT     single  [CLS] A [SEP]          pair  [CLS] A [SEP] B [SEP]      type ids 0 for "[CLS] A [SEP]", 1 for "B [SEP]"
//   RoBERTa  single  <s> A </s>             pair  <s> A </s> </s> B </s>     type ids all 0 (RoBERTa has no segment embeddings)
import { assert } from "../../errors.js";
import type { Encoding, SequenceEncoding } from "../encoding.js";

/** One item of a template: a special token (one or more ids) or the slot where sequence A or B goes. */
export type TemplateItem =
  | { kind: "special"; ids: readonly number[]; tokens: readonly string[]; typeId: number }
  | { kind: "sequence"; sequence: 0 | 1; typeId: number };

export class TemplatePostProcessor {
  constructor(
    readonly single: readonly TemplateItem[],
    readonly pair: readonly TemplateItem[],
  ) {}

  /** How many special tokens the template adds: truncation leaves room for them. */
  addedTokens(isPair: boolean): number {
    let count = 0;
    for (const item of isPair ? this.pair : this.single) if (item.kind === "special") count += item.ids.length;
    return count;
  }
}

export function bertTemplate(cls: readonly [string, number], sep: readonly [string, number]): TemplatePostProcessor {
  const special = (token: readonly [string, number], typeId: number): TemplateItem => ({
    kind: "special", ids: [token[1]], tokens: [token[0]], typeId,
  });
  return new TemplatePostProcessor(
    [special(cls, 0), { kind: "sequence", sequence: 0, typeId: 0 }, special(sep, 0)],
    [special(cls, 0), { kind: "sequence", sequence: 0, typeId: 0 }, special(sep, 0), { kind: "sequence", sequence: 1, typeId: 1 }, special(sep, 1)],
  );
}

export function robertaTemplate(bos: readonly [string, number], eos: readonly [string, number]): TemplatePostProcessor {
  const special = (token: readonly [string, number]): TemplateItem => ({ kind: "special", ids: [token[1]], tokens: [token[0]], typeId: 0 });
  return new TemplatePostProcessor(
    [special(bos), { kind: "sequence", sequence: 0, typeId: 0 }, special(eos)],
    [special(bos), { kind: "sequence", sequence: 0, typeId: 0 }, special(eos), special(eos), { kind: "sequence", sequence: 1, typeId: 0 }, special(eos)],
  );
}

/** No special tokens; a pair is A then B with type ids 0 and 1 (Hugging Face without a post-processor). */
export const PLAIN_TEMPLATE = new TemplatePostProcessor(
  [{ kind: "sequence", sequence: 0, typeId: 0 }],
  [{ kind: "sequence", sequence: 0, typeId: 0 }, { kind: "sequence", sequence: 1, typeId: 1 }],
);

/**
 * The final encoding of sequence `a` (and `b` for a pair) laid out by the template. Without special
 * tokens only the sequence slots remain, with the template's type ids.
 */
export function applyTemplate(
  template: TemplatePostProcessor,
  a: SequenceEncoding,
  b: SequenceEncoding | null,
  addSpecialTokens: boolean,
): Encoding {
  const ids: number[] = [];
  const tokens: string[] = [];
  const typeIds: number[] = [];
  const special: number[] = [];
  const wordIds: Array<number | null> = [];
  const sequenceIds: Array<0 | 1 | null> = [];
  const offsets: Array<[number, number]> = [];
  for (const item of b === null ? template.single : template.pair) {
    if (item.kind === "special") {
      if (!addSpecialTokens) continue;
      item.ids.forEach((id, k) => {
        ids.push(id);
        tokens.push(item.tokens[k]);
        typeIds.push(item.typeId);
        special.push(1);
        wordIds.push(null);
        sequenceIds.push(null);
        offsets.push([0, 0]);
      });
      continue;
    }
    const sequence = item.sequence === 0 ? a : b;
    assert(sequence !== null, "applyTemplate: the pair template has a slot for B but no second sequence was given");
    for (let t = 0; t < sequence.ids.length; t++) {
      ids.push(sequence.ids[t]);
      tokens.push(sequence.tokens[t]);
      typeIds.push(item.typeId);
      special.push(0);
      wordIds.push(sequence.wordIds[t]);
      sequenceIds.push(item.sequence);
      offsets.push(sequence.offsets[t]);
    }
  }
  return {
    ids: Int32Array.from(ids),
    tokens,
    typeIds: Int32Array.from(typeIds),
    attentionMask: new Uint8Array(ids.length).fill(1),
    specialTokensMask: Uint8Array.from(special),
    wordIds,
    sequenceIds,
    offsets,
  };
}
