import { describe, expect, it } from 'vitest';
import {
  BUCKETS_PER_DAY as DAY,
  BUCKETS_PER_WEEK as WEEK,
  bucketSeries,
  dailyBuckets,
  weeklyBuckets,
} from './fixtures.js';
import { selectForecaster, type CandidateName } from './select.js';
import { pastOf } from './series.js';

const options = { bucketsPerDay: DAY, tau: 0.9, flatBuckets: 24 };

describe('selectForecaster', () => {
  it.each([
    {
      name: 'daily sine + noise, 14 days',
      values: bucketSeries(14 * DAY, dailyBuckets, 5),
      period: DAY,
      winners: ['spectral', 'holtWintersAdditive', 'holtWintersMultiplicative'],
      minSkill: 0.3,
    },
    {
      name: 'daily sine + trend, 7 days',
      values: bucketSeries(7 * DAY, (i) => dailyBuckets(i) + 0.05 * i, 5),
      period: DAY,
      winners: ['spectral', 'holtWintersAdditive', 'holtWintersMultiplicative'],
      minSkill: 0.3,
    },
    {
      name: 'weekday/weekend, 15 days (evaluated on a weekday)',
      values: bucketSeries(15 * DAY, weeklyBuckets, 5),
      period: WEEK,
      winners: ['spectral', 'holtWintersAdditive', 'holtWintersMultiplicative'],
      minSkill: 0.3,
    },
  ])('$name → period $period, a pattern model wins', ({ values, period, winners, minSkill }) => {
    const s = selectForecaster(pastOf(values), options)!;
    expect(s.period).toBe(period);
    expect(winners).toContain(s.name);
    expect(s.skill).toBeGreaterThan(minSkill);
    const loss = (n: CandidateName) => s.scores.find((c) => c.name === n)!.loss;
    // The pinball loss at 0.9 punishes under-forecasts; the winner beats both seasonal naives.
    expect(loss(s.name)).toBeLessThan(loss('seasonalNaiveDaily') * 0.9);
    if (values.length >= 8 * DAY) expect(loss(s.name)).toBeLessThan(loss('seasonalNaiveWeekly'));
  });

  it('prefers weekly seasonal naive to daily on a weekly pattern', () => {
    const s = selectForecaster(pastOf(bucketSeries(15 * DAY, weeklyBuckets, 5)), options)!;
    const loss = (n: CandidateName) => s.scores.find((c) => c.name === n)!.loss;
    expect(loss('seasonalNaiveWeekly')).toBeLessThan(loss('seasonalNaiveDaily') / 2);
  });

  it('reports no skill on white noise', () => {
    const s = selectForecaster(pastOf(bucketSeries(7 * DAY, () => 100, 10)), options)!;
    expect(s.period).toBeNull();
    expect(s.skill).toBeLessThan(0.05);
  });

  it('falls back to daily seasonal naive, unevaluated, with just one day', () => {
    const s = selectForecaster(pastOf(bucketSeries(DAY + 5, dailyBuckets, 5)), options)!;
    expect(s.name).toBe('seasonalNaiveDaily');
    expect(s.skill).toBeNull();
  });

  it('returns null before one day', () => {
    expect(selectForecaster(pastOf(bucketSeries(DAY - 1, dailyBuckets, 5)), options)).toBeNull();
  });

  it('honours a restricted candidate list', () => {
    const s = selectForecaster(pastOf(bucketSeries(3 * DAY, dailyBuckets, 5)), {
      ...options,
      candidates: ['holtWintersAdditive'],
    })!;
    expect(s.name).toBe('holtWintersAdditive');
    expect(s.scores.map((c) => c.name)).toEqual(['holtWintersAdditive']);
  });
});
