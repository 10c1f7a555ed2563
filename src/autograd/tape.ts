// The tape: ops append an entry when an input needs a gradient; backward() replays the entries in reverse.
// Recording order is already a topological order, so no graph walk is needed.
import type { FloatArray } from "../kernels/index.js";
import type { Tensor } from "./tensor.js";

export interface TapeEntry {
  /** The op's name, for error messages and profiles. */
  readonly op: string;
  readonly output: Tensor;
  /** Adds the op's input gradients, given the gradient of its output. */
  readonly backward: (dOut: FloatArray) => void;
}

export class Tape {
  private entries: TapeEntry[] = [];

  record(entry: TapeEntry): void {
    this.entries.push(entry);
  }

  get length(): number {
    return this.entries.length;
  }

  /**
   * Replays every entry in reverse; the caller has seeded the root's gradient. After each entry, `done` is
   * told its output (whose gradient is no longer needed). Clears the tape.
   */
  replay(done?: (output: Tensor) => void): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i];
      const dOut = entry.output.grad;
      if (dOut === null) continue; // nothing downstream reached this output
      entry.backward(dOut);
      done?.(entry.output);
    }
    this.entries = [];
  }

  clear(): void {
    this.entries = [];
  }
}
