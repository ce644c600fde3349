import { describe, expect, it } from 'vitest';
import { hasOneDay } from '../core/forecast/forecaster.js';
import { initialState } from '../core/model.js';
import { isPredictiveState } from '../core/policy/predictive.js';
import { scalerSpecSchema } from '../core/spec.js';
import {
  SourceError,
  type HistoryRange,
  type HistorySample,
  type Source,
} from '../sources/source.js';
import { FakeClock } from './clock.js';
import { historyRange, seedFromHistory } from './history.js';

const t0 = Date.UTC(2024, 0, 1);
const dayMs = 86_400_000;

const external = {
  name: 'rps',
  type: 'prometheus',
  metricType: 'External',
  target: { type: 'AverageValue', value: 10 },
};

const spec = (overrides: Record<string, unknown> = {}) =>
  scalerSpecSchema.parse({ maxReplicas: 50, triggers: [external], ...overrides });

/** A source whose history is `answer` (a rejection when it is an Error); records the ranges. */
function fakeSource(answer: readonly HistorySample[] | Error): Source & { ranges: HistoryRange[] } {
  const ranges: HistoryRange[] = [];
  return {
    ranges,
    read: () => Promise.reject(new SourceError('NoData', 'not read in this test')),
    history: (range) => {
      ranges.push(range);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
    close: () => Promise.resolve(),
  };
}

/** Two days of a daily sine, one point a minute, ending at `end`. */
function twoDays(end: number): HistorySample[] {
  return Array.from({ length: 2 * 1440 }, (_, i) => {
    const time = end - 2 * dayMs + (i + 1) * 60_000;
    return { time, value: 100 + 50 * Math.sin((2 * Math.PI * time) / dayMs) };
  });
}

const seed = (s: ReturnType<typeof spec>, source: Source | undefined) =>
  seedFromHistory(
    s,
    new Map(source === undefined ? [] : [['rps', source]]),
    new FakeClock(t0 + 2 * dayMs),
    new AbortController().signal,
  );

describe('historyRange', () => {
  it.each([
    [15, 60],
    [60, 60],
    [120, 120],
  ])('syncPeriodSeconds %d reads the last 2 days every %d s', (syncPeriodSeconds, step) => {
    expect(historyRange(spec({ syncPeriodSeconds }), t0)).toEqual({
      start: t0 - 2 * dayMs,
      end: t0,
      stepSeconds: step,
    });
  });
});

describe('seedFromHistory', () => {
  it.each([
    ['prediction is off', spec({ prediction: { mode: 'off' } }), /prediction\.mode = off/],
    [
      'the trigger is a Value target',
      spec({ triggers: [{ ...external, target: { type: 'Value', value: 10 } }] }),
      /trigger "rps" \(prometheus\): history not read: only an External or Object trigger with an AverageValue target .*External with a Value target/,
    ],
    [
      'the trigger is a Pods metric',
      spec({ triggers: [{ ...external, metricType: 'Pods' }] }),
      /only an External or Object trigger .*this one is Pods with a AverageValue target/,
    ],
    ['there is no trigger', spec({ triggers: [] }), /no trigger/],
  ])('does not read when %s', async (_why, s, message) => {
    const source = fakeSource(twoDays(t0 + 2 * dayMs));
    const result = await seed(s, source);
    expect(result.state).toEqual(initialState());
    expect(result.message).toMatch(message);
    expect(source.ranges).toEqual([]);
  });

  it('does not read when the source has no history method', async () => {
    const withoutHistory: Source = {
      read: () => Promise.reject(new SourceError('NoData', 'not read in this test')),
      close: () => Promise.resolve(),
    };
    const result = await seed(spec(), withoutHistory);
    expect(result.state).toEqual(initialState());
    expect(result.message).toMatch(/trigger "rps".*cannot answer a range query/);
  });

  it.each([
    [
      new SourceError('Unavailable', 'reading prometheus query "q": connect ECONNREFUSED'),
      /ECONNREFUSED/,
    ],
    [new Error('boom'), /boom/],
  ])('starts empty when reading fails: %s', async (error, message) => {
    const result = await seed(spec(), fakeSource(error));
    expect(result.state).toEqual(initialState());
    expect(result.message).toMatch(/^trigger "rps" \(prometheus\): reading history failed/);
    expect(result.message).toMatch(message);
  });

  it('starts empty on an empty history', async () => {
    const result = await seed(spec(), fakeSource([]));
    expect(result.state).toEqual(initialState());
    expect(result.message).toMatch(/no history in the last 2 days/);
  });

  it('seeds the forecaster from two days of samples, read over the last two days', async () => {
    const end = t0 + 2 * dayMs;
    const source = fakeSource(twoDays(end));
    const result = await seed(spec({ syncPeriodSeconds: 30 }), source);
    expect(source.ranges).toEqual([{ start: t0, end, stepSeconds: 60 }]);
    const forecast = result.state.forecast;
    if (!isPredictiveState(forecast)) throw new Error('no forecast');
    const forecaster = forecast.forecaster;
    // 2 days of 5-minute buckets; the newest (ending at `end`) may stay open.
    expect(forecaster.history.length).toBeGreaterThanOrEqual(2 * 288 - 1);
    expect(forecaster.history.length).toBeLessThanOrEqual(2 * 288);
    expect(hasOneDay(forecaster)).toBe(true);
    expect(result.state).toEqual({ ...initialState(), forecast: result.state.forecast });
    expect(result.message).toMatch(
      /^trigger "rps" \(prometheus\): seeded the forecaster with 2880 points of history from 2024-01-01T00:01:00\.000Z to 2024-01-03T00:00:00\.000Z/,
    );
  });

  it('seeds from a few samples without one day: the forecaster keeps them and waits', async () => {
    const samples = twoDays(t0 + 2 * dayMs).slice(-120);
    const result = await seed(spec(), fakeSource(samples));
    const forecast = result.state.forecast;
    if (!isPredictiveState(forecast)) throw new Error('no forecast');
    expect(forecast.forecaster.history.length).toBeGreaterThan(0);
    expect(hasOneDay(forecast.forecaster)).toBe(false);
  });
});
