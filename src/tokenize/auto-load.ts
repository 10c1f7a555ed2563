// Load whatever tokenizer files a model directory holds, in Transformers' order of preference:
// tokenizer.json, else vocab.txt (BERT), else vocab.json + merges.txt (RoBERTa); tokenizer_config.json,
// when present, supplies do_lower_case, special tokens and decoding settings.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../errors.js";
import { fromBpeFiles } from "./load-bpe-files.js";
import { fromVocabFile } from "./load-vocab-txt.js";
import { tokenizerFromJson } from "./from-json.js";
import { fileLabel, readJsonFile } from "./text-files.js";
import { readTokenizerConfig, type TokenizerConfig } from "./tokenizer-config.js";
import type { Tokenizer } from "./tokenizer.js";

export interface LoadTokenizerOptions {
  /** do_lower_case for a vocab.txt directory without tokenizer_config.json (required there, ignored otherwise). */
  lowercase?: boolean;
  /** add_prefix_space for byte-level tokenizers; wins over the files (true is needed for encodePretokenized). */
  addPrefixSpace?: boolean;
}

const LOOKED_FOR = "tokenizer.json, vocab.txt, or vocab.json with merges.txt";

export function loadTokenizer(dir: string, options: LoadTokenizerOptions = {}): Tokenizer {
  const where = `loadTokenizer(${dir})`;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`${where}: expected a model directory holding ${LOOKED_FOR}, got no such directory`);
  const has = (name: string): boolean => existsSync(join(dir, name));
  const config = has("tokenizer_config.json") ? readTokenizerConfig(join(dir, "tokenizer_config.json")) : null;

  if (has("tokenizer.json")) {
    const path = join(dir, "tokenizer.json");
    return tokenizerFromJson(readJsonFile(path, where), fileLabel(path), config, options.addPrefixSpace);
  }
  if (has("vocab.txt")) {
    return fromVocabFile(join(dir, "vocab.txt"), {
      lowercase: resolveLowercase(where, config, options.lowercase),
      stripAccents: config?.stripAccents,
      handleChineseChars: config?.tokenizeChineseChars,
      specialTokens: config?.specialTokens,
      cleanUpTokenizationSpaces: config?.cleanUpTokenizationSpaces,
      addedTokens: config?.addedTokens,
    });
  }
  if (has("vocab.json") && has("merges.txt")) {
    return fromBpeFiles(join(dir, "vocab.json"), join(dir, "merges.txt"), {
      addPrefixSpace: options.addPrefixSpace ?? config?.addPrefixSpace,
      trimOffsets: config?.trimOffsets,
      specialTokens: config?.specialTokens,
      cleanUpTokenizationSpaces: config?.cleanUpTokenizationSpaces,
      addedTokens: config?.addedTokens,
    });
  }
  const found = readdirSync(dir).sort();
  const missingHalf = has("vocab.json") ? "; hint: vocab.json needs merges.txt beside it" : has("merges.txt") ? "; hint: merges.txt needs vocab.json beside it" : "";
  throw new ConfigError(`${where}: expected ${LOOKED_FOR}, got ${found.length === 0 ? "an empty directory" : `only ${found.slice(0, 12).join(", ")}${found.length > 12 ? ", ..." : ""}`}${missingHalf}`);
}

/** do_lower_case from tokenizer_config.json, else the caller's option; a disagreement between the two is an error. */
function resolveLowercase(where: string, config: TokenizerConfig | null, option: boolean | undefined): boolean {
  const fromConfig = config?.doLowerCase;
  if (fromConfig !== undefined && option !== undefined && fromConfig !== option) {
    throw new ConfigError(`${where}: expected the lowercase option to agree with do_lower_case in tokenizer_config.json, got ${option} and ${fromConfig}`);
  }
  const lowercase = fromConfig ?? option;
  if (lowercase === undefined) {
    throw new ConfigError(`${where}: expected do_lower_case in tokenizer_config.json or the lowercase option for vocab.txt, got neither; hint: pass { lowercase: true } for an uncased model, false for a cased one`);
  }
  return lowercase;
}
