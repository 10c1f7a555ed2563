// Entity typing examples in the ERNIE / K-Adapter OpenEntity JSON format: one JSON array of objects
//   {"sent": "... invites Web users to locate ...", "start": 55, "end": 64, "labels": ["person"], "ents": [...]}
// `start` and `end` are CHARACTER offsets into `sent`, end exclusive: K-Adapter's
// convert_examples_to_features_entity_typing tokenises sentence[:start], sentence[start:end] and sentence[end:].
// Being Python str indices they count code points; the reader converts them to UTF-16 units so that
// `text.slice(start, end)` is the entity in JavaScript (the two agree unless the text holds characters
// outside the Basic Multilingual Plane). `ents` (linked Wikidata entities with their own offsets) is ignored.
//
// Checked on the shared OpenEntity train and dev (1,998 examples each): every span lies inside its sentence
// and starts and ends on a word boundary (the text is space-tokenised: "Web users", "he", "the second night
// in a row"), no sentence holds a character outside the BMP, 354 train and 386 dev examples have an empty
// label list, 251 / 282 have more than one label, and the labels are the 9 of OPEN_ENTITY_LABELS.
import {
  describeJson, indexField, isJsonObject, MalformedExamples, readJsonArray, stringArrayField, stringField, type JsonArrayReadResult,
} from "./json-array.js";

export interface EntityTypingExample {
  text: string;
  /** [start, end) of the entity in `text`, UTF-16 units (text.slice(start, end) is the mention). */
  start: number;
  end: number;
  /** The entity's types; may be empty (OpenEntity has examples with no type among its 9). */
  labels: string[];
  /** 0-based position of the example in the file's array. */
  index: number;
}

/**
 * OpenEntity's 9 types in the order K-Adapter's EntityTypeProcessor numbers them (examples/utils_glue.py,
 * label_list), so that output unit i means the same type as in the reference model.
 */
export const OPEN_ENTITY_LABELS: readonly string[] = Object.freeze([
  "entity", "location", "time", "organization", "object", "event", "place", "person", "group",
]);

export interface EntityTypingReadOptions {
  /** Drop a malformed example and list it in `skipped` instead of throwing; default false. */
  skipMalformed?: boolean;
}

export function readEntityTypingJson(path: string, options: EntityTypingReadOptions = {}): JsonArrayReadResult<EntityTypingExample> {
  const component = `entityTypingJson(${path})`;
  const malformed = new MalformedExamples(path, options.skipMalformed ?? false);
  const examples: EntityTypingExample[] = [];

  readJsonArray(path, component).forEach((value, index) => {
    if (!isJsonObject(value)) return malformed.report(index, `expected an object, got ${describeJson(value)}`);
    const text = stringField(value, "sent");
    if (!text.ok) return malformed.report(index, text.reason);
    const start = indexField(value, "start");
    if (!start.ok) return malformed.report(index, start.reason);
    const end = indexField(value, "end");
    if (!end.ok) return malformed.report(index, end.reason);
    const labels = stringArrayField(value, "labels");
    if (!labels.ok) return malformed.report(index, labels.reason);

    const codePoints = [...text.value].length;
    if (start.value >= end.value || end.value > codePoints) {
      return malformed.report(index, `expected 0 <= start < end <= ${codePoints} (characters in "sent"), got start ${start.value} and end ${end.value}`);
    }
    const empty = labels.value.indexOf("");
    if (empty !== -1) return malformed.report(index, `expected label names in "labels", got an empty string at [${empty}]`);
    const repeated = labels.value.find((label, i) => labels.value.indexOf(label) !== i);
    if (repeated !== undefined) return malformed.report(index, `expected distinct labels, got ${JSON.stringify(repeated)} twice`);

    examples.push({
      text: text.value,
      start: utf16Offset(text.value, start.value),
      end: utf16Offset(text.value, end.value),
      labels: labels.value,
      index,
    });
  });
  return { file: path, examples, skipped: malformed.skipped };
}

/** The UTF-16 index of code point `codePoint` of `text` (codePoint may be the text's length). */
function utf16Offset(text: string, codePoint: number): number {
  let units = 0;
  let seen = 0;
  while (seen < codePoint) {
    const code = text.codePointAt(units);
    units += code !== undefined && code > 0xffff ? 2 : 1;
    seen += 1;
  }
  return units;
}
