// Relation classification examples in the K-Adapter / TACRED JSON format: one JSON array of objects
//   {"token": ["Pieter", "Serry", ...], "subj_start": 0, "subj_end": 1, "obj_start": 2, "obj_end": 7, "relation": "participant in", ...}
// Spans are 0-based token indices with INCLUSIVE ends, as in TACRED (the subject is token[subj_start..subj_end];
// K-Adapter's convert_examples_to_features_tacred slices text_a[subj_start:subj_end + 1]). Other keys (TACRED's
// subj_type, stanford_pos, ...; LitWD1Krel's h and t) are ignored, except by the optional repair below.
//
// Checked for every example: a non-empty token list of strings, four non-negative integer indices, a non-empty
// relation, each span inside the tokens with start <= end, and the two spans disjoint (K-Adapter wraps the
// subject in "@" and the object in "#"; overlapping spans cannot both be wrapped). A failure is a FormatError
// "<file>: example <i>: ..." naming the 0-based array index (these files are one line long), or is skipped
// with `skipMalformed`.
//
// What the shared LitWD1Krel/dev.json holds (checked on all 1,451 examples): every "sentence" is just the
// subject's name, the object's name and "." (so the text carries no context beyond the two names), h.name
// and t.name give the two names, and h.pos / t.pos are always [0, 1] and [1, 2] (not spans). Every span in
// the file is (first occurrence of the name's first word, first occurrence of its last word), so the
// subject, which comes first, is always right, but 170 object spans are broken wherever the object shares a
// word with the subject ("2018 Tour de Suisse" / "2018 UCI World Tour" gives the object [0, 1]): 54 have
// obj_start > obj_end and 116 overlap the subject (100 whose words do not spell t.name; 12 where the
// object's name lies inside the subject's, "1998–99 Cypriot Third Division" / "Cypriot Third Division"; 4
// where both names are the same, "Lesotho" / "Lesotho"). They sit mostly in a few relations ("participating
// team": 103 of its 182). `repairSpansFromNames` recovers all 170 from the names.
import { FormatError } from "../../errors.js";
import {
  describeJson, fieldValue, indexField, isJsonObject, MalformedExamples, readJsonArray, stringArrayField, stringField,
  type JsonArrayReadResult,
} from "./json-array.js";
import { readSourceText, splitLines } from "./source-text.js";

/** [start, end] token indices, end INCLUSIVE (TACRED's convention). */
export type TokenSpan = [start: number, end: number];

export interface RelationExample {
  tokens: string[];
  subject: TokenSpan;
  object: TokenSpan;
  relation: string;
  /** 0-based position of the example in the file's array. */
  index: number;
}

export interface RelationReadOptions {
  /** Drop a malformed example and list it in `skipped` instead of throwing; default false. */
  skipMalformed?: boolean;
  /**
   * For an example whose spans fail the checks and that carries the entity names (h.name, t.name, as
   * LitWD1Krel and FewRel-style files do), find the spans from the names instead: each entity may keep its
   * given span when that span spells its name, or take any place where its name's words occur; among the
   * disjoint (subject, object) choices the one keeping the most given spans wins, the subject's counting
   * first (in LitWD1Krel the subject is always right). A tie, or no disjoint choice, leaves the example
   * malformed. Examples that pass the checks are never touched. Default false.
   */
  repairSpansFromNames?: boolean;
}

/** An example whose spans `repairSpansFromNames` replaced, and how. */
export interface RepairedExample {
  index: number;
  /** The problem the example had, as the error would have said it. */
  problem: string;
  subject: TokenSpan;
  object: TokenSpan;
}

export interface RelationReadResult extends JsonArrayReadResult<RelationExample> {
  /** Empty unless `repairSpansFromNames` was set. */
  repaired: RepairedExample[];
}

export function readRelationJson(path: string, options: RelationReadOptions = {}): RelationReadResult {
  const component = `relationJson(${path})`;
  const repair = options.repairSpansFromNames ?? false;
  const malformed = new MalformedExamples(path, options.skipMalformed ?? false);
  const examples: RelationExample[] = [];
  const repaired: RepairedExample[] = [];

  readJsonArray(path, component).forEach((value, index) => {
    if (!isJsonObject(value)) return malformed.report(index, `expected an object, got ${describeJson(value)}`);
    const tokens = stringArrayField(value, "token");
    if (!tokens.ok) return malformed.report(index, tokens.reason);
    if (tokens.value.length === 0) return malformed.report(index, `expected field "token" to hold at least one token, got an empty array`);
    const indices: number[] = [];
    for (const key of ["subj_start", "subj_end", "obj_start", "obj_end"]) {
      const field = indexField(value, key);
      if (!field.ok) return malformed.report(index, field.reason);
      indices.push(field.value);
    }
    const relation = stringField(value, "relation");
    if (!relation.ok) return malformed.report(index, relation.reason);
    if (relation.value === "") return malformed.report(index, `expected field "relation" to be a relation name, got an empty string`);

    let subject: TokenSpan = [indices[0], indices[1]];
    let object: TokenSpan = [indices[2], indices[3]];
    const problem = spanProblem(tokens.value, subject, object);
    if (problem !== null) {
      const names = repair ? entityNames(value) : null;
      const fixed = names === null ? null : locateFromNames(tokens.value, subject, object, names.subject, names.object);
      if (fixed === null) return malformed.report(index, problem);
      [subject, object] = fixed;
      repaired.push({ index, problem, subject, object });
    }
    examples.push({ tokens: tokens.value, subject, object, relation: relation.value, index });
  });
  return { file: path, examples, skipped: malformed.skipped, repaired };
}

