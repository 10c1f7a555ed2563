// Splitting CSV text into records (RFC 4180): fields separated by commas, records by LF or CRLF; a field that
// starts with a double quote is quoted and may hold commas, line breaks and doubled quotes ("" for ").
// Two choices beyond the RFC, both Python's csv module's: a quote inside an unquoted field is a literal
// character (5" screen), and a record may have any number of fields (the reader checks the count).
// Text after a closing quote ("a"b) is an error: it almost always means an unescaped quote inside a field.

/** One record and the 1-based line it starts on, or the reason it could not be parsed. */
export type CsvRecord = { line: number; fields: string[] } | { line: number; error: string };

/** Every record of `text` in order; blank lines are skipped. */
export function parseCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const startLine = line;
    const fields: string[] = [];
    let anyQuoted = false;
    let error: string | null = null;
    for (;;) {
      if (text[i] === '"') {
        // quoted field: runs to the next quote that is not doubled
        anyQuoted = true;
        let value = "";
        i += 1;
        let closed = false;
        while (i < text.length) {
          const quote = text.indexOf('"', i);
          const end = quote === -1 ? text.length : quote;
          const chunk = text.slice(i, end);
          value += chunk;
          line += countNewlines(chunk);
          if (quote === -1) {
            i = text.length;
            break;
          }
          if (text[quote + 1] === '"') {
            value += '"';
            i = quote + 2;
            continue;
          }
          i = quote + 1;
          closed = true;
          break;
        }
        if (!closed) {
          error = `unterminated quoted field ${fields.length + 1} (the file ends inside it)`;
          break;
        }
        fields.push(value);
        const next = text[i];
        if (next === ",") {
          i += 1;
          continue;
        }
        if (next === "\n" || next === undefined) break;
        if (next === "\r" && (text[i + 1] === "\n" || i + 1 === text.length)) {
          i += 1;
          break;
        }
        error = `unexpected character ${JSON.stringify(next)} after the closing quote of field ${fields.length}`;
        break;
      }
      // unquoted field: runs to the next comma or line end
      let end = i;
      while (end < text.length && text[end] !== "," && text[end] !== "\n") end += 1;
      let value = text.slice(i, end);
      i = end;
      if (text[i] === ",") {
        fields.push(value);
        i += 1;
        continue;
      }
      if (value.endsWith("\r")) value = value.slice(0, -1); // CRLF line end
      fields.push(value);
      break;
    }
    if (error !== null) {
      records.push({ line: startLine, error });
      // resynchronise at the next line so that one bad record does not swallow the rest of the file
      const newline = text.indexOf("\n", i);
      i = newline === -1 ? text.length : newline;
    }
    if (i < text.length && text[i] === "\n") {
      i += 1;
      line += 1;
    }
    if (error !== null) continue;
    const blank = !anyQuoted && fields.length === 1 && fields[0].trim() === "";
    if (!blank) records.push({ line: startLine, fields });
  }
  return records;
}

function countNewlines(chunk: string): number {
  let count = 0;
  for (let at = chunk.indexOf("\n"); at !== -1; at = chunk.indexOf("\n", at + 1)) count += 1;
  return count;
}
