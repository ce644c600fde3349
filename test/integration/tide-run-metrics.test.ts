/**
 * `tide run --metrics-address` as a user runs it: the built CLI reads a trigger from the real
 * Prometheus, decides each second, and the same Prometheus scrapes Tide's own /metrics
 * (scripts/services/prometheus.sh has the `tide-run` job on TIDE_RUN_METRICS_PORT). The series a
 * dashboard would chart are read back through Prometheus' query API.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverFromEnv, testEnv } from './env.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/src/cli/index.js');
const prometheus = serverFromEnv('TIDE_TEST_PROMETHEUS');
const metricsPort = Number(process.env.TIDE_RUN_METRICS_PORT ?? '19102');
const auth = `Basic ${Buffer.from('tide:tide-test-password').toString('base64')}`;

const spec = `scalers:
  - name: checkout
    minReplicas: 1
    maxReplicas: 20
    syncPeriodSeconds: 1
    triggers:
      - name: rps
        type: prometheus
        serverAddress: http://${prometheus.host}:${prometheus.port}
        query: vector(450)
        username: tide
        password: {fromEnv: TIDE_TEST_SECRET}
        target: {type: AverageValue, value: 100}
    prediction: {mode: forecastOnly}
`;

let child: ChildProcess;
let stderr = '';
let exited: Promise<number | null>;

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'tide-run-metrics-'));
  const file = join(dir, 'scalers.yaml');
  writeFileSync(file, spec);
  const args = ['run', '-c', file, '--dry-run', '--no-history', '--replicas', '3'];
  child = spawn(process.execPath, [cli, ...args, '--metrics-address', `127.0.0.1:${metricsPort}`], {
    env: { ...process.env, ...testEnv() },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (let i = 0; i < 100 && !stderr.includes('serving the dashboard'); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!stderr.includes('serving the dashboard'))
    throw new Error(`tide run did not serve:\n${stderr}`);
});

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await exited;
});

/** One instant-query value from Prometheus; undefined while the series is absent. */
async function query(promql: string): Promise<number | undefined> {
  const url = `http://${prometheus.host}:${prometheus.port}/api/v1/query?query=${encodeURIComponent(promql)}`;
  const res = await fetch(url, { headers: { authorization: auth } });
  const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
  const value = body.data.result[0]?.value[1];
  return value === undefined ? undefined : Number(value);
}

/** Polls until Prometheus has scraped the series at the wanted value (it scrapes every second). */
async function scraped(promql: string, want: number): Promise<void> {
  let seen: number | undefined;
  for (let i = 0; i < 150; i++) {
    seen = await query(promql);
    if (seen === want) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${promql}: last seen ${String(seen)}, want ${want}\n${stderr}`);
}

describe('tide run --metrics-address, scraped by a real Prometheus', () => {
  it('is scraped and reports the decision and its trigger', async () => {
    await scraped('up{job="tide-run"}', 1);
    // vector(450) against 100 per replica → 5 replicas, from the 3 it was told it runs.
    await scraped('tide_desired_replicas{scaler="checkout"}', 5);
    await scraped('tide_current_replicas{scaler="checkout"}', 3);
    // External AverageValue: the total over the 3 replicas.
    await scraped('tide_trigger_value{scaler="checkout",trigger="rps"}', 150);
    await scraped('tide_trigger_replicas{scaler="checkout",trigger="rps"}', 5);
    await scraped('tide_decisions_total{scaler="checkout",result="rescale"} > bool 0', 1);
    // forecastOnly never acts: Predicting is False.
    await scraped('tide_condition{scaler="checkout",condition="Predicting",status="false"}', 1);
  });

  it('serves health and readiness, and never shows the source’s credentials', async () => {
    const base = `http://127.0.0.1:${metricsPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).not.toContain('tide-test-password');
    expect(text).not.toContain(`${prometheus.port}`);
  });

  it('stops on SIGTERM, exit 0, and the endpoint goes away', async () => {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${metricsPort}/healthz`)).rejects.toThrow();
  });
});
