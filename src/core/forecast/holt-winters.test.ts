import { describe, expect, it } from 'vitest';
import { BUCKETS_PER_DAY as DAY, bucketSeries, dailyBuckets } from './fixtures.js';
import {
  fitHoltWinters,
  forecastHoltWinters,
  holtWintersGrid,
  updateHoltWinters,
  type HoltWintersModel,
} from './holt-winters.js';
import { mape } from './loss.js';
import { fitSeasonalNaive } from './seasonal-naive.js';
import { oneStepForecasts } from './select.js';
import { pastOf } from './series.js';

/** One-step MAPE over the last day, fitted on everything before it. */
function lastDayMape(values: number[], model: (train: number[]) => unknown): number {
  const from = values.length - DAY;
  const m = model(values.slice(0, from)) as Parameters<typeof oneStepForecasts>[0];
  return mape(values.slice(from), oneStepForecasts(m, values, from));
}

describe('Holt–Winters', () => {
  const seasonal = (mult: boolean) => (i: number) => {
    const level = 100 + 0.05 * i;
    const s = Math.sin((2 * Math.PI * i) / 24);
    return mult ? level * (1 + 0.3 * s) : level + 30 * s;
  };

  it.each([
    ['additive', 'additive', false, 0.5],
    ['multiplicative', 'multiplicative', true, 0.5],
    ['additive on multiplicative data', 'additive', true, 5],
  ] as const)(
    '%s: one-step MAPE on a clean cycle with trend under %f %%',
    (_n, kind, mult, max) => {
      const values = bucketSeries(24 * 20, seasonal(mult), 0);
      const from = 24 * 15;
      const model = fitHoltWinters(pastOf(values.slice(0, from)), {
        period: 24,
        seasonality: kind,
      })!;
      const got = mape(values.slice(from), oneStepForecasts(model, values, from));
      expect(got).toBeLessThan(max);
    },
  );

  it('beats seasonal naive on a noisy daily cycle (5-minute buckets)', () => {
    const values = bucketSeries(4 * DAY, dailyBuckets, 5);
    const hw = lastDayMape(values, (t) =>
      fitHoltWinters(pastOf(t), { period: DAY, seasonality: 'additive' }),
    );
    const naive = lastDayMape(values, (t) => fitSeasonalNaive(pastOf(t), DAY));
    expect(hw).toBeLessThan(naive * 0.85);
  });

  it('damps the trend: far forecasts approach level + φ/(1 − φ)·b', () => {
    const model: HoltWintersModel = {
      kind: 'holtWinters',
      seasonality: 'additive',
      period: 2,
      alpha: 0.1,
      beta: 0.1,
      gamma: 0.1,
      phi: 0.9,
      level: 100,
      trend: 2,
      season: [0, 0],
      phase: 0,
      unit: 0.01,
    };
    const far = forecastHoltWinters(model, pastOf([]), 2000);
    expect(far).toBeCloseTo(100 + (0.9 / 0.1) * 2, 6);
    expect(forecastHoltWinters(model, pastOf([]), 1)).toBeCloseTo(101.8, 9);
  });

  it('refuses multiplicative seasonality on data with zeros, and a past shorter than a season', () => {
    const values = bucketSeries(100, (i) => i % 10, 0);
    expect(
      fitHoltWinters(pastOf(values), { period: 10, seasonality: 'multiplicative' }),
    ).toBeNull();
    expect(
      fitHoltWinters(pastOf(values.slice(0, 10)), { period: 10, seasonality: 'additive' }),
    ).toBeNull();
  });

  it('an update equals a fit on the longer past with the same parameters', () => {
    const values = bucketSeries(24 * 6, seasonal(false), 2);
    const params = holtWintersGrid[7]!;
    const o = { period: 24, seasonality: 'additive' as const, params };
    const before = fitHoltWinters({ values, end: values.length - 1 }, o)!;
    const updated = updateHoltWinters(before, values.at(-1)!);
    const refit = fitHoltWinters(pastOf(values), o)!;
    // Equal up to the rounding of stored season values (unit 0.1 here).
    for (const h of [1, 5, 24]) {
      const diff =
        forecastHoltWinters(updated, pastOf(values), h) -
        forecastHoltWinters(refit, pastOf(values), h);
      expect(Math.abs(diff)).toBeLessThanOrEqual(2 * refit.unit);
    }
    expect(updated.phase).toBe(refit.phase);
  });

  it('survives a JSON round trip unchanged', () => {
    const values = bucketSeries(3 * DAY, dailyBuckets, 5);
    const model = fitHoltWinters(pastOf(values), { period: DAY, seasonality: 'multiplicative' })!;
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });
});

