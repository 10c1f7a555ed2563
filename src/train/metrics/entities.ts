// Entity-level precision, recall and F1 over IOB tags, as seqeval computes them (default and strict modes).
// Conventions (no NaN, zero division, argument order) are in common.ts.
import { ConfigError } from "../../errors.js";
import { type ClassCounts } from "./classification.js";
import { checkLengths, scoresFromCounts, type PrecisionRecallF1 } from "./common.js";

/** One entity: its type and token span [start, end), within its sentence. */
export interface Entity {
  type: string;
  start: number;
  end: number;
}

export type EntityMode = "default" | "strict";

export interface EntityScores extends PrecisionRecallF1 {
  truePositives: number;
  /** Entities predicted and entities in the gold tags. */
  predicted: number;
  gold: number;
  /** Per entity type, sorted by type; `support` is the number of gold entities of that type. */
  byType: Map<string, PrecisionRecallF1 & { support: number }>;
}

/** seqeval's split of a tag into its one-letter prefix and its type ("B-PER" -> "B", "PER"; "O" -> "O", "_"). */
function splitTag(tag: string): { prefix: string; type: string } {
  const rest = tag.slice(1);
  const dash = rest.indexOf("-");
  return { prefix: tag.slice(0, 1), type: (dash === -1 ? rest : rest.slice(dash + 1)) || "_" };
}

/**
 * seqeval's default mode (conlleval's rules, seqeval.metrics.sequence_labeling.get_entities): a chunk ends
 * before B, S or O, after E or S, or where the type changes; a chunk starts at B or S, at I or E after O
 * (or after E/S), or wherever the type changes. So an I-X after O, or after a tag of another type, starts an
 * entity instead of being dropped. Also reads IOBES tags.
 */
function entitiesDefault(tags: readonly string[]): Entity[] {
  const entities: Entity[] = [];
  let prevPrefix = "O";
  let prevType = "";
  let begin = 0;
  for (let i = 0; i <= tags.length; i++) {
    // a sentinel O after the last tag closes a chunk still open
    const { prefix, type } = i === tags.length ? { prefix: "O", type: "_" } : splitTag(tags[i]);
    if (chunkEnds(prevPrefix, prefix, prevType, type)) entities.push({ type: prevType, start: begin, end: i });
    if (chunkStarts(prevPrefix, prefix, prevType, type)) begin = i;
    prevPrefix = prefix;
    prevType = type;
  }
  return entities;
}

function chunkEnds(prevPrefix: string, prefix: string, prevType: string, type: string): boolean {
  if (prevPrefix === "E" || prevPrefix === "S") return true;
  if ((prevPrefix === "B" || prevPrefix === "I") && (prefix === "B" || prefix === "S" || prefix === "O")) return true;
  return prevPrefix !== "O" && prevPrefix !== "." && prevType !== type;
}

function chunkStarts(prevPrefix: string, prefix: string, prevType: string, type: string): boolean {
  if (prefix === "B" || prefix === "S") return true;
  if ((prevPrefix === "E" || prevPrefix === "S" || prevPrefix === "O") && (prefix === "E" || prefix === "I")) return true;
  return prefix !== "O" && prefix !== "." && prevType !== type;
}

/**
 * seqeval's strict mode with the IOB2 scheme (mode="strict", scheme=IOB2): an entity is B-X followed by any
 * number of I-X; an I-X that does not continue one is not an entity at all. Any prefix other than B, I or O
 * is an error, as in seqeval.
 */
function entitiesStrictIob2(tags: readonly string[], sentence: number): Entity[] {
  const entities: Entity[] = [];
  let i = 0;
  while (i < tags.length) {
    const tag = tags[i];
    const prefix = tag.slice(0, 1);
    if (prefix !== "B" && prefix !== "I" && prefix !== "O") {
      throw new ConfigError(`entityF1(strict IOB2): expected tags with prefix B, I or O, got ${JSON.stringify(tag)} in sentence ${sentence} at token ${i}`);
    }
    if (prefix !== "B") {
      i += 1;
      continue;
    }
    const type = strictType(tag);
    let end = i + 1;
    while (end < tags.length && tags[end].startsWith("I") && strictType(tags[end]) === type) end += 1;
    entities.push({ type, start: i, end });
    i = end;
  }
  return entities;
}

