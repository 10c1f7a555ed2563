// What an int8 base is calibrated on when the user gives nothing: a few plain English sentences of everyday
// topics, written for AdapterKit, run once through the fp32 base at load to find each Linear's input range per
// channel (SmoothQuant's migration, nn/linear.ts). Domain text calibrates better: pass your own.
import { ConfigError } from "../errors.js";
import type { EncoderInput } from "../models/index.js";
import type { Tokenizer } from "../tokenize/index.js";

export const CALIBRATION_TEXTS: readonly string[] = [
  "The film opens slowly, but by the second hour I could not look away from the screen.",
  "Shares of the company fell 4.2 percent on Tuesday after it cut its forecast for the year.",
  "She moved to Berlin in 2015 and has worked there as a nurse ever since.",
  "Add the flour and the sugar, then stir until the mixture is smooth.",
  "Is the train to Lyon still running, or was it cancelled because of the strike?",
  "The committee will meet again next month to review the new proposal.",
  "I loved the acting, though the plot made very little sense to me.",
  "Heavy rain is expected across the north, with winds of up to 80 km/h.",
  "According to the report, three of the five bridges need urgent repairs.",
  "He scored twice in the last ten minutes and the crowd went wild.",
  "The software update fixes a bug that drained the battery overnight.",
  "Mary gave the book to John, who had asked for it weeks before.",
  "Prices rose faster than wages, so most families felt poorer than a year ago.",
  "The museum, which reopened in May, shows paintings from the 17th century.",
  "Please send the signed form back by Friday, or call us if anything is unclear.",
  "It was not a great meal: the soup was cold and the service painfully slow.",
];

/** The texts as one padded batch (each cut to maxLength tokens) for BertModel.packWeights. */
export function calibrationInput(tokenizer: Tokenizer, texts: readonly string[] = CALIBRATION_TEXTS, maxLength = 128): EncoderInput {
  if (texts.length === 0 || texts.some((t) => typeof t !== "string" || t.trim() === "")) {
    throw new ConfigError(`calibration: expected non-empty strings, got ${texts.length === 0 ? "none" : "an empty or non-string entry"}`);
  }
  const encodings = tokenizer.encodeBatch(texts, { maxLength, padding: "longest" });
  const T = encodings[0].ids.length;
  const input = {
    ids: new Int32Array(texts.length * T),
    typeIds: new Int32Array(texts.length * T),
    attentionMask: new Uint8Array(texts.length * T),
    batchSize: texts.length,
    seqLength: T,
  };
  encodings.forEach((e, i) => {
    input.ids.set(e.ids, i * T);
    input.typeIds.set(e.typeIds, i * T);
    input.attentionMask.set(e.attentionMask, i * T);
  });
  return input;
}
