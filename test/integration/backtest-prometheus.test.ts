/**
 * The backtest's Prometheus input against a real Prometheus on 127.0.0.1: a bundled trace is
 * written as OpenMetrics (its rate, req/s, at each row's timestamp), turned into TSDB blocks with
 * `promtool tsdb create-blocks-from openmetrics`, served by `prometheus`, and read back through
 * the backtest's Prometheus source (what `tide backtest --prometheus` uses). The backtest from the
 * range query must equal the one from the CSV.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide.js';
import { backtest, resolvePolicies } from '../../src/sim/backtest.js';
import { defaultSimParams } from '../../src/sim/params.js';
import { fetchPrometheusTrace } from '../../src/sim/prometheus.js';
import type { Trace } from '../../src/sim/trace.js';
import { loadTraceFile } from '../../src/sim/trace-files.js';
import { startTsdbPrometheus, type TsdbPrometheus } from './prometheus-tsdb.js';

const root = join(import.meta.dirname, '../..');
const traceName = 'azure_functions2019_sample500_http_1min';
const csvPath = join(root, 'traces', `${traceName}.csv`);
/** 2024-01-01T00:00:00Z: the CSV backtest's default start, so both runs see the same clock. */
const base = Date.UTC(2024, 0, 1) / 1000;
let server: TsdbPrometheus | undefined;
let url = '';

/** The trace's rows as an OpenMetrics gauge of req/s at base + timestamp. */
function openMetrics(csv: string): { text: string; last: number; interval: number } {
  const rows = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number) as [number, number]);
  const interval = (rows[1]?.[0] ?? 0) - (rows[0]?.[0] ?? 0);
  const lines = [
    '# HELP tide_trace_requests_per_second a bundled trace, as a rate',
    '# TYPE tide_trace_requests_per_second gauge',
  ];
  for (const [t, v] of rows)
    lines.push(`tide_trace_requests_per_second ${v / interval} ${base + t}`);
  lines.push('# EOF');
  return { text: `${lines.join('\n')}\n`, last: rows.at(-1)?.[0] ?? 0, interval };
}

const params = defaultSimParams();
const policies = resolvePolicies(
  ['oracle', 'hpa', 'hpa-fast', 'target-tracking', 'static-peak'],
  params,
);
const run = (trace: Trace) => backtest({ trace, params, policies, decide });

beforeAll(async () => {
  const { text, last, interval } = openMetrics(readFileSync(csvPath, 'utf8'));
  server = await startTsdbPrometheus(text);
  url = server.url;
  expect(last % interval).toBe(0);
});

afterAll(() => {
  server?.stop();
});

describe('backtest from Prometheus', () => {
  it('equals the backtest of the same trace read from its CSV', async () => {
    const fromCsv = run(await loadTraceFile(csvPath));
    const trace = await fetchPrometheusTrace({
      url,
      query: 'tide_trace_requests_per_second',
      start: String(base),
      end: String(base + 479 * 60),
      stepSeconds: 60,
    });
    expect(trace.startEpochMs).toBe(base * 1000);
    expect(trace.timestamps.length).toBe(480);
    const fromProm = run(trace);
    expect(fromProm.model.steps).toBe(fromCsv.model.steps);
    expect(fromProm.startMs).toBe(fromCsv.startMs);
    expect(Array.from(fromProm.model.required)).toEqual(Array.from(fromCsv.model.required));
    expect(fromProm.oracleReplicaHours).toBeCloseTo(fromCsv.oracleReplicaHours, 9);
    fromProm.policies.forEach((r, i) => {
      const c = fromCsv.policies[i]!;
      expect(r.name).toBe(c.name);
      if (!r.ok || !c.ok) throw new Error(`${r.name} failed`);
      expect(Array.from(r.record.asked), r.name).toEqual(Array.from(c.record.asked));
      for (const [key, value] of Object.entries(c.scores)) {
        const got = r.scores[key as keyof typeof r.scores];
        if (typeof value === 'number') expect(got, `${r.name}.${key}`).toBeCloseTo(value, 6);
      }
    });
    // And the backtest did something: the HPA lags this trace's spikes.
    const hpa = fromCsv.policies.find((r) => r.name === 'hpa');
    expect(hpa?.ok === true && hpa.scores.tauU).toBeGreaterThan(0);
  });

  it('names the query and the server when Prometheus rejects the query', async () => {
    await expect(
      fetchPrometheusTrace({
        url,
        query: 'sum(',
        start: String(base),
        end: String(base + 600),
        stepSeconds: 60,
      }),
    ).rejects.toThrow(
      /querying Prometheus at http:\/\/127\.0\.0\.1:\d+ for "sum\(": .*parse error/,
    );
  });
});