/** seqeval's Token.tag: the tag without its prefix, delimiters stripped ("B-PER" -> "PER"), or "_". */
function strictType(tag: string): string {
  return tag.slice(1).replace(/^-+|-+$/g, "") || "_";
}

/** The entities of one tag sequence, as seqeval finds them in `mode`. */
export function extractEntities(tags: readonly string[], mode: EntityMode = "default"): Entity[] {
  return mode === "strict" ? entitiesStrictIob2(tags, 0) : entitiesDefault(tags);
}

/**
 * Every entity of a list of sentences, keyed by type and position. The default mode runs over the sentences
 * joined with an "O" between them, exactly as seqeval's get_entities does with a list of lists; strict mode
 * extracts sentence by sentence, as seqeval's Entities does.
 */
function entitiesOfSentences(sentences: readonly (readonly string[])[], mode: EntityMode): { type: string; key: string }[] {
  const keyed = (entity: Entity, sentence: number): { type: string; key: string } => ({
    type: entity.type,
    key: `${sentence}\u0000${entity.type}\u0000${entity.start}\u0000${entity.end}`,
  });
  if (mode === "strict") return sentences.flatMap((tags, s) => entitiesStrictIob2(tags, s).map((entity) => keyed(entity, s)));
  const joined = sentences.flatMap((tags) => [...tags, "O"]);
  return entitiesDefault(joined).map((entity) => keyed(entity, 0));
}

/**
 * Entity-level micro precision, recall and F1 over sentences of IOB tags, as seqeval's f1_score /
 * classification_report: an entity counts as correct only when its type and exact span match a gold entity
 * in the same sentence. mode "default" is seqeval's default (lenient about I-X without B-X), "strict" is
 * mode="strict" with scheme=IOB2.
 */
export function entityF1(gold: readonly (readonly string[])[], predicted: readonly (readonly string[])[], options: { mode?: EntityMode } = {}): EntityScores {
  checkLengths("entityF1", gold, predicted);
  const mode = options.mode ?? "default";
  if (mode !== "default" && mode !== "strict") {
    throw new ConfigError(`entityF1: unknown mode ${JSON.stringify(mode)}; expected one of default, strict`);
  }
  for (let s = 0; s < gold.length; s++) {
    if (gold[s].length !== predicted[s].length) {
      throw new ConfigError(`entityF1: expected sentence ${s} to have as many predicted tags as gold tags, got ${predicted[s].length} and ${gold[s].length}`);
    }
  }
  const goldEntities = entitiesOfSentences(gold, mode);
  const predictedEntities = entitiesOfSentences(predicted, mode);

  const byTypeCounts = new Map<string, ClassCounts>();
  const countsOf = (type: string): ClassCounts => {
    let counts = byTypeCounts.get(type);
    if (counts === undefined) {
      counts = { truePositives: 0, predicted: 0, gold: 0 };
      byTypeCounts.set(type, counts);
    }
    return counts;
  };
  // an entity's sentence and start are unique, so these lists are already the sets seqeval compares
  const goldKeys = new Set(goldEntities.map((entity) => entity.key));
  for (const entity of goldEntities) countsOf(entity.type).gold += 1;
  for (const entity of predictedEntities) {
    const counts = countsOf(entity.type);
    counts.predicted += 1;
    if (goldKeys.has(entity.key)) counts.truePositives += 1;
  }
  let truePositives = 0;
  let predictedCount = 0;
  let goldCount = 0;
  const byType = new Map<string, PrecisionRecallF1 & { support: number }>();
  for (const type of [...byTypeCounts.keys()].sort()) {
    const counts = countsOf(type);
    truePositives += counts.truePositives;
    predictedCount += counts.predicted;
    goldCount += counts.gold;
    byType.set(type, { ...scoresFromCounts(counts.truePositives, counts.predicted, counts.gold), support: counts.gold });
  }
  return { ...scoresFromCounts(truePositives, predictedCount, goldCount), truePositives, predicted: predictedCount, gold: goldCount, byType };
}