/**
 * The fit's search as the module comment states it, written plainly: initialise from the first
 * seasons, then one smoothing step per bucket with the one-step squared error summed. The fit's
 * tight loop must land on the same numbers to the last bit (the backtests' scores depend on them).
 */
function referenceRun(
  values: readonly number[],
  period: number,
  mult: boolean,
  p: (typeof holtWintersGrid)[number],
): { level: number; trend: number; season: number[]; sse: number } {
  const EPS = 1e-9;
  const cycles = Math.min(2, Math.floor(values.length / period));
  const means = Array.from({ length: cycles }, (_, c) => {
    let sum = 0;
    for (let i = c * period; i < (c + 1) * period; i++) sum += values[i]!;
    return sum / period;
  });
  const b0 = cycles === 2 ? (means[1]! - means[0]!) / period : 0;
  const season = Array.from({ length: period }, (_, i) => {
    let s = 0;
    for (let c = 0; c < cycles; c++) {
      const base = means[c]! + b0 * (i - (period - 1) / 2);
      const y = values[c * period + i]!;
      s += mult ? y / Math.max(base, EPS) : y - base;
    }
    return s / cycles;
  });
  let level = means[0]! + (b0 * (period - 1)) / 2;
  let trend = b0;
  let sse = 0;
  for (let t = period; t < values.length; t++) {
    const y = values[t]!;
    const phase = t % period;
    const s = season[phase]!;
    const base = level + p.phi * trend;
    const forecast = mult ? base * s : base + s;
    const raw = mult
      ? p.alpha * (y / Math.max(s, EPS)) + (1 - p.alpha) * base
      : p.alpha * (y - s) + (1 - p.alpha) * base;
    trend = p.beta * (raw - level) + (1 - p.beta) * p.phi * trend;
    level = mult ? Math.max(raw, EPS) : raw;
    season[phase] = mult
      ? p.gamma * (y / level) + (1 - p.gamma) * s
      : p.gamma * (y - level) + (1 - p.gamma) * s;
    sse += (y - forecast) ** 2;
  }
  return { level, trend, season, sse };
}

describe('Holt–Winters, to the last bit', () => {
  const values = bucketSeries(3 * DAY + 17, dailyBuckets, 5);

  it.each(['additive', 'multiplicative'] as const)(
    'the %s fit is the plain search: same winner, level and trend',
    (seasonality) => {
      const mult = seasonality === 'multiplicative';
      let best: {
        p: (typeof holtWintersGrid)[number];
        run: ReturnType<typeof referenceRun>;
      } | null = null;
      for (const p of holtWintersGrid) {
        const run = referenceRun(values, DAY, mult, p);
        if (best === null || run.sse < best.run.sse) best = { p, run };
      }
      const model = fitHoltWinters(pastOf(values), { period: DAY, seasonality })!;
      expect([model.alpha, model.beta, model.gamma, model.phi]).toEqual([
        best!.p.alpha,
        best!.p.beta,
        best!.p.gamma,
        best!.p.phi,
      ]);
      expect(Object.is(model.level, best!.run.level)).toBe(true);
      expect(Object.is(model.trend, best!.run.trend)).toBe(true);
    },
  );

  it.each(['additive', 'multiplicative'] as const)(
    'the %s scoring walk is forecast(h = 1) then update, bucket by bucket',
    (seasonality) => {
      const from = values.length - DAY;
      const model = fitHoltWinters(pastOf(values.slice(0, from)), { period: DAY, seasonality })!;
      const want: number[] = [];
      let m = model;
      for (let i = from; i < values.length; i++) {
        want.push(forecastHoltWinters(m, { values, end: i }, 1));
        m = updateHoltWinters(m, values[i]!);
      }
      expect(oneStepForecasts(model, values, from)).toEqual(want);
    },
  );
});
