import { describe, expect, it } from 'vitest';
import {
  BUCKETS_PER_DAY as DAY,
  bucketSeries as series,
  dailyBuckets as daily,
  weeklyBuckets as weekly,
} from './fixtures.js';
import { detectPeriod } from './periodicity.js';

const WEEK = 7 * DAY;

describe('detectPeriod', () => {
  it.each([
    ['daily sine + noise, 3 days', series(3 * DAY, daily, 10), DAY],
    ['daily sine + noise, 14 days', series(14 * DAY, daily, 10), DAY],
    ['daily sine + trend, 7 days', series(7 * DAY, (i: number) => daily(i) + 0.02 * i, 5), DAY],
    ['weekday/weekend, 14 days', series(14 * DAY, weekly, 5), WEEK],
  ])('%s → %s', (_name, values, want) => {
    const r = detectPeriod(values, { minPeriod: 12, snapTo: [DAY, WEEK] });
    expect(r.period).toBe(want);
    expect(r.autocorrelation).toBeGreaterThan(0.2);
  });

  it.each([100, 250, 700])('finds an unsnapped period of %i within 1 %', (period) => {
    const r = detectPeriod(
      series(3000, (i) => Math.sin((2 * Math.PI * i) / period), 0.3),
      {
        minPeriod: 12,
      },
    );
    expect(Math.abs(r.period! - period)).toBeLessThanOrEqual(Math.max(1, 0.01 * period));
  });

  it.each([1, 2, 3])('finds nothing in white noise (seed %i)', (seed) => {
    const r = detectPeriod(
      series(4 * DAY, () => 100, 10, seed),
      { minPeriod: 12 },
    );
    expect(r.period).toBeNull();
  });

  it('finds nothing in a series too short for two cycles', () => {
    expect(detectPeriod(series(20, daily, 0), { minPeriod: 12 }).period).toBeNull();
  });

  it('is deterministic', () => {
    const s = series(2 * DAY, daily, 20);
    expect(detectPeriod(s, { minPeriod: 12 })).toEqual(detectPeriod(s, { minPeriod: 12 }));
  });
});
