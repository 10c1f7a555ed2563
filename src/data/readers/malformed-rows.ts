// The one policy for a malformed row: throw a FormatError "<file>:<line>: <reason>", or, with
// `skipMalformed: true`, record the row and carry on, so a caller can report how much it lost.
import { FormatError } from "../../errors.js";
import type { SkippedRow } from "./examples.js";

export class MalformedRows {
  readonly skipped: SkippedRow[] = [];

  constructor(
    private readonly file: string,
    private readonly skip: boolean,
  ) {}

  /** Throws unless skipping; when skipping, remembers the line and the reason. */
  report(line: number, reason: string): void {
    if (!this.skip) throw new FormatError(`${this.file}:${line}: ${reason}`);
    this.skipped.push({ line, reason });
  }
}
