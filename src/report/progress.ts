/**
 * A progress bar on a terminal stream: silent unless the stream is a TTY, and drawn only once
 * the work has taken longer than `delayMs` (short runs print nothing). A class because it owns
 * output state; time comes from an injected clock.
 *
 * @module
 */

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  readonly stream: ProgressStream;
  readonly total: number;
  readonly label: string;
  readonly enabled: boolean;
  readonly now: () => number;
  readonly delayMs?: number;
  readonly width?: number;
}

export class ProgressBar {
  readonly #o: ProgressOptions;
  readonly #start: number;
  #done = 0;
  #lastDraw = -Infinity;
  #drawn = false;

  constructor(options: ProgressOptions) {
    this.#o = options;
    this.#start = options.now();
  }

  get active(): boolean {
    return this.#o.enabled && this.#o.stream.isTTY === true && this.#o.total > 0;
  }

  /** Adds `steps` of work done; redraws at most every 100 ms. */
  advance(steps: number, label?: string): void {
    this.#done = Math.min(this.#o.total, this.#done + steps);
    if (!this.active) return;
    const now = this.#o.now();
    if (now - this.#start < (this.#o.delayMs ?? 1000) || now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    this.#draw(label ?? this.#o.label, now);
  }

  #draw(label: string, now: number): void {
    const width = this.#o.width ?? 30;
    const share = this.#done / this.#o.total;
    const filled = Math.round(share * width);
    const seconds = ((now - this.#start) / 1000).toFixed(1);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    this.#o.stream.write(
      `\r${bar} ${(share * 100).toFixed(0).padStart(3)} % ${seconds} s ${label}\x1b[K`,
    );
    this.#drawn = true;
  }

  /** Clears the bar (if one was drawn). */
  finish(): void {
    if (this.#drawn) this.#o.stream.write('\r\x1b[K');
    this.#drawn = false;
  }
}
