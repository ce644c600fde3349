/**
 * The process target with real processes and real HTTP on 127.0.0.1: examples/cpu-service.mjs
 * run as replicas behind the pool's reverse proxy.
 */
import http from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ProcessPool,
  processTargetOptionsSchema,
  type PoolLog,
} from '../../src/targets/process-pool.js';
import { alive, get, startLoad, until } from './load.js';

const service = join(import.meta.dirname, '../../examples/cpu-service.mjs');
let nextBase = 21_000 + Math.floor(Math.random() * 2000) * 10;

interface Logged {
  readonly level: string;
  readonly message: string;
  readonly fields: object;
}

function recorder(): { log: PoolLog; lines: Logged[] } {
  const lines: Logged[] = [];
  const at =
    (level: string) =>
    (fields: object, message: string): void => {
      lines.push({ level, message, fields });
    };
  return {
    lines,
    log: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') },
  };
}

const pools: ProcessPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

async function startPool(
  options: Record<string, unknown>,
  process: { command?: string; args?: string[] } = {},
  replicas = 2,
): Promise<{ pool: ProcessPool; url: string; lines: Logged[] }> {
  const { log, lines } = recorder();
  nextBase += 10;
  const pool = new ProcessPool({
    name: 'web',
    process: {
      command: process.command ?? 'node',
      args: process.args ?? [service],
      basePort: nextBase,
      listenPort: 0,
    },
    options: processTargetOptionsSchema.parse({
      healthCheck: { type: 'http', path: '/healthz' },
      healthCheckPeriodMs: 50,
      drainSeconds: 5,
      stopSeconds: 2,
      restartBackoff: { initialMs: 200, maxMs: 2000 },
      output: 'ignore',
      ...options,
    }),
    env: { PATH: globalThis.process.env.PATH },
    log,
  });
  pools.push(pool);
  const port = await pool.start(replicas);
  return { pool, url: `http://127.0.0.1:${port}`, lines };
}

const readyCount = (pool: ProcessPool): number =>
  pool.pods().filter((p) => p.ready?.status === true).length;

