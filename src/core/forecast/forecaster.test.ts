import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  MINUTE_MS,
  dailySine,
  makeSignal,
  weeklyPattern,
  type Sample,
} from './fixtures.js';
import {
  fitFromHistory,
  forecastWindow,
  hasOneDay,
  initialForecasterState,
  observe,
  type ForecasterState,
} from './forecaster.js';
import { mape } from './loss.js';

const t0 = Date.UTC(2024, 0, 1); // a Monday
const HORIZON_MS = 75_000; // startup 60 s + one 15 s sync

const feed = (s: ForecasterState, samples: readonly Sample[]): ForecasterState =>
  samples.reduce(observe, s);

// Whole-day replays: generous timeouts, the machine is shared.
describe('forecaster state', { timeout: 60_000 }, () => {
  it.each([
    { name: 'daily sine', shape: dailySine(100, 40) },
    { name: 'weekly pattern', shape: weeklyPattern(100, 40) },
  ])('14 days of per-minute $name fit in 64 KiB of JSON, and round-trip unchanged', ({ shape }) => {
    const samples = makeSignal({ start: t0, days: 14, shape, noise: 5 });
    expect(samples).toHaveLength(14 * 1440);
    const state = fitFromHistory(samples);
    const json = JSON.stringify(state);
    expect(json.length).toBeLessThanOrEqual(64 * 1024);
    expect(JSON.parse(json)).toEqual(state);
    // A day more of observations keeps the bound (the history is capped at 14 days).
    const later = feed(state, makeSignal({ start: t0 + 14 * DAY_MS, days: 1, shape, noise: 5 }));
    expect(JSON.stringify(later).length).toBeLessThanOrEqual(64 * 1024);
    expect(later.history.length).toBe(14 * 288);
    expect(JSON.parse(JSON.stringify(later))).toEqual(later);
  });

  it('predicts nothing before one day of history, and does from then on', () => {
    const samples = makeSignal({ start: t0, days: 1.01, shape: dailySine(100, 40), noise: 2 });
    let s = initialForecasterState();
    let firstForecast: number | null = null;
    for (const x of samples) {
      s = observe(s, x);
      const f = forecastWindow(s, { from: x.time, to: x.time + HORIZON_MS });
      if (f !== null && firstForecast === null) firstForecast = x.time;
      expect(f !== null).toBe(hasOneDay(s));
    }
    expect(firstForecast).toBe(t0 + DAY_MS);
  });

  it('has no look-ahead: a different future changes no earlier forecast', () => {
    const shape = dailySine(100, 40);
    const common = makeSignal({ start: t0, days: 2, shape, noise: 5, seed: 3 });
    const futureA = makeSignal({ start: t0 + 2 * DAY_MS, days: 0.5, shape, noise: 5, seed: 4 });
    const futureB = futureA.map((x) => ({ time: x.time, value: x.value * 3 + 50 }));
    const run = (future: readonly Sample[]): (number | null)[] => {
      let s = initialForecasterState();
      const out: (number | null)[] = [];
      for (const x of [...common, ...future]) {
        s = observe(s, x);
        out.push(forecastWindow(s, { from: x.time, to: x.time + HORIZON_MS })?.upper ?? null);
      }
      return out;
    };
    const a = run(futureA);
    const b = run(futureB);
    expect(a.slice(0, common.length)).toEqual(b.slice(0, common.length));
    expect(a.slice(common.length + 10)).not.toEqual(b.slice(common.length + 10));
    // fitFromHistory on the common past alone agrees with itself fed the same past.
    expect(fitFromHistory(common)).toEqual(fitFromHistory([...common]));
  });

  it.each([
    { name: 'daily sine', shape: dailySine(100, 40), noise: 5, maxMape: 6 },
    { name: 'weekly pattern', shape: weeklyPattern(100, 40), noise: 5, maxMape: 6 },
  ])(
    '$name: the upper bound covers the next 75 s on ≥ 85 % of minutes; point MAPE < $maxMape %',
    ({ shape, noise, maxMape }) => {
      const history = makeSignal({ start: t0, days: 14, shape, noise });
      const day = makeSignal({ start: t0 + 14 * DAY_MS, days: 1, shape, noise, seed: 99 });
      let s = fitFromHistory(history);
      let covered = 0;
      const points: number[] = [];
      const actual: number[] = [];
      for (let i = 0; i + 1 < day.length; i++) {
        s = observe(s, day[i]!);
        const f = forecastWindow(s, { from: day[i]!.time, to: day[i]!.time + HORIZON_MS })!;
        const next = day[i + 1]!.value;
        if (next <= f.upper) covered++;
        points.push(f.point);
        actual.push(next);
      }
      expect(covered / (day.length - 1)).toBeGreaterThanOrEqual(0.85);
      expect(mape(actual, points)).toBeLessThan(maxMape);
    },
  );

  it('ignores non-finite values and observations older than the open bucket', () => {
    const s = observe(initialForecasterState(), { time: t0 + 10 * MINUTE_MS, value: 5 });
    expect(observe(s, { time: t0 + 11 * MINUTE_MS, value: Number.NaN })).toBe(s);
    expect(observe(s, { time: t0, value: 7 })).toBe(s);
  });

  it('fills a short gap with forecasts and restarts after a gap longer than a day', () => {
    const samples = makeSignal({ start: t0, days: 1.5, shape: dailySine(100, 40), noise: 2 });
    const s = feed(initialForecasterState(), samples);
    const afterGap = observe(s, { time: samples.at(-1)!.time + 31 * MINUTE_MS, value: 100 });
    // The open bucket (…35:55) closes, and 36:00 … 36:25 are filled in before 36:30 opens.
    expect(afterGap.history.length - s.history.length).toBe(7);
    expect(afterGap.model).not.toBeNull();
    const restarted = observe(s, { time: samples.at(-1)!.time + 2 * DAY_MS, value: 100 });
    expect(restarted.history).toEqual([]);
    expect(restarted.model).toBeNull();
  });

  it('fitFromHistory interpolates missing buckets and keeps the newest bucket open', () => {
    const samples = makeSignal({ start: t0, days: 2, shape: dailySine(100, 40), noise: 0 });
    const holed = samples.filter((x) => x.time < t0 + DAY_MS || x.time >= t0 + DAY_MS + 3_600_000);
    const s = fitFromHistory(holed);
    expect(s.history).toHaveLength(2 * 288 - 1);
    expect(s.open?.count).toBe(5);
    expect(s.model).not.toBeNull();
  });
});
