/**
 * Knative's scale-down delay window: the maximum desired count over the last
 * `ceil(delay / 2 s)` two-second buckets (a descending-maxima window; upstream `max.TimeWindow`).
 *
 * @module
 */
import type { KpaDelayWindow } from '../../model.js';

type Entry = KpaDelayWindow['entries'][number];

const lastOf = (entries: readonly Entry[]): Entry => entries[entries.length - 1] as Entry;

/** The decider ticks every 2 s; the delay window uses that granularity. */
export const DELAY_BUCKET_SECONDS = 2;

/** A window for `delaySeconds`, or null when the delay is 0 (then there is no window at all). */
export function newDelayWindow(delaySeconds: number): KpaDelayWindow | null {
  if (delaySeconds <= 0) return null;
  return { buckets: Math.ceil(delaySeconds / DELAY_BUCKET_SECONDS), entries: [] };
}

/** The bucket of an instant: whole Unix seconds (floored), divided by 2 truncating toward zero. */
export function delayBucket(nowMs: number): number {
  // `+ 0` turns the -0 of trunc(-0.5) into 0.
  return Math.trunc(Math.floor(nowMs / 1000) / DELAY_BUCKET_SECONDS) + 0;
}

/**
 * Records `replicas` at `nowMs` and returns the new window. Entries stay in descending order of
 * value: a new value removes every older entry it is at least as large as; entries a whole window
 * old leave from the front; two records in one bucket keep the larger.
 */
export function recordDelay(
  window: KpaDelayWindow,
  nowMs: number,
  replicas: number,
): KpaDelayWindow {
  const bucket = delayBucket(nowMs);
  const entries = [...window.entries];
  let value = replicas;
  // Values at most as large as the new one can never be the maximum again.
  while (entries.length > 0 && value >= lastOf(entries).replicas) entries.pop();
  // Entries a whole window old leave from the front.
  while (entries.length > 0 && bucket - (entries[0] as Entry).bucket >= window.buckets) {
    entries.shift();
  }
  if (entries.length > 0 && lastOf(entries).bucket === bucket) {
    value = Math.max(value, lastOf(entries).replicas);
    entries.pop();
  }
  entries.push({ bucket, replicas: value });
  return { buckets: window.buckets, entries };
}

/** The window's current maximum (0 for a window that never recorded anything). */
export function delayedMax(window: KpaDelayWindow): number {
  return window.entries[0]?.replicas ?? 0;
}
