/**
 * Time at the edges: the runtime reads the clock and sleeps only through a `Clock`, so tests
 * step time by hand (Karpenter's injected clock) and the engine gets `now` as an argument.
 *
 * @module
 */

export interface Clock {
  /** Epoch ms. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function aborted(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('aborted');
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(aborted(signal));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(aborted(signal as AbortSignal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A clock that moves only when told: `advance(ms)` wakes every sleeper whose time has come. */
export class FakeClock implements Clock {
  #now: number;
  #sleepers: { at: number; resolve: () => void }[] = [];

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(aborted(signal));
        return;
      }
      const sleeper = { at: this.#now + ms, resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          reject(aborted(signal));
        },
        { once: true },
      );
    });
  }

  /** Number of pending sleeps. */
  get sleeping(): number {
    return this.#sleepers.length;
  }

  advance(ms: number): void {
    this.#now += ms;
    const due = this.#sleepers.filter((s) => s.at <= this.#now);
    this.#sleepers = this.#sleepers.filter((s) => s.at > this.#now);
    for (const s of due) s.resolve();
  }
}

/**
 * The engine's clock running `factor` times faster than `base` from the moment it is made, for
 * replaying a compressed trace live (`tide run --time-scale`): sync periods, windows and the
 * spec's start-up pass `factor` times faster, while processes, health checks, drains and HTTP run
 * in real time. `fromReal` maps an instant the real world stamped (a replica's start, a proxy
 * reading) onto this clock, so the engine compares like with like.
 *
 *   factor 80, made at t0: 1 s of real time later now() = t0 + 80 s; sleep(15 000) waits 187.5 ms.
 */
export class ScaledClock implements Clock {
  readonly factor: number;
  readonly #base: Clock;
  readonly #origin: number;

  constructor(factor: number, base: Clock = systemClock) {
    if (!Number.isFinite(factor) || factor <= 0) {
      throw new Error(`time scale must be a positive number, got ${factor}`);
    }
    this.factor = factor;
    this.#base = base;
    this.#origin = base.now();
  }

  now(): number {
    return this.fromReal(this.#base.now());
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.#base.sleep(ms / this.factor, signal);
  }

  /** The instant `realMs` (epoch ms on the base clock) on this clock. */
  fromReal(realMs: number): number {
    return this.#origin + (realMs - this.#origin) * this.factor;
  }
}
