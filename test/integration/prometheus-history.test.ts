/**
 * `Source.history` of the Prometheus source against a real Prometheus on 127.0.0.1: two days of
 * two series, one point a minute, are backfilled as TSDB blocks (test/integration/
 * prometheus-tsdb.ts) and read back with a range query; then a scaler restarted at the end of
 * those two days seeds its forecaster from them and catches its headroom planner up on the last
 * six hours, read again at its sync period (runtime/history.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasOneDay } from '../../src/core/forecast/forecaster.js';
import { isPredictiveState } from '../../src/core/prediction/seasonal.js';
import { scalerSpecSchema } from '../../src/core/spec.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { seedFromHistory } from '../../src/runtime/history.js';
import { closeSources, openSources } from '../../src/runtime/local/runner.js';
import { createPrometheusSource, prometheusSchema } from '../../src/sources/prometheus.js';
import { startTsdbPrometheus, type TsdbPrometheus } from './prometheus-tsdb.js';
import { deps } from './env.js';

/** The first point: 2024-01-01T00:00:00Z; one a minute for two days, the last at `end`. */
const start = Date.UTC(2024, 0, 1);
const count = 2 * 1440 + 1;
const end = start + (count - 1) * 60_000;
/** Point i of series a and b; a NaN at `nanAt` in both, a negative at `negativeAt` in b. */
const nanAt = 100;
const negativeAt = 200;
const a = (i: number): number => 40 + 30 * Math.sin((2 * Math.PI * i) / 1440) + (i % 7) * 0.125;
const b = (i: number): number => (i === negativeAt ? -1 : 2.5 + (i % 5) * 0.25);

function openMetrics(): string {
  const lines = ['# HELP tide_hist_rps requests per second', '# TYPE tide_hist_rps gauge'];
  for (let i = 0; i < count; i++) {
    const t = (start + i * 60_000) / 1000;
    const [va, vb] = i === nanAt ? ['NaN', 'NaN'] : [String(a(i)), String(b(i))];
    lines.push(`tide_hist_rps{part="a"} ${va} ${t}`, `tide_hist_rps{part="b"} ${vb} ${t}`);
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

let server: TsdbPrometheus | undefined;
beforeAll(async () => {
  server = await startTsdbPrometheus(openMetrics());
});
afterAll(() => server?.stop());

const source = (extra: Record<string, unknown> = {}) =>
  createPrometheusSource(
    prometheusSchema.parse({ serverAddress: server?.url, query: 'tide_hist_rps', ...extra }),
    deps(),
  );
const signal = new AbortController().signal;

describe('prometheus history against a real server', () => {
  it.each([
    ['sum', (i: number) => (i === negativeAt ? a(i) : a(i) + b(i))],
    ['max', (i: number) => (i === negativeAt ? a(i) : Math.max(a(i), b(i)))],
  ] as const)('returns every written point reduced with %s', async (reduce, expected) => {
    const s = source({ reduce });
    try {
      const got = await s.history?.({ start, end, stepSeconds: 60 }, signal);
      const indexes = Array.from({ length: count }, (_, i) => i).filter((i) => i !== nanAt);
      expect(got?.length).toBe(count - 1);
      expect(got?.map((p) => p.time)).toEqual(indexes.map((i) => start + i * 60_000));
      got?.forEach((p, k) => expect(p.value).toBeCloseTo(expected(indexes[k] ?? -1), 3));
    } finally {
      await s.close();
    }
  });

  it('returns [] for a range without data and names the query when it is rejected', async () => {
    const s = source();
    try {
      const before = { start: start - 86_400_000, end: start - 3_600_000, stepSeconds: 60 };
      expect(await s.history?.(before, signal)).toEqual([]);
      const bad = source({ query: 'sum(' });
      await expect(bad.history?.({ start, end, stepSeconds: 60 }, signal)).rejects.toMatchObject({
        code: 'BadQuery',
        message: expect.stringMatching(
          /reading the history of prometheus query "sum\(".*parse error/,
        ),
      });
      await bad.close();
    } finally {
      await s.close();
    }
  });

  it('seeds a restarted scaler with two days and catches its planner up on six hours', async () => {
    const spec = scalerSpecSchema.parse({
      maxReplicas: 50,
      triggers: [
        {
          name: 'rps',
          type: 'prometheus',
          serverAddress: server?.url,
          query: 'sum(tide_hist_rps)',
          metricType: 'External',
          target: { type: 'AverageValue', value: 10 },
        },
      ],
    });
    const sources = openSources(spec, deps());
    try {
      const seeded = await seedFromHistory(spec, sources, new FakeClock(end), signal);
      expect(seeded.message).toMatch(/seeded the forecaster with 2880 points of history/);
      const forecast = seeded.state.forecast;
      if (!isPredictiveState(forecast)) throw new Error(seeded.message);
      expect(hasOneDay(forecast.forecaster)).toBe(true);
      // The last six hours again at the 15 s sync period (Prometheus answers each step from
      // the newest point of the minute): the headroom planner has scored its plans on them.
      expect(seeded.message).toMatch(
        /; caught the headroom planner up on 1441 readings from 2024-01-02T18:00:00\.000Z to 2024-01-03T00:00:00\.000Z: (confident|not confident yet)$/,
      );
      expect(forecast.headroom?.resolved).toBeGreaterThan(1000);
    } finally {
      await closeSources(sources);
    }
  });
});
