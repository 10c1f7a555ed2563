// Reading a data file as text: one place that turns a missing file into a ConfigError naming it, strips the
// byte-order mark (MRPC's GLUE files start with one; Python reads them as "utf-8-sig"), and splits lines.
import { readFileSync } from "node:fs";
import { ConfigError } from "../../errors.js";

/** The file as UTF-8 text without a leading byte-order mark; an unreadable file is a ConfigError naming it. */
export function readSourceText(path: string, component: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : String(error);
    throw new ConfigError(`${component}: expected a readable file at ${path}, got ${code}`);
  }
  return text.startsWith("\uFEFF") ? text.slice(1) : text;
}

/**
 * Physical lines, index i being line i+1. LF and CRLF both end a line; a lone CR stays part of the line.
 * A final line break does not start an extra line.
 */
export function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

/** A line holding nothing but spaces and tabs: readers skip these. */
export function isBlankLine(line: string): boolean {
  return /^[ \t]*$/.test(line);
}
