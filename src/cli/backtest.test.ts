import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide } from '../core/decide.js';
import type { BacktestReport } from '../report/backtest-json.js';
import { type BacktestFlags, runBacktest } from './backtest.js';

const t0 = Date.UTC(2024, 0, 1);
const dir = mkdtempSync(join(tmpdir(), 'tide-backtest-'));

// A step: 30 min at 100 req/min, then 30 min at 400 req/min (the peak: 40 replicas).
const stepTrace = join(dir, 'step.csv');
writeFileSync(
  stepTrace,
  [
    'timestamp,value',
    ...Array.from({ length: 60 }, (_, i) => `${i * 60},${i < 30 ? 100 : 400}`),
  ].join('\n'),
);

function flags(extra: Partial<BacktestFlags> & Record<string, unknown> = {}): BacktestFlags {
  return {
    trace: [stepTrace],
    policy: [],
    spec: [],
    out: join(dir, 'report'),
    html: true,
    json: false,
    quiet: false,
    jobs: '1',
    ...extra,
  };
}

function io(tty = false) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { isTTY: tty, write: (s: string) => err.push(s) },
      now: () => t0,
      decide,
    },
  };
}

describe('tide backtest', () => {
  it('prints the report as JSON with every policy and the parameters, and writes the files', async () => {
    const run = io();
    await runBacktest(flags({ json: true, policy: ['oracle,hpa', 'static-peak'] }), run.io);
    const report = JSON.parse(run.out.join('')) as BacktestReport;
    expect(report.parameters).toMatchObject({
      stepSeconds: 15,
      peakReplicas: 40,
      startupSeconds: 60,
    });
    expect(report.policies).toEqual(['oracle', 'hpa', 'static-peak']);
    const trace = report.traces[0]!;
    expect(trace.name).toBe('step');
    expect(trace.steps).toBe(240);
    const [oracle, hpa, peak] = trace.results;
    for (const r of trace.results) {
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining([
          'policy',
          'tauU',
          'thetaU',
          'tauO',
          'thetaO',
          'instability',
          'sloViolationMinutes',
          'requestsOverCapacity',
          'replicaHours',
          'oracleRatio',
          'actionsPerHour',
        ]),
      );
    }
    expect(oracle).toMatchObject({ policy: 'oracle', ok: true, tauU: 0, oracleRatio: 1 });
    // static-peak holds 40 replicas for 1 h = 40 replica-hours, never under.
    expect(peak).toMatchObject({ policy: 'static-peak', ok: true, tauU: 0, replicaHours: 40 });
    // the HPA lags the step up: some under-provisioning, and it costs more than the oracle.
    expect(hpa?.ok && hpa.tauU).toBeGreaterThan(0);
    expect(hpa?.ok && hpa.oracleRatio).toBeGreaterThan(1);
    expect(JSON.parse(readFileSync(join(dir, 'report', 'report.json'), 'utf8'))).toEqual(report);
    expect(existsSync(join(dir, 'report', 'index.html'))).toBe(true);
  });

  it('prints a table per trace with the parameters it ran with', async () => {
    const run = io();
    await runBacktest(flags({ policy: ['oracle,hpa-fast'], startupSeconds: '30' }), run.io);
    const text = run.out.join('');
    expect(text).toContain('model: step 15 s, peakReplicas 40, sloUtilization 0.9, startup 30 s');
    expect(text).toMatch(/^oracle\s+0\.0/m);
    expect(text).toMatch(/^hpa-fast\s+\d/m);
  });

  it('takes the user spec as one more policy', async () => {
    const spec = join(dir, 'mine.yaml');
    writeFileSync(spec, 'name: mine\nminReplicas: 3\nmaxReplicas: 3\n');
    const run = io();
    const report = await runBacktest(flags({ json: true, spec: [spec] }), run.io);
    expect(report.policies).toEqual(['oracle', 'mine']);
    expect(report.traces[0]?.results[1]).toMatchObject({
      policy: 'mine',
      ok: true,
      replicaHours: 3,
    });
    expect(run.err.join('')).toContain(
      "policy mine: maxReplicas 3 is below the 40 replicas each trace's peak needs (--peak-replicas)",
    );
  });

  it('says nothing of bounds when the spec can reach the peak', async () => {
    const spec = join(dir, 'roomy.yaml');
    writeFileSync(spec, 'name: roomy\nmaxReplicas: 40\n');
    const run = io();
    await runBacktest(flags({ json: true, spec: [spec], peakReplicas: '40' }), run.io);
    expect(run.err).toEqual([]);
  });

  it.each([
    [{ peakReplicas: '0' }, '--peak-replicas = 0'],
    [{ step: 'fast' }, '--step = "fast", must be a number'],
    [{ scrapeSeconds: '20' }, '--scrape-seconds = 20, must be a whole multiple of --step (15)'],
    [{ policy: ['hpa,nope'] }, 'policy = "nope": not a baseline'],
    [{ trace: ['no-such-trace'] }, 'trace = "no-such-trace": neither a file nor a bundled trace'],
    [{ prometheus: 'http://127.0.0.1:1', trace: [] }, '--prometheus needs --query, --start, --end'],
  ])('rejects %j', async (extra, message) => {
    await expect(runBacktest(flags(extra), io().io)).rejects.toThrow(message);
  });

  it('draws no progress bar when stderr is not a terminal', async () => {
    const run = io(false);
    await runBacktest(flags({ policy: ['oracle'] }), run.io);
    expect(run.err).toEqual([]);
  });
});
