/**
 * How long a crashed replica waits before its restart: exponential, capped, as the kubelet's
 * CrashLoopBackOff (10 s doubling to 5 min there; 1 s doubling to 60 s by default here).
 *
 * @module
 */

export interface BackoffPolicy {
  /** The wait before the first restart. */
  readonly initialMs: number;
  /** The wait never exceeds this. */
  readonly maxMs: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 1000, maxMs: 60_000 };

/**
 * The wait before the restart that follows `failures` consecutive failures (1 = the first):
 * initialMs × 2^(failures − 1), at most maxMs. With 1 s and 60 s: 1, 2, 4, 8, 16, 32, 60, 60 … s.
 */
export function restartDelayMs(failures: number, policy: BackoffPolicy = defaultBackoff): number {
  if (!(failures >= 1)) return 0;
  // 2^30 ms is already 12 days: no need to compute larger powers.
  const exponent = Math.min(failures - 1, 30);
  return Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
}
