// A short rendering of a parsed JSON value for error messages. Never JSON.stringify a value from a file into
// a message: a hostile header nested 100000 deep makes it overflow the stack (a RangeError instead of the
// FormatError being built), and a megabyte string would be copied whole into the message.

const MAX_ITEMS = 8;
const MAX_CHARS = 40;

/** Scalars as JSON writes them, arrays to one level (`[1,[...],{...}]`), long strings and arrays cut short. */
export function jsonPreview(value: unknown): string {
  if (!Array.isArray(value)) return scalarPreview(value);
  const items = value.slice(0, MAX_ITEMS).map(scalarPreview);
  return `[${items.join(",")}${value.length > MAX_ITEMS ? `,... (${value.length} items)` : ""}]`;
}

function scalarPreview(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > MAX_CHARS ? `${value.slice(0, MAX_CHARS)}...` : value);
  if (Array.isArray(value)) return value.length === 0 ? "[]" : "[...]";
  if (typeof value === "object" && value !== null) return "{...}";
  return String(value); // number, boolean, null, undefined
}
