// IOB tagging schemes. IOB1 (the original CoNLL-2003 release) starts an entity with I-X and uses B-X only
// between two adjacent entities of the same type; IOB2 (what most copies, seqeval's strict mode and
// token-classification heads expect) starts every entity with B-X.

/** "B-PER" -> { prefix: "B", type: "PER" }; "O" -> { prefix: "O", type: "" }; anything else -> null. */
export function parseIobTag(tag: string): { prefix: "B" | "I" | "O"; type: string } | null {
  if (tag === "O") return { prefix: "O", type: "" };
  if ((tag.startsWith("B-") || tag.startsWith("I-")) && tag.length > 2) {
    return { prefix: tag[0] === "B" ? "B" : "I", type: tag.slice(2) };
  }
  return null;
}

/**
 * The same entities in IOB2: an I-X that does not continue an entity of type X (it follows O, the start of
 * the sentence, or a tag of another type) becomes B-X. Tags that are not O, B-X or I-X are left as they are;
 * readers check them before converting.
 */
export function iob1ToIob2(tags: readonly string[]): string[] {
  return tags.map((tag, i) => {
    const current = parseIobTag(tag);
    if (current === null || current.prefix !== "I") return tag;
    const previous = i === 0 ? null : parseIobTag(tags[i - 1]);
    const continues = previous !== null && previous.prefix !== "O" && previous.type === current.type;
    return continues ? tag : `B-${current.type}`;
  });
}

/**
 * Index of the first tag that breaks IOB2, -1 when none does: an I-X that does not follow B-X or I-X (a file
 * still in IOB1 shows one at its first entity), or a tag that is not O, B-X or I-X.
 */
export function iob2Violation(tags: readonly string[]): number {
  for (let i = 0; i < tags.length; i++) {
    const current = parseIobTag(tags[i]);
    if (current === null) return i;
    if (current.prefix !== "I") continue;
    const previous = i === 0 ? null : parseIobTag(tags[i - 1]);
    if (previous === null || previous.prefix === "O" || previous.type !== current.type) return i;
  }
  return -1;
}
