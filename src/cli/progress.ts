// A progress bar for long loops (step, loss, learning rate, tokens/s, ETA) on a terminal; on a pipe or in
// CI it prints a plain line every few percent instead, so logs stay readable.
import { SingleBar } from "cli-progress";

export interface ProgressUpdate {
  step: number;
  total: number;
  loss: number;
  lr: number;
  tokens: number; // tokens processed in this update
}

export class Progress {
  private readonly bar: SingleBar | null;
  private readonly started = Date.now();
  private tokens = 0;
  private lastPrinted = -1;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.bar = out.isTTY
      ? new SingleBar({
          format: `${label} [{bar}] {value}/{total} | loss {loss} | lr {lr} | {tps} tok/s | ETA {eta_formatted}`,
          barsize: 24,
          hideCursor: true,
          stream: out,
          etaBuffer: 50,
        })
      : null;
  }

  start(total: number, at = 0): void {
    this.bar?.start(total, at, { loss: "-", lr: "-", tps: "-" });
  }

  update(u: ProgressUpdate): void {
    this.tokens += u.tokens;
    const seconds = (Date.now() - this.started) / 1000;
    const fields = { loss: u.loss.toFixed(4), lr: u.lr.toExponential(2), tps: Math.round(this.tokens / Math.max(seconds, 1e-3)).toString() };
    if (this.bar) {
      this.bar.update(u.step, fields);
      return;
    }
    const percent = Math.floor((100 * u.step) / u.total);
    if (percent >= this.lastPrinted + 10 || u.step === u.total) {
      this.lastPrinted = percent;
      this.out.write(`${this.label} ${u.step}/${u.total} (${percent}%) loss ${fields.loss} lr ${fields.lr} ${fields.tps} tok/s\n`);
    }
  }

  /** A line printed above the bar (an evaluation result). */
  log(line: string): void {
    if (this.bar) this.out.write(`\r\x1b[K${line}\n`);
    else this.out.write(`${line}\n`);
  }

  stop(): void {
    this.bar?.stop();
  }
}
