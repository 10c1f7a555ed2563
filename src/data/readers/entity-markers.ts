// K-Adapter's entity markers for its downstream tasks, as pure text and word-list rewrites:
//   entity typing:           "@" before and after the mention; the model classifies the first "@".
//   relation classification: "@" around the subject, "#" around the object; the model classifies
//                            cat(first "@", first "#").
// (microsoft/K-Adapter examples/utils_glue.py, convert_examples_to_features_entity_typing and
// convert_examples_to_features_tacred.) These return marker positions in characters or words; turning them
// into sub-token positions is the caller's job: encode the marked text and take the token whose
// Encoding.offsets start at the marker's character, or encode the marked words with encodePretokenized and
// take the first token whose Encoding.wordIds equals the marker's word index. Use the positions returned
// here, never a search for the first "@" token: the text itself may hold "@" or "#" (one OpenEntity dev
// sentence does).
//
// K-Adapter tokenises the pieces between markers separately (and, for TACRED, appends "@" / "#" as raw
// tokens without tokenising them), so under a byte-level BPE its token boundaries next to a marker can
// differ from those of tokenising the marked text or words in one go; under WordPiece "@" and "#" are
// punctuation and split off either way.
import { ConfigError } from "../../errors.js";
import type { TokenSpan } from "./relation.js";

/** Marks the mention in entity typing. */
export const ENTITY_MARKER = "@";
/** Marks the subject in relation classification (the same character as ENTITY_MARKER). */
export const SUBJECT_MARKER = "@";
/** Marks the object in relation classification. */
export const OBJECT_MARKER = "#";

export interface MarkedEntityText {
  /** The text with "@ " inserted before the mention and " @" after it. */
  text: string;
  /** UTF-16 index in `text` of the first "@" (the one K-Adapter classifies) and of the second. */
  firstMarker: number;
  secondMarker: number;
  /** [start, end) of the mention in the marked text. */
  start: number;
  end: number;
}

/**
 * "... invites Web users to ..." with the mention [55, 64) becomes "... invites @ Web users @ to ...".
 * The markers get a space on their inner side, so they stay separate words under any whitespace
 * pre-tokenizer (K-Adapter's SemEval processor writes them the same way: "<e1>" -> "@ ", "</e1>" -> " @");
 * the outer side keeps whatever the text had. `start` and `end` are UTF-16 offsets with
 * 0 <= start < end <= text.length, as readEntityTypingJson returns them.
 */
export function markEntityText(text: string, start: number, end: number): MarkedEntityText {
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start < end && end <= text.length)) {
    throw new ConfigError(`markEntityText: expected 0 <= start < end <= ${text.length}, got start ${start} and end ${end}`);
  }
  const before = text.slice(0, start);
  const mention = text.slice(start, end);
  const opening = `${ENTITY_MARKER} `;
  const closing = ` ${ENTITY_MARKER}`;
  const marked = before + opening + mention + closing + text.slice(end);
  const mentionStart = start + opening.length;
  const mentionEnd = mentionStart + mention.length;
  return { text: marked, firstMarker: start, secondMarker: mentionEnd + 1, start: mentionStart, end: mentionEnd };
}

export interface MarkedRelationWords {
  /** The words with "@" around the subject and "#" around the object, each marker a word of its own. */
  words: string[];
  /** Word index of the first "@" (before the subject) and of the first "#" (before the object). */
  subjectMarker: number;
  objectMarker: number;
}

/**
 * ["Venezuela", "Malaysia", "."] with subject [0, 0] and object [1, 1] becomes
 * ["@", "Venezuela", "@", "#", "Malaysia", "#", "."], subjectMarker 0, objectMarker 3. Spans are inclusive
 * [start, end] token indices (TACRED's convention, as readRelationJson returns them), inside the tokens and
 * disjoint; either may come first.
 */
export function markRelationWords(tokens: readonly string[], subject: TokenSpan, object: TokenSpan): MarkedRelationWords {
  for (const [name, [start, end]] of [["subject", subject], ["object", object]] as const) {
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end < tokens.length)) {
      throw new ConfigError(`markRelationWords: expected the ${name} span inside the ${tokens.length} tokens (0 <= start <= end, end inclusive), got [${start}, ${end}]`);
    }
  }
  if (subject[0] <= object[1] && object[0] <= subject[1]) {
    throw new ConfigError(`markRelationWords: expected disjoint spans, got subject [${subject[0]}, ${subject[1]}] and object [${object[0]}, ${object[1]}]`);
  }
  const words: string[] = [];
  let subjectMarker = -1;
  let objectMarker = -1;
  tokens.forEach((token, i) => {
    if (i === subject[0]) {
      subjectMarker = words.length;
      words.push(SUBJECT_MARKER);
    }
    if (i === object[0]) {
      objectMarker = words.length;
      words.push(OBJECT_MARKER);
    }
    words.push(token);
    if (i === subject[1]) words.push(SUBJECT_MARKER);
    if (i === object[1]) words.push(OBJECT_MARKER);
  });
  return { words, subjectMarker, objectMarker };
}
