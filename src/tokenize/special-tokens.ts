// The special tokens a loader starts from: BERT's and RoBERTa's defaults, overridden by the caller or
// by tokenizer_config.json, and the added-token entries Hugging Face registers for them.
import { FormatError } from "../errors.js";
import type { AddedToken } from "./added-tokens.js";
import type { Vocab } from "./models/vocab.js";
import type { SpecialTokenNames } from "./tokenizer.js";

export const BERT_SPECIAL_TOKENS: SpecialTokenNames = {
  cls: "[CLS]", sep: "[SEP]", pad: "[PAD]", unk: "[UNK]", mask: "[MASK]", bos: null, eos: null,
};

export const ROBERTA_SPECIAL_TOKENS: SpecialTokenNames = {
  cls: "<s>", sep: "</s>", pad: "<pad>", unk: "<unk>", mask: "<mask>", bos: "<s>", eos: "</s>",
};

export function withOverrides(defaults: SpecialTokenNames, overrides: Partial<SpecialTokenNames> = {}): SpecialTokenNames {
  return { ...defaults, ...overrides };
}

/** A special token the tokenizer cannot work without, with its id; `label` names the vocabulary file. */
export function requireToken(vocab: Vocab, token: string | null, role: string, label: string): readonly [string, number] {
  const id = token === null ? undefined : vocab.id(token);
  if (token === null || id === undefined) {
    throw new FormatError(`${label}: expected the ${role} token ${token === null ? "" : `"${token}" `}in the vocabulary, got none`);
  }
  return [token, id];
}

/**
 * One special added token per distinct special token found in the vocabulary, matched in the raw text.
 * `lstripped` names tokens that also take the whitespace before them (RoBERTa's <mask>).
 */
export function specialAddedTokens(vocab: Vocab, names: SpecialTokenNames, lstripped: ReadonlySet<string> = new Set()): AddedToken[] {
  const seen = new Set<string>();
  const tokens: AddedToken[] = [];
  for (const name of Object.values(names)) {
    if (name === null || seen.has(name)) continue;
    seen.add(name);
    const id = vocab.id(name);
    if (id === undefined) continue;
    tokens.push({ id, content: name, special: true, lstrip: lstripped.has(name), rstrip: false, singleWord: false, normalized: false });
  }
  return tokens;
}
