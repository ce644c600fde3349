/**
 * `tide run` acting on a process target, as a user runs it: the built CLI starts
 * examples/cpu-service.mjs replicas behind its proxy, scales them as an `http` trigger (a test
 * server on 127.0.0.1 whose value the test sets) asks, and stops every one on SIGTERM.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, get, startLoad, until } from './load.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/src/cli/index.js');
const service = join(root, 'examples/cpu-service.mjs');
const dir = mkdtempSync(join(tmpdir(), 'tide-run-process-'));
const base = 23_000 + Math.floor(Math.random() * 500) * 10;

let value = 5;
const metric = http.createServer((_req, res) => res.end(JSON.stringify({ value })));
let metricUrl = '';

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  await new Promise<void>((resolve) => metric.listen(0, '127.0.0.1', resolve));
  metricUrl = `http://127.0.0.1:${(metric.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => metric.close(() => resolve())));

interface Run {
  readonly child: ChildProcess;
  readonly lines: () => Record<string, unknown>[];
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

const httpTrigger = (): string =>
  `{name: load, type: http, url: "${metricUrl}", valuePath: value, target: {type: AverageValue, value: 10}}`;

function config(name: string, process: string, extra = '', trigger = httpTrigger()): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `scalers:
  - name: web
    minReplicas: 1
    maxReplicas: 4
    syncPeriodSeconds: 1
    target: {process: ${process}}
    triggers:
      - ${trigger}
    behavior: {scaleDown: {stabilizationWindowSeconds: 0}}
    prediction: {mode: off}
    processOptions:
      healthCheck: {type: http, path: /healthz}
      healthCheckPeriodMs: 50
      drainSeconds: 2
      stopSeconds: 2
      restartBackoff: {initialMs: 500, maxMs: 4000}
      output: ignore
${extra}`,
  );
  return path;
}

function tideRun(file: string, ...args: string[]): Run {
  const child = spawn(
    process.execPath,
    [cli, 'run', '-c', file, '--no-history', '--log-level', 'debug', ...args],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const lines = (): Record<string, unknown>[] =>
    stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, lines, stderr: () => stderr, exited };
}

/**
 * After a failed assertion: SIGTERM (the runner stops its replicas), SIGKILL only if it is still
 * there 15 s later, since a SIGKILLed runner cannot stop them.
 */
async function stopRun(run: Run): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return;
  run.child.kill('SIGTERM');
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 15_000);
  await run.exited;
  clearTimeout(timer);
}

const count = (run: Run, msg: string): number => run.lines().filter((l) => l.msg === msg).length;

