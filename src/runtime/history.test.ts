import { describe, expect, it } from 'vitest';
import { decide } from '../core/decide.js';
import { hasOneDay } from '../core/forecast/forecaster.js';
import { initialState } from '../core/model.js';
import { isPredictiveState } from '../core/prediction/seasonal.js';
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

/**
 * A source whose history is `answer` (or what it returns for the range; a rejection when it is
 * or throws an Error); records the ranges asked for.
 */
function fakeSource(
  answer: readonly HistorySample[] | Error | ((range: HistoryRange) => HistorySample[]),
): Source & { ranges: HistoryRange[] } {
  const ranges: HistoryRange[] = [];
  return {
    ranges,
    read: () => Promise.reject(new SourceError('NoData', 'not read in this test')),
    history: (range) => {
      ranges.push(range);
      return Promise.resolve().then(() => {
        if (answer instanceof Error) throw answer;
        return typeof answer === 'function' ? answer(range) : answer;
      });
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

  it('seeds the forecaster from two days of samples, then catches the planner up on six hours', async () => {
    const end = t0 + 2 * dayMs;
    const source = fakeSource(twoDays(end));
    const result = await seed(spec({ syncPeriodSeconds: 30 }), source);
    expect(source.ranges).toEqual([
      { start: t0, end, stepSeconds: 60 },
      { start: end - 6 * 3_600_000, end, stepSeconds: 30 },
    ]);
    const forecast = result.state.forecast;
    if (!isPredictiveState(forecast)) throw new Error('no forecast');
    const forecaster = forecast.forecaster;
    // 2 days of 5-minute buckets; the newest (ending at `end`) may stay open.
    expect(forecaster.history.length).toBeGreaterThanOrEqual(2 * 288 - 1);
    expect(forecaster.history.length).toBeLessThanOrEqual(2 * 288);
    expect(hasOneDay(forecaster)).toBe(true);
    // The planner saw the last six hours (this fake answers every minute: 361 readings, both ends included).
    expect(forecast.headroom?.resolved).toBeGreaterThan(300);
    expect(result.message).toMatch(
      /^trigger "rps" \(prometheus\): seeded the forecaster with 2880 points of history from 2024-01-01T00:01:00\.000Z to 2024-01-03T00:00:00\.000Z \(\d+ buckets\); caught the headroom planner up on 361 readings from 2024-01-02T18:00:00\.000Z to 2024-01-03T00:00:00\.000Z/,
    );
  });

  it('plans at the first tick after a restart on a load it had proved itself on', async () => {
    const end = t0 + 2 * dayMs;
    const steady = (range: HistoryRange): HistorySample[] => {
      const step = range.stepSeconds * 1000;
      const n = Math.floor((range.end - range.start) / step);
      return Array.from({ length: n }, (_, i) => {
        const time = range.start + (i + 1) * step;
        return { time, value: 600 + 5 * Math.sin(time / 15_000) };
      });
    };
    const s = spec({
      syncPeriodSeconds: 15,
      startupSeconds: 60,
      triggers: [{ ...external, target: { type: 'AverageValue', value: 100 } }],
    });
    const result = await seed(s, fakeSource(steady));
    expect(result.message).toMatch(
      /caught the headroom planner up on 1440 readings .*: confident$/,
    );
    const metric = { status: 'ok', timestamp: end, valuesMilli: [600_000] } as const;
    const decision = decide(
      s,
      { currentReplicas: 6, pods: [], metrics: { rps: metric } },
      result.state,
      end,
    );
    expect(decision.reasons.map((r) => r.code)).toContain('HeadroomPlan');
    const cold = decide(
      s,
      { currentReplicas: 6, pods: [], metrics: { rps: metric } },
      initialState(),
      end,
    );
    expect(cold.reasons.map((r) => r.code)).not.toContain('HeadroomPlan');
  });

  it('keeps the forecaster when the recent read fails, and says the planner starts empty', async () => {
    const samples = twoDays(t0 + 2 * dayMs);
    let calls = 0;
    const source = fakeSource((range) => {
      calls += 1;
      if (calls > 1) throw new SourceError('Unavailable', 'connect ECONNREFUSED');
      return samples.filter((p) => p.time >= range.start);
    });
    const result = await seed(spec(), source);
    const forecast = result.state.forecast;
    if (!isPredictiveState(forecast)) throw new Error('no forecast');
    expect(hasOneDay(forecast.forecaster)).toBe(true);
    expect(forecast.headroom).toBeUndefined();
    expect(result.message).toMatch(
      /; the headroom planner starts empty: reading the last 6 hours failed: .*ECONNREFUSED/,
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
