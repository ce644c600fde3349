/**
 * Small builders of Observation parts for tests, benchmarks and examples: a pod, a CPU reading
 * over pods, a value reading. Pure data; times are epoch ms passed in by the caller.
 *
 * @module
 */
import type { MetricReading, PodInfo } from './model.js';

export interface PodOptions {
  readonly phase?: PodInfo['phase'];
  readonly deleted?: boolean;
  /** Epoch ms; null = no start time. */
  readonly startTime?: number | null;
  /** null = no Ready condition. */
  readonly ready?: { readonly status: boolean; readonly lastTransitionTime: number } | null;
  /** CPU request of the single `app` container, milli-units; null = none. */
  readonly cpuRequestMilli?: number | null;
}

/** A running, long-ready pod with one `app` container requesting 1000m CPU, unless overridden. */
export function makePod(name: string, since: number, opts: PodOptions = {}): PodInfo {
  return {
    name,
    phase: opts.phase ?? 'Running',
    deleted: opts.deleted ?? false,
    startTime: opts.startTime === undefined ? since : opts.startTime,
    ready: opts.ready === undefined ? { status: true, lastTransitionTime: since } : opts.ready,
    containers: [
      {
        name: 'app',
        requests: { cpu: opts.cpuRequestMilli === undefined ? 1000 : opts.cpuRequestMilli },
      },
    ],
  };
}

/** `n` pods named `pod-0`…, all started and ready at `since`. */
export function makePods(n: number, since: number, opts: PodOptions = {}): PodInfo[] {
  return Array.from({ length: n }, (_, i) => makePod(`pod-${i}`, since, opts));
}

/** A CPU reading: per pod, `usageMilli(i)` in the `app` container, sampled 15 s before `now`. */
export function cpuReading(
  pods: readonly Pick<PodInfo, 'name'>[],
  usageMilli: (i: number) => number,
  now: number,
): MetricReading {
  return {
    status: 'ok',
    timestamp: now,
    podSamples: pods.map((p, i) => ({
      pod: p.name,
      timestamp: now - 15_000,
      windowSeconds: 60,
      containers: [{ name: 'app', usageMilli: usageMilli(i) }],
    })),
  };
}

/** An Object/External reading of the given series (milli-units). */
export function valueReading(valuesMilli: readonly number[], now: number): MetricReading {
  return { status: 'ok', timestamp: now, valuesMilli };
}

/**
 * Freezes a plain-JSON value and everything in it, in place, and returns it: a write into it then
 * throws (ES modules are strict). For tests that a function never writes the state it is given.
 */
export function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}