describe('tide run with a process target', () => {
  const listen = base;
  const file = (): string =>
    config(
      'web.yaml',
      `{command: node, args: ["${service}"], basePort: ${base + 1}, listenPort: ${listen}}`,
    );

  it('scales the replicas as the trigger asks, and leaves no process behind on SIGTERM', async () => {
    value = 5;
    const run = tideRun(file());
    try {
      await until('one replica ready', () => count(run, 'replica ready') === 1, 20_000);
      expect((await get(`http://127.0.0.1:${listen}/x`)).status).toBe(200);
      value = 30; // 30 / 10 per replica → 3
      await until('scaled to 3', () => count(run, 'scaled from 1 to 3') === 1, 20_000);
      await until('three replicas ready', () => count(run, 'replica ready') === 3, 20_000);
      const decided = run.lines().find((l) => l.msg === 'decided to scale from 1 to 3');
      expect(decided?.reasons).toEqual(expect.arrayContaining([expect.stringContaining('load')]));
      const seen = new Set<number>();
      for (let i = 0; i < 30; i++) {
        const answer = await get(`http://127.0.0.1:${listen}/x`);
        seen.add((JSON.parse(answer.body) as { replica: number }).replica);
      }
      expect(seen).toEqual(new Set([0, 1, 2]));
      value = 10; // → 1
      await until('scaled to 1', () => count(run, 'scaled from 3 to 1') === 1, 20_000);
      await until('two replicas stopped', () => count(run, 'replica stopped') === 2, 20_000);
      // Applied only when the count changes: two scale actions in all these ticks.
      expect(run.lines().filter((l) => String(l.msg).startsWith('scaled from'))).toHaveLength(2);
      const pids = run
        .lines()
        .flatMap((l) => (l.msg === 'replica starting' ? [l.pid as number] : []));
      expect(pids).toHaveLength(3);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(pids.filter(alive)).toEqual([]);
      await expect(get(`http://127.0.0.1:${listen}/x`)).rejects.toThrow();
    } finally {
      await stopRun(run);
    }
  });

  it('says once, clearly, that a command cannot start, and does not scale in a loop', async () => {
    value = 5;
    const bad = `{command: node, args: ["-e", "console.error('listen: missing TLS key'); process.exit(4)"], basePort: ${base + 11}, listenPort: ${base + 10}}`;
    // A secret in the replicas' environment is never logged.
    const secret = '      env: {API_KEY: "k3y-s3cret-91"}\n';
    const run = tideRun(config('bad.yaml', bad, secret), '--metrics-address', '127.0.0.1:0');
    try {
      await until('serving', () => run.stderr().includes('serving the dashboard'), 20_000);
      const port = /http:\/\/127\.0\.0\.1:(\d+)/.exec(run.stderr())?.[1];
      await until('three restarts', () => count(run, 'replica starting') >= 3, 20_000);
      const errors = run.lines().filter((l) => l.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]?.msg).toContain('exited with status 4 before its health check passed');
      expect(errors[0]?.msg).toContain('listen: missing TLS key');
      expect(errors[0]?.msg).toContain('node -e');
      expect(run.lines().filter((l) => String(l.msg).startsWith('decided to scale'))).toEqual([]);
      const api = await get(`http://127.0.0.1:${port}/api/scalers`);
      const views = (
        JSON.parse(api.body) as {
          scalers: { conditions: { type: string; status: string; reason: string }[] }[];
        }
      ).scalers;
      expect(views[0]?.conditions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            type: 'AbleToScale',
            status: 'False',
            reason: 'ReplicaFailedToStart',
          }),
        ]),
      );
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.stderr()).not.toContain('k3y-s3cret-91');
    } finally {
      await stopRun(run);
    }
  });

  it.each([
    ['hpa', '', /inflight/],
    [
      'kpa',
      '    policy: kpa\n    kpa: {stableWindowSeconds: 6, targetUtilizationPercentage: 100}\n',
      /Kpa(Stable|Panic)/,
    ],
  ])(
    'policy %s on the proxy source: replicas rise under real load and fall after it',
    async (policy, extra, reason) => {
      const port = base + (policy === 'hpa' ? 20 : 30);
      const process = `{command: node, args: ["${service}"], basePort: ${port + 1}, listenPort: ${port}}`;
      // Two requests in flight per replica; each takes 20 ms of CPU.
      const trigger =
        '{name: inflight, type: proxy, metric: concurrency, target: {type: AverageValue, value: 2}}';
      const yaml = config(
        `${policy}.yaml`,
        process,
        `      env: {WORK_MS: "20"}\n${extra}`,
        trigger,
      );
      const run = tideRun(yaml);
      try {
        await until('one replica ready', () => count(run, 'replica ready') === 1, 20_000);
        // Six requests kept in flight → 6 / 2 = 3 replicas.
        const load = startLoad(`http://127.0.0.1:${port}/work`, 6);
        const risen = (): boolean =>
          run.lines().some((l) => /^scaled from \d+ to [34]$/.test(String(l.msg)));
        await until('replicas rise under load', risen, 30_000);
        await until(
          'the new replicas serve',
          () => new Set(load.result.replicas).size >= 3,
          30_000,
        );
        const result = await load.stop();
        const fell = (): boolean =>
          run.lines().some((l) => /^scaled from \d+ to 1$/.test(String(l.msg)));
        await until('replicas fall after the load', fell, 40_000);
        expect(result.errors).toBe(0);
        expect(result.byStatus).toEqual({ 200: result.sent });
        const decided = run.lines().find((l) => /^decided to scale from 1 to/.test(String(l.msg)));
        expect(JSON.stringify(decided?.reasons)).toMatch(reason);
        run.child.kill('SIGTERM');
        expect(await run.exited).toBe(0);
      } finally {
        await stopRun(run);
      }
    },
  );
});
