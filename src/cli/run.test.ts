import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { register } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'tide-run-'));
let port = 0;
const server = http.createServer((_req, res) => res.end(JSON.stringify({ queue: { depth: 45 } })));
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function tideRun(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const program = new Command().exitOverride();
  register(program);
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'tide', 'run', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const scalers = (trigger: string) =>
  `scalers:\n  - name: orders\n    minReplicas: 2\n    maxReplicas: 20\n    triggers:\n      - ${trigger}\n`;

/** A dry run of one tick at 3 replicas, reading the test server's queue depth (45) by HTTP. */
const oneTick = (name: string): string[] => {
  const trigger = `{name: depth, type: http, url: "http://127.0.0.1:${port}/q", valuePath: queue.depth, target: {type: AverageValue, value: 10}}`;
  return ['--dry-run', '--ticks', '1', '--replicas', '3', '-c', file(name, scalers(trigger))];
};

describe('tide run', () => {
  it('exits 1 without --dry-run when a scaler has no process target to act on', async () => {
    const { err, code } = await tideRun(
      '-c',
      file(
        'a.yaml',
        scalers('{type: redis, host: r, key: k, target: {type: AverageValue, value: 1}}'),
      ),
    );
    expect(code).toBe(1);
    expect(err).toContain(
      'scalers[0]: target is missing: tide run acts on a process target (target: {process: {command: ...}})',
    );
  });

  it('names a Kubernetes target it cannot act on, and every bad processOptions key', async () => {
    const text = scalers(
      '{type: redis, host: r, key: k, target: {type: AverageValue, value: 1}}',
    ).replace(
      '    minReplicas: 2\n',
      '    minReplicas: 2\n    target: {apiVersion: apps/v1, kind: Deployment, name: web}\n    processOptions: {drainSeconds: -1}\n',
    );
    const { err, code } = await tideRun('-c', file('a2.yaml', text));
    expect(code).toBe(1);
    expect(err).toContain('scalers[0]: processOptions: only for a process target');
    expect(err).toContain(
      'scalers[0]: target = Deployment/web: tide run acts only on process targets',
    );
  });

  it('reports every bad trigger config with its path and exits 1', async () => {
    const { err, code } = await tideRun(
      '--dry-run',
      '-c',
      file(
        'b.yaml',
        scalers('{type: redis, key: k, prot: 1, target: {type: AverageValue, value: 1}}'),
      ),
    );
    expect(code).toBe(1);
    expect(err).toContain('scalers[0]: triggers[0].host: missing');
    expect(err).toContain('scalers[0]: triggers[0].prot: unknown key for a redis trigger');
  });

  it('reads, decides and prints each decision with its reasons in a dry run', async () => {
    const { out, code } = await tideRun(...oneTick('c.yaml'));
    expect(code).toBe(0);
    // 45 / 10 per replica → 5 replicas, from 3 (within the scale-up limit of 3 + 4).
    expect(out).toContain('[orders] (dry run)');
    expect(out).toContain('scale up 3 → 5 replicas');
    expect(out).toContain('depth (http): proposes 5 from value 15');
  });

  it('ticks every sync period of the engine clock, which --time-scale runs faster', async () => {
    const args = oneTick('scaled.yaml').map((a) => (a === '1' ? '3' : a));
    // 15 s sync periods at 60x: ticks 250 ms apart in real time, 15 s apart on the engine's clock.
    const began = Date.now();
    const { out, code } = await tideRun(...args, '--time-scale', '60');
    const realSeconds = (Date.now() - began) / 1000;
    expect(code).toBe(0);
    const stamps = [...out.matchAll(/\(dry run\) (\S+Z)/g)].map((m) => Date.parse(m[1] ?? ''));
    expect(stamps).toHaveLength(3);
    const steps = stamps.slice(1).map((t, i) => (t - (stamps[i] ?? 0)) / 1000);
    for (const step of steps) expect(step).toBeGreaterThanOrEqual(15);
    // Two sync periods of the engine's clock took far less real time than 30 s.
    expect(steps.reduce((a, b) => a + b, 0)).toBeGreaterThan(2 * realSeconds);
  });

  it('names the flag and its variable on a bad option', async () => {
    const { err, code } = await tideRun('--dry-run', '--read-concurrency', '0', '-c', 'x.yaml');
    expect(code).toBe(1);
    expect(err).toContain('--read-concurrency / TIDE_READ_CONCURRENCY = "0"');
  });

  it('refuses two scalers of the same name', async () => {
    const one = scalers('{type: redis, host: r, key: k, target: {type: AverageValue, value: 1}}');
    const two = one.replace(/^scalers:\n/, '');
    const { err, code } = await tideRun('--dry-run', '-c', file('d.yaml', one + two));
    expect(code).toBe(1);
    expect(err).toContain(
      'scalers[1]: name = "orders": another scaler has it; names must be unique',
    );
  });

  it('serves /metrics while it runs and says where', async () => {
    const { err, code } = await tideRun(...oneTick('e.yaml'), '--metrics-address', '127.0.0.1:0');
    expect(code).toBe(0);
    expect(err).toMatch(
      /serving the dashboard \(\/\), \/api\/scalers, \/metrics, \/healthz and \/readyz on http:\/\/127\.0\.0\.1:\d+/,
    );
  });

  it('exits 1 when the metrics address is taken', async () => {
    const taken = `127.0.0.1:${port}`;
    const trigger = '{type: redis, host: r, key: k, target: {type: AverageValue, value: 1}}';
    const { err, code } = await tideRun(
      '--dry-run',
      '--metrics-address',
      taken,
      '-c',
      file('f.yaml', scalers(trigger)),
    );
    expect(code).toBe(1);
    expect(err).toContain(`--metrics-address ${taken}: cannot listen: listen EADDRINUSE`);
  });
});
