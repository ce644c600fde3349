import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimedSample } from './model.js';
import { recordSample, truncate6, windowAverage } from './window.js';

const t0 = Date.UTC(2024, 0, 1);
const s = (seconds: number, value: number): TimedSample => ({
  timestamp: t0 + seconds * 1000,
  value,
});
const at = (seconds: number): number => t0 + seconds * 1000;

describe('windowAverage', () => {
  it.each([
    // [name, samples, now (s), window (s), expected]
    ['one reading covers one second', [s(0, 10)], 0, 60, 10],
    ['two readings: the newer covers the gap', [s(0, 10), s(15, 40)], 15, 60, (10 + 40 * 15) / 16],
    [
      'full window: the oldest reading is cut at the window start',
      [s(0, 10), s(15, 20), s(30, 30), s(45, 40), s(60, 50), s(75, 60)],
      75,
      60,
      (30 * 15 + 40 * 15 + 50 * 15 + 60 * 15) / 60,
    ],
    ['window boundary inside a reading', [s(0, 100), s(15, 0)], 20, 6, 0],
    ['panic window sees only the newest reading', [s(0, 100), s(15, 7)], 15, 6, 7],
    [
      'time after the newest reading is excluded',
      [s(0, 10), s(15, 40)],
      30,
      60,
      (10 + 40 * 15) / 16,
    ],
    ['a gap of a whole window restarts the series', [s(0, 1000), s(60, 5)], 60, 60, 5],
    [
      'constant load averages to itself',
      [s(0, 3), s(15, 3), s(30, 3), s(45, 3), s(60, 3), s(75, 3)],
      75,
      60,
      3,
    ],
    ['truncated to 6 decimals', [s(0, 1), s(2, 0)], 2, 60, 0.333333],
  ] as const)('%s', (...[, samples, now, windowS, expected]) => {
    const got = windowAverage(samples, at(now), windowS * 1000);
    expect(got).toEqual({ ok: true, value: truncate6(expected) });
  });

  it.each([
    ['no readings', [], 0],
    ['the newest reading is a whole window old', [s(0, 5)], 60],
    ['readings only in the future', [s(10, 5)], 0],
  ] as const)('ErrNoData: %s', (_name, samples, now) => {
    const got = windowAverage(samples, at(now), 60_000);
    expect(got.ok).toBe(false);
    if (!got.ok) expect(got.error).toBe('ErrNoData');
  });
});

describe('recordSample', () => {
  it('keeps the newest reading at or before the cutoff and drops older ones', () => {
    let samples: TimedSample[] = [];
    for (let i = 0; i <= 10; i++) samples = recordSample(samples, s(i * 15, i), 60_000);
    // now = 150 s, cutoff = 90 s: readings at 90 (anchor) .. 150 remain.
    expect(samples.map((x) => (x.timestamp - t0) / 1000)).toEqual([90, 105, 120, 135, 150]);
  });

  it('a reading at an existing instant replaces it and everything after it', () => {
    const samples = recordSample([s(0, 1), s(15, 2), s(30, 3)], s(15, 9), 60_000);
    expect(samples).toEqual([s(0, 1), s(15, 9)]);
  });

  it('the average over the retained readings equals the average over all of them', () => {
    const all: TimedSample[] = [];
    let kept: TimedSample[] = [];
    for (let i = 0; i <= 40; i++) {
      const reading = s(i * 15, (i * 37) % 11);
      all.push(reading);
      kept = recordSample(kept, reading, 60_000);
      expect(windowAverage(kept, reading.timestamp, 60_000)).toEqual(
        windowAverage(all, reading.timestamp, 60_000),
      );
    }
  });
});

describe('windowAverage: properties', () => {
  it('the average lies between the smallest and the largest reading', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 1e6, noNaN: true })),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        fc.integer({ min: 1, max: 120 }),
        (steps, windowS) => {
          let t = t0;
          const samples: TimedSample[] = steps.map(([gap, value]) => {
            t += gap * 1000;
            return { timestamp: t, value };
          });
          const got = windowAverage(samples, t, windowS * 1000);
          expect(got.ok).toBe(true);
          if (!got.ok) return;
          const values = samples.map((x) => x.value);
          expect(got.value).toBeGreaterThanOrEqual(truncate6(Math.min(...values)) - 1e-6);
          expect(got.value).toBeLessThanOrEqual(Math.max(...values) + 1e-6);
        },
      ),
    );
  });
});
