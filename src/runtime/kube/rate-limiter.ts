/**
 * Rate limits for the controller, as client-go has them: a token bucket (golang.org/x/time/rate
 * semantics: `burst` tokens, refilled at `qps`; a reservation may go into debt and waits it off)
 * that limits our own API calls, and the workqueue's per-key limiters — an exponential backoff per
 * key, the shared bucket, and the max of both (`DefaultControllerRateLimiter`).
 *
 * @module
 */
import type { Clock } from '../clock.js';

/** kube-controller-manager's client limits (client-go's own default is 5 qps / burst 10). */
export const apiClientRateLimit = { qps: 20, burst: 30 } as const;

export interface TokenBucket {
  /** Takes a token now; the ms to wait before using it (0 when one was there). */
  reserve(): number;
  /** Resolves when a token is ours; when `signal` aborts first, gives it back and rejects. */
  acquire(signal?: AbortSignal): Promise<void>;
}

/**
 * `burst` tokens, refilled at `qps` per second. With qps 10 and burst 100: 100 calls pass at
 * once, the 101st waits 100 ms, the 102nd 200 ms.
 */
export function createTokenBucket(qps: number, burst: number, clock: Clock): TokenBucket {
  if (!(qps > 0) || !(burst >= 1)) {
    throw new Error(`token bucket: qps = ${qps}, burst = ${burst}; need qps > 0 and burst ≥ 1`);
  }
  let tokens = burst;
  let last = clock.now();
  const reserve = (): number => {
    const now = clock.now();
    tokens = Math.min(burst, tokens + (Math.max(0, now - last) * qps) / 1000);
    last = Math.max(last, now);
    tokens -= 1;
    return tokens >= 0 ? 0 : Math.ceil((-tokens * 1000) / qps);
  };
  return {
    reserve,
    acquire: async (signal) => {
      const waitMs = reserve();
      if (waitMs === 0) return;
      try {
        await clock.sleep(waitMs, signal);
      } catch (e) {
        tokens += 1;
        throw e;
      }
    },
  };
}

/** How long a key waits before it is processed again (client-go `workqueue.TypedRateLimiter`). */
export interface RateLimiter {
  /** Records one more retry of `key`; the ms to wait before it. */
  when(key: string): number;
  /** `key` succeeded: its backoff starts again from the beginning. */
  forget(key: string): void;
  /** Retries of `key` since it was last forgotten. */
  numRequeues(key: string): number;
}

/** base · 2^n ms for the n-th retry of a key (counting from 0), at most maxMs. */
export function exponentialBackoffRateLimiter(baseMs: number, maxMs: number): RateLimiter {
  const failures = new Map<string, number>();
  return {
    when: (key) => {
      const n = failures.get(key) ?? 0;
      failures.set(key, n + 1);
      return Math.min(baseMs * 2 ** n, maxMs);
    },
    forget: (key) => void failures.delete(key),
    numRequeues: (key) => failures.get(key) ?? 0,
  };
}

/** Every retry of every key takes a token from one bucket: an overall limit. */
export function bucketRateLimiter(bucket: TokenBucket): RateLimiter {
  return { when: () => bucket.reserve(), forget: () => undefined, numRequeues: () => 0 };
}

/** The longest wait any of `limiters` asks for. */
export function maxOfRateLimiter(...limiters: readonly RateLimiter[]): RateLimiter {
  return {
    when: (key) => Math.max(0, ...limiters.map((l) => l.when(key))),
    forget: (key) => limiters.forEach((l) => l.forget(key)),
    numRequeues: (key) => Math.max(0, ...limiters.map((l) => l.numRequeues(key))),
  };
}

/** client-go's default: max(5 ms · 2^n capped at 1000 s per key, 10 qps / burst 100 overall). */
export function defaultControllerRateLimiter(clock: Clock): RateLimiter {
  return maxOfRateLimiter(
    exponentialBackoffRateLimiter(5, 1000 * 1000),
    bucketRateLimiter(createTokenBucket(10, 100, clock)),
  );
}