describe('ProcessPool', () => {
  it('serves through the proxy only once the health check passes, and counts every request', async () => {
    const { pool, url } = await startPool({ env: { STARTUP_DELAY_MS: '400', WORK_MS: '5' } });
    expect(pool.currentReplicas()).toBe(2);
    expect(readyCount(pool)).toBe(0);
    // Sent before any replica is ready: it waits for one instead of failing.
    const early = get(`${url}/early`);
    await until('both replicas ready', () => readyCount(pool) === 2);
    expect((await early).status).toBe(200);
    const load = startLoad(`${url}/work`, 4);
    await until('200 answers', () => load.result.replicas.length >= 200);
    const result = await load.stop();
    expect(result.errors).toBe(0);
    expect(result.byStatus).toEqual({ 200: result.sent });
    // Both replicas served (least outstanding spreads the load).
    expect(new Set(result.replicas)).toEqual(new Set([0, 1]));
    const stats = pool.stats();
    // Exactly what the load generator sent, plus the early request.
    expect(stats.requestsTotal).toBe(result.sent + 1);
    expect(stats.replicas.reduce((s, r) => s + r.requestsTotal, 0)).toBe(result.sent + 1);
    expect(stats.proxyErrorsTotal).toBe(0);
  });

  it('streams request bodies to the replica', async () => {
    const { pool, url } = await startPool({ env: { WORK_MS: '0' } }, {}, 1);
    await until('ready', () => readyCount(pool) === 1);
    const size = 8 * 1024 * 1024;
    const answer = await new Promise<string>((resolve, reject) => {
      const req = http.request(`${url}/upload`, { method: 'POST' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 7);
      for (let sent = 0; sent < size; sent += chunk.length) req.write(chunk);
      req.end();
    });
    expect(JSON.parse(answer)).toMatchObject({ bytes: size });
  });

  it('drops no request and answers no 5xx while scaling down under steady load', async () => {
    const { pool, url } = await startPool({ env: { WORK_MS: '10' } }, {}, 3);
    await until('3 ready', () => readyCount(pool) === 3);
    const load = startLoad(`${url}/work`, 6);
    await until('load running', () => load.result.sent > 50);
    const pids = pool.processIds();
    await pool.scale(1);
    expect(pool.currentReplicas()).toBe(1);
    await until('two replicas drained and stopped', () => pool.processIds().length === 1);
    const after = load.result.sent;
    await until('more load after the scale-down', () => load.result.sent > after + 100);
    const result = await load.stop();
    expect(result.errors).toBe(0);
    expect(result.byStatus).toEqual({ 200: result.sent });
    expect(pids.filter(alive)).toEqual(pool.processIds());
  });

  it('restarts a replica killed with SIGKILL, moving its traffic away meanwhile', async () => {
    const { pool, url, lines } = await startPool({ env: { WORK_MS: '5' } }, {}, 2);
    await until('2 ready', () => readyCount(pool) === 2);
    const load = startLoad(`${url}/work`, 4);
    await until('load running', () => load.result.replicas.length > 50);
    const before = new Set(pool.processIds());
    const victim = [...before][0] as number;
    process.kill(victim, 'SIGKILL');
    await until('the replica is out of the rotation', () => readyCount(pool) === 1);
    const mark = load.result.replicas.length;
    await until('answers while it is down', () => load.result.replicas.length > mark + 20);
    await until('restarted and ready again', () => readyCount(pool) === 2, 10_000);
    const restarted = pool.processIds().filter((pid) => !before.has(pid));
    expect(restarted).toHaveLength(1);
    const result = await load.stop();
    // Bodiless GETs that the killed replica was serving are retried once on the other replica,
    // so none should fail; the bound the proxy promises is the requests in flight on the victim
    // at the kill (at most the 4 the load generator keeps in flight).
    const failed = result.errors + (result.sent - (result.byStatus[200] ?? 0));
    expect(failed).toBeLessThanOrEqual(4);
    expect(alive(victim)).toBe(false);
    expect(lines.filter((l) => l.message === 'replica crashed: restarting it')).toHaveLength(1);
  });

  it('gives one clear error for a command that cannot start, and backs off its restarts', async () => {
    const script = "console.error('fatal: no config file at /etc/nothing'); process.exit(3)";
    const { pool, lines } = await startPool({}, { args: ['-e', script] }, 2);
    await until('the problem is known', () => pool.problem() !== null);
    const problem = pool.problem();
    expect(problem?.reason).toBe('ReplicaFailedToStart');
    expect(problem?.message).toContain('exited with status 3');
    expect(problem?.message).toContain('fatal: no config file at /etc/nothing');
    expect(problem?.message).toContain('node -e');
    // Backoff 200, 400, 800, 1600 ms: in 2.5 s at most 4 starts per replica, never a storm.
    await new Promise((r) => setTimeout(r, 2500));
    const starts = lines.filter((l) => l.message === 'replica starting').length;
    expect(starts).toBeGreaterThanOrEqual(4);
    expect(starts).toBeLessThanOrEqual(10);
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(pool.currentReplicas()).toBe(2);
  });

  it('names a command that does not exist', async () => {
    const { pool } = await startPool({}, { command: 'tide-no-such-command-x', args: [] }, 1);
    await until('the problem is known', () => pool.problem() !== null);
    expect(pool.problem()?.message).toContain('tide-no-such-command-x');
    expect(pool.problem()?.message).toContain('ENOENT');
  });

  it('leaves no process behind when closed, even one that ignores SIGTERM', async () => {
    const stubborn =
      "process.on('SIGTERM', () => {}); require('http').createServer((q, s) => s.end('{}')).listen(process.env.PORT, '127.0.0.1')";
    const { pool } = await startPool(
      { healthCheck: { type: 'tcp' }, stopSeconds: 1 },
      { args: ['-e', stubborn] },
      2,
    );
    await until('2 ready', () => readyCount(pool) === 2);
    const pids = pool.processIds();
    expect(pids).toHaveLength(2);
    await pool.close();
    expect(pids.filter(alive)).toEqual([]);
  });
});
