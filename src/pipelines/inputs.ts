// What a caller may pass to predict, checked once at the boundary: a text, or a text with its pair.
import { ConfigError } from "../errors.js";

/** A text or a text pair (sequence and tagging adapters), or a span input (K-Adapter tasks, see spans.ts). */
export type PredictInput =
  | string
  | { readonly text: string; readonly textPair?: string }
  | { readonly text: string; readonly start: number; readonly end: number }
  | { readonly tokens: readonly string[]; readonly subject: readonly [number, number]; readonly object: readonly [number, number] };

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
  const x = input as { text?: unknown; textPair?: unknown };
  if (typeof x.text !== "string") throw new ConfigError(`${where}.text: expected a string, got ${JSON.stringify(x.text)?.slice(0, 80)}`);
  if (x.textPair !== undefined && typeof x.textPair !== "string") {
    throw new ConfigError(`${where}.textPair: expected a string, got ${JSON.stringify(x.textPair)?.slice(0, 80)}`);
  }
  return { text: x.text, textPair: x.textPair ?? null };
}
