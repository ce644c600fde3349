/**
 * The controller's work queue, with client-go's workqueue semantics (rate-limiting delaying
 * queue): keys, not events, are queued.
 *
 * - A key is queued at most once however often it is added (dedup).
 * - A key is never handed out twice at once: added while being processed, it is queued again
 *   when done() is called for it.
 * - addAfter(key, ms) adds it later; when it is already waiting, the earlier time wins.
 * - addRateLimited(key) adds it after the rate limiter's wait (default: max of 5 ms · 2^n per
 *   key, capped at 1000 s, and a 10 qps / burst 100 bucket); forget(key) resets its backoff.
 * - shutDown() refuses new keys, cancels waiting ones and answers blocked get() calls with
 *   undefined; keys already queued are still handed out. shutDownWithDrain() also waits until
 *   every key handed out is done.
 *
 * Usage: `for (let key; (key = await queue.get()) !== undefined; ) { try { … queue.forget(key) }
 * catch { queue.addRateLimited(key) } finally { queue.done(key) } }`.
 *
 * @module
 */
import type { Clock } from '../clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface WorkQueueOptions {
  readonly clock: Clock;
  /** Default `defaultControllerRateLimiter(clock)`. */
  readonly rateLimiter?: RateLimiter;
}

export class WorkQueue {
  readonly #clock: Clock;
  readonly #limiter: RateLimiter;
  /** Keys to hand out, in order; each is also in #dirty. */
  #queue: string[] = [];
  /** Keys added and not yet handed out (queued, or waiting for their processing to end). */
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  #getters: ((key: string | undefined) => void)[] = [];
  readonly #delayed = new Map<string, { readonly at: number; readonly cancel: AbortController }>();
  #shuttingDown = false;
  #drainers: (() => void)[] = [];

  constructor(options: WorkQueueOptions) {
    this.#clock = options.clock;
    this.#limiter = options.rateLimiter ?? defaultControllerRateLimiter(options.clock);
  }

  /** Keys queued and not yet handed out. */
  len(): number {
    return this.#queue.length;
  }

  shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    this.#queue.push(key);
    this.#handOut();
  }

  addAfter(key: string, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.#clock.now() + ms;
    const waiting = this.#delayed.get(key);
    if (waiting !== undefined && waiting.at <= at) return;
    waiting?.cancel.abort();
    const cancel = new AbortController();
    this.#delayed.set(key, { at, cancel });
    this.#clock.sleep(ms, cancel.signal).then(
      () => {
        this.#delayed.delete(key);
        this.add(key);
      },
      () => undefined, // replaced by an earlier time, or shut down
    );
  }

  addRateLimited(key: string): void {
    this.addAfter(key, this.#limiter.when(key));
  }

  /** `key` was processed successfully: its backoff starts from the beginning again. */
  forget(key: string): void {
    this.#limiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.#limiter.numRequeues(key);
  }

  /** The next key, once there is one; undefined once the queue is shut down and empty. */
  get(): Promise<string | undefined> {
    if (this.#queue.length > 0) return Promise.resolve(this.#take());
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Processing of `key` ended; if it was added meanwhile, it is queued again. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key)) {
      this.#queue.push(key);
      this.#handOut();
    }
    if (this.#processing.size === 0) {
      for (const drained of this.#drainers) drained();
      this.#drainers = [];
    }
  }

  shutDown(): void {
    this.#shuttingDown = true;
    for (const { cancel } of this.#delayed.values()) cancel.abort();
    this.#delayed.clear();
    for (const getter of this.#getters) getter(undefined);
    this.#getters = [];
  }

  /** shutDown(), then resolves once no key is being processed. */
  async shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.#processing.size === 0) return;
    await new Promise<void>((resolve) => this.#drainers.push(resolve));
  }

  #take(): string {
    const key = this.#queue.shift() as string;
    this.#dirty.delete(key);
    this.#processing.add(key);
    return key;
  }

  #handOut(): void {
    while (this.#getters.length > 0 && this.#queue.length > 0) {
      const getter = this.#getters.shift() as (key: string | undefined) => void;
      getter(this.#take());
    }
  }
}