/** Why the spans cannot be marked, or null when both lie inside the tokens and do not overlap. */
function spanProblem(tokens: readonly string[], subject: TokenSpan, object: TokenSpan): string | null {
  for (const [name, span] of [["subject", subject], ["object", object]] as const) {
    const [start, end] = span;
    if (start > end) return `expected ${name} start <= end, got ${describeSpan(span)}`;
    if (end >= tokens.length) return `expected the ${name} span ${describeSpan(span)} inside the ${tokens.length} tokens (end inclusive)`;
  }
  if (spansOverlap(subject, object)) {
    return `expected disjoint subject and object spans, got subject ${describeSpan(subject)} and object ${describeSpan(object)}`;
  }
  return null;
}

function describeSpan(span: TokenSpan): string {
  return `[${span[0]}, ${span[1]}]`;
}

function spansOverlap(a: TokenSpan, b: TokenSpan): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}

/** h.name and t.name split into words, or null when either is missing or empty. */
function entityNames(object: Record<string, unknown>): { subject: string[]; object: string[] } | null {
  const nameOf = (key: string): string[] | null => {
    const entity = fieldValue(object, key);
    if (!isJsonObject(entity)) return null;
    const name = fieldValue(entity, "name");
    return typeof name === "string" && name.trim() !== "" ? name.split(" ") : null;
  };
  const subject = nameOf("h");
  const objectName = nameOf("t");
  return subject === null || objectName === null ? null : { subject, object: objectName };
}

/** Every span where `words` occur in `tokens`, left to right. */
function occurrences(tokens: readonly string[], words: readonly string[]): TokenSpan[] {
  const spans: TokenSpan[] = [];
  for (let start = 0; start + words.length <= tokens.length; start++) {
    if (words.every((word, k) => tokens[start + k] === word)) spans.push([start, start + words.length - 1]);
  }
  return spans;
}

function spellsName(tokens: readonly string[], span: TokenSpan, words: readonly string[]): boolean {
  const [start, end] = span;
  if (start > end || end >= tokens.length || end - start + 1 !== words.length) return false;
  return words.every((word, k) => tokens[start + k] === word);
}

/** See `repairSpansFromNames`: the unique best disjoint (subject, object) choice, or null. */
function locateFromNames(
  tokens: readonly string[], givenSubject: TokenSpan, givenObject: TokenSpan, subjectName: readonly string[], objectName: readonly string[],
): [TokenSpan, TokenSpan] | null {
  const subjectKeeps = spellsName(tokens, givenSubject, subjectName);
  const objectKeeps = spellsName(tokens, givenObject, objectName);
  const isGiven = (span: TokenSpan, given: TokenSpan, keeps: boolean): boolean => keeps && span[0] === given[0] && span[1] === given[1];
  let best: [TokenSpan, TokenSpan] | null = null;
  let bestScore = -1;
  let tied = false;
  for (const subject of occurrences(tokens, subjectName)) {
    for (const object of occurrences(tokens, objectName)) {
      if (spansOverlap(subject, object)) continue;
      // keeping the given subject outweighs keeping the given object
      const score = (isGiven(subject, givenSubject, subjectKeeps) ? 2 : 0) + (isGiven(object, givenObject, objectKeeps) ? 1 : 0);
      if (score > bestScore) {
        best = [subject, object];
        bestScore = score;
        tied = false;
      } else if (score === bestScore) {
        tied = true;
      }
    }
  }
  return tied ? null : best;
}

// ---------------------------------------------------------------------------------------------------------
// relation id -> label lists (LitWD1Krel's relation_labels_en.txt: "P38<TAB>currency" per line)

export interface RelationLabel {
  /** Wikidata property id ("P38"). */
  id: string;
  /** The English label the examples' "relation" field uses ("currency"). */
  label: string;
}

/**
 * "id<TAB>label" lines, in file order; blank lines are skipped. A line without exactly two non-empty
 * tab-separated fields, or a repeated id or label, is a FormatError naming the file and line.
 */
export function readRelationLabels(path: string): RelationLabel[] {
  const component = `relationLabels(${path})`;
  const labels: RelationLabel[] = [];
  const seenIds = new Map<string, number>();
  const seenLabels = new Map<string, number>();
  splitLines(readSourceText(path, component)).forEach((text, i) => {
    const line = i + 1;
    if (text.trim() === "") return;
    const fields = text.split("\t");
    if (fields.length !== 2 || fields[0] === "" || fields[1] === "") {
      throw new FormatError(`${path}:${line}: expected "id<TAB>label", got ${JSON.stringify(text)}`);
    }
    const [id, label] = fields;
    const idLine = seenIds.get(id);
    if (idLine !== undefined) throw new FormatError(`${path}:${line}: expected distinct relation ids, got ${id} again (first on line ${idLine})`);
    const labelLine = seenLabels.get(label);
    if (labelLine !== undefined) throw new FormatError(`${path}:${line}: expected distinct relation labels, got ${JSON.stringify(label)} again (first on line ${labelLine})`);
    seenIds.set(id, line);
    seenLabels.set(label, line);
    labels.push({ id, label });
  });
  if (labels.length === 0) throw new FormatError(`${path}: expected at least one "id<TAB>label" line, got none`);
  return labels;
}
