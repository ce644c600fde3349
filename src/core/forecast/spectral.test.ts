import { describe, expect, it } from 'vitest';
import {
  BUCKETS_PER_DAY as DAY,
  BUCKETS_PER_WEEK as WEEK,
  bucketSeries,
  dailyBuckets,
  weeklyBuckets,
} from './fixtures.js';
import { mape } from './loss.js';
import { fitSeasonalNaive } from './seasonal-naive.js';
import { oneStepForecasts } from './select.js';
import { pastOf } from './series.js';
import { fitSpectral, forecastSpectral, updateSpectral } from './spectral.js';

const options = { minPeriod: 12, snapTo: [DAY, WEEK] };

function lastDay(values: number[]): { spectral: number; naive: number; period: number } {
  const from = values.length - DAY;
  const train = pastOf(values.slice(0, from));
  const model = fitSpectral(train, options)!;
  const naivePeriod = values.length >= 8 * DAY ? WEEK : DAY;
  const naive = fitSeasonalNaive(train, naivePeriod)!;
  return {
    spectral: mape(values.slice(from), oneStepForecasts(model, values, from)),
    naive: mape(values.slice(from), oneStepForecasts(naive, values, from)),
    period: model.period,
  };
}

describe('spectral forecaster', () => {
  it.each([
    ['daily sine + noise, 4 days', bucketSeries(4 * DAY, dailyBuckets, 5), DAY, 5],
    [
      'daily sine + trend, 6 days',
      bucketSeries(6 * DAY, (i) => dailyBuckets(i) + 0.02 * i, 5),
      DAY,
      5,
    ],
    ['weekday/weekend, 15 days', bucketSeries(15 * DAY, weeklyBuckets, 5), WEEK, 7],
  ])('%s: finds the period and beats seasonal naive', (_name, values, period, maxMape) => {
    const r = lastDay(values);
    expect(r.period).toBe(period);
    expect(r.spectral).toBeLessThan(maxMape);
    expect(r.spectral).toBeLessThan(r.naive * 0.85);
  });

  it('keeps at most 64 harmonics and recovers a pure sine with one', () => {
    const model = fitSpectral(pastOf(bucketSeries(3 * DAY, dailyBuckets, 0)), options)!;
    expect(model.harmonics).toHaveLength(1);
    expect(model.harmonics[0]![0]).toBe(1);
    expect(Math.hypot(model.harmonics[0]![1], model.harmonics[0]![2])).toBeCloseTo(40, 1);
    const weekly = fitSpectral(pastOf(bucketSeries(14 * DAY, weeklyBuckets, 5)), options)!;
    expect(weekly.harmonics.length).toBeLessThanOrEqual(64);
  });

  it('is a smoothed level on white noise', () => {
    const values = bucketSeries(3 * DAY, () => 50, 5);
    const model = fitSpectral(pastOf(values), options)!;
    expect(model.period).toBe(1);
    expect(model.harmonics).toEqual([]);
    expect(Math.abs(forecastSpectral(model, pastOf(values), 1) - 50)).toBeLessThan(2);
  });

  it('measures the trend', () => {
    const model = fitSpectral(
      pastOf(bucketSeries(5 * DAY, (i) => dailyBuckets(i) + 0.1 * i, 2)),
      options,
    )!;
    expect(model.slope).toBeCloseTo(0.1, 2);
  });

  it('an update advances the phase and pulls the level toward the actual', () => {
    const values = bucketSeries(3 * DAY, dailyBuckets, 0);
    const model = fitSpectral(pastOf(values), options)!;
    const f1 = forecastSpectral(model, pastOf(values), 1);
    const next = updateSpectral(model, f1 + 10);
    expect(next.phase).toBe(1);
    expect(next.level - model.level - model.slope).toBeCloseTo(model.alpha * 10, 9);
    expect(JSON.parse(JSON.stringify(next))).toEqual(next);
  });
});

describe('spectral forecasts, to the last bit', () => {
  it('read the cycle the harmonics sum to, after updates and after a JSON round trip', () => {
    // A daily cycle with a second harmonic (a sharper peak), so the sum has several terms.
    const shape = (i: number): number =>
      dailyBuckets(i) + 40 * Math.sin((4 * Math.PI * i) / DAY + 1);
    const values = bucketSeries(3 * DAY, shape, 5);
    const fitted = fitSpectral(pastOf(values), options)!;
    expect(fitted.harmonics.length).toBeGreaterThan(1);
    // The sum as the module comment states it: level + slope·h + Σ a·cos + b·sin.
    const direct = (m: typeof fitted, h: number): number => {
      const phase = (m.phase + h - 1) % m.period;
      let s = 0;
      for (const [k, a, b] of m.harmonics) {
        const angle = (2 * Math.PI * k * phase) / m.period;
        s += a * Math.cos(angle) + b * Math.sin(angle);
      }
      return m.level + m.slope * h + s;
    };
    let model = fitted;
    for (let i = 0; i < 40; i++) {
      for (const h of [1, 2, 7, DAY, DAY + 3]) {
        expect(Object.is(forecastSpectral(model, pastOf(values), h), direct(model, h))).toBe(true);
      }
      model = updateSpectral(model, values[i]!);
    }
    const restored = JSON.parse(JSON.stringify(model)) as typeof model;
    expect(forecastSpectral(restored, pastOf(values), 5)).toBe(direct(model, 5));
    // A hand-made phase outside the cycle still gets the sum.
    const odd = { ...model, phase: -3 };
    expect(forecastSpectral(odd, pastOf(values), 1)).toBe(direct(odd, 1));
  });
});
