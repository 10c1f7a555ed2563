// What a caller may pass to predict, checked once at the boundary: a text, or a text with its pair.
import { ConfigError } from "../errors.js";

export type PredictInput = string | { readonly text: string; readonly textPair?: string };

export interface TextInputParts {
  readonly text: string;
  readonly textPair: string | null;
}

/** input -> its parts; `where` names it in errors ("inputs[3]"). */
export function inputParts(input: PredictInput, where: string): TextInputParts {
  if (typeof input === "string") return { text: input, textPair: null };
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new ConfigError(`${where}: expected a string or an object { text, textPair? }, got ${JSON.stringify(input)?.slice(0, 80)}`);
  }
  if (typeof input.text !== "string") throw new ConfigError(`${where}.text: expected a string, got ${JSON.stringify(input.text)?.slice(0, 80)}`);
  if (input.textPair !== undefined && typeof input.textPair !== "string") {
    throw new ConfigError(`${where}.textPair: expected a string, got ${JSON.stringify(input.textPair)?.slice(0, 80)}`);
  }
  return { text: input.text, textPair: input.textPair ?? null };
}
