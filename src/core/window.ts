/**
 * A bounded, time-keyed window of readings and its linear average (Knative's `linear` metric
 * aggregation, adapted to readings that arrive once per sync period instead of once per second).
 *
 * Knative scrapes every second into 1-second buckets and averages them over the stable (60 s) and
 * panic (6 s) windows. Tide's engine sees one instantaneous reading per tick (15 s by default), so
 * a reading stands for the time since the previous one: reading `i` covers `(t[i-1], t[i]]`.
 * The first reading of a series covers one 1-second bucket `(t - 1 s, t]`. With that, Knative's
 * rules carry over unchanged:
 *
 * - partial window: while the series is younger than the window, average over its age only;
 * - time after the newest reading is excluded (the window shrinks to `(now − W, newest]`);
 * - nothing read for a whole window ⇒ no data (`ErrNoData`), and the series restarts;
 * - results are truncated to 6 decimals, as upstream does.
 *
 * Worked example (W = 60 s): readings 10 at t=0 s and 40 at t=15 s; at now = 15 s the window is
 * (−1 s, 15 s]: 10 covers 1 s and 40 covers 15 s, so the average is (10 + 600) / 16 = 38.125.
 *
 * @module
 */
import type { TimedSample } from './model.js';

/** Knative's bucket granularity: one second. */
export const BUCKET_MS = 1000;

export type WindowAverage =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly error: 'ErrNoData'; readonly message: string };

/**
 * Adds a reading and drops what no window of `retainMs` can need any more. A reading at or before
 * an existing one replaces everything from that instant on (the clock never runs backwards here).
 */
export function recordSample(
  samples: readonly TimedSample[],
  sample: TimedSample,
  retainMs: number,
): TimedSample[] {
  const kept = samples.filter((s) => s.timestamp < sample.timestamp);
  kept.push(sample);
  const cutoff = sample.timestamp - retainMs;
  // Keep the newest reading at or before the cutoff: it bounds the coverage of the next one.
  let first = 0;
  while (first + 1 < kept.length && (kept[first + 1] as TimedSample).timestamp <= cutoff) first++;
  return kept.slice(first);
}

/** Floors to 6 decimals (upstream's `roundToNDigits`), guarding against binary noise below that. */
export function truncate6(x: number): number {
  return Math.floor(x * 1e6 + 1e-6) / 1e6;
}

/** Reading `i` begins a series: it is the first, or nothing was read for a window before it. */
function startsSeries(samples: readonly TimedSample[], i: number, windowMs: number): boolean {
  const prev = samples[i - 1];
  return prev === undefined || (samples[i] as TimedSample).timestamp - prev.timestamp >= windowMs;
}

/** The linear average over `(now − windowMs, now]`, or `ErrNoData` when the window holds nothing. */
export function windowAverage(
  samples: readonly TimedSample[],
  now: number,
  windowMs: number,
): WindowAverage {
  const visible = samples.filter((s) => s.timestamp <= now);
  const last = visible[visible.length - 1];
  if (last === undefined || now - last.timestamp >= windowMs) {
    return {
      ok: false,
      error: 'ErrNoData',
      message: `no reading in the last ${windowMs / 1000} s`,
    };
  }
  const lo = now - windowMs;
  let weighted = 0;
  let covered = 0;
  for (let i = visible.length - 1; i >= 0; i--) {
    const { timestamp, value } = visible[i] as TimedSample;
    const first = startsSeries(visible, i, windowMs);
    const from = first ? timestamp - BUCKET_MS : (visible[i - 1] as TimedSample).timestamp;
    const start = Math.max(from, lo);
    weighted += value * (timestamp - start);
    covered += timestamp - start;
    if (first || from <= lo) break;
  }
  return { ok: true, value: truncate6(weighted / covered) };
}
