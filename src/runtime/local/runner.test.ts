import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { initialState } from '../../core/model.js';
import { isPredictiveState } from '../../core/prediction/seasonal.js';
import { scalerSpecSchema } from '../../core/spec.js';
import type { Source } from '../../sources/source.js';
import type { Target } from '../../targets/target.js';
import { FakeClock } from '../clock.js';
import { createLogger } from '../log.js';
import type { TickResult } from '../tick.js';
import { closeSources, openSources, runScalerLoop, withTargetProblem } from './runner.js';

const t0 = Date.UTC(2024, 0, 1);

describe('runScalerLoop', () => {
  it('ticks every syncPeriodSeconds on the clock, carrying the state', async () => {
    const spec = scalerSpecSchema.parse({
      syncPeriodSeconds: 30,
      maxReplicas: 50,
      triggers: [{ name: 'q', type: 'redis', target: { type: 'AverageValue', value: 10 } }],
    });
    const values = [100, 300, 50];
    let reads = 0;
    const source: Source = {
      read: () => Promise.resolve({ timestamp: t0, valuesMilli: [(values[reads++] ?? 0) * 1000] }),
      close: () => Promise.resolve(),
    };
    const clock = new FakeClock(t0);
    const results: TickResult[] = [];
    const loop = runScalerLoop({
      spec,
      sources: new Map([['q', source]]),
      clock,
      signal: new AbortController().signal,
      currentReplicas: () => 5,
      readConcurrency: 1,
      readTimeoutMs: 1000,
      ticks: 3,
      onTick: (r) => results.push(r),
    });
    while (results.length < 3) {
      await new Promise((r) => setTimeout(r, 1));
      if (clock.sleeping > 0) clock.advance(30_000);
    }
    expect(await loop).toBe(3);
    expect(results.map((r) => r.now)).toEqual([t0, t0 + 30_000, t0 + 60_000]);
    // Current stays 5 (dry run): 10 and 30 are limited to 5 + 100 % = 10; 5 equals the current.
    expect(results.map((r) => r.decision.desiredReplicas)).toEqual([10, 10, 5]);
    expect(results.map((r) => r.decision.triggers[0]?.replicas)).toEqual([10, 30, 5]);
    // The third decision remembers the seed and every earlier recommendation: state is carried.
    expect(results[2]?.decision.state.recommendations?.length).toBe(4);
  });

  it('stops when its signal aborts during a sleep', async () => {
    const spec = scalerSpecSchema.parse({ triggers: [] });
    const controller = new AbortController();
    const clock = new FakeClock(t0);
    const loop = runScalerLoop({
      spec,
      sources: new Map(),
      clock,
      signal: controller.signal,
      currentReplicas: () => 1,
      readConcurrency: 1,
      readTimeoutMs: 10,
      onTick: () => undefined,
    });
    while (clock.sleeping === 0) await new Promise((r) => setTimeout(r, 1));
    controller.abort();
    expect(await loop).toBe(1);
  });
});

describe('runScalerLoop with history', () => {
  const spec = scalerSpecSchema.parse({
    maxReplicas: 50,
    triggers: [{ name: 'q', type: 'redis', target: { type: 'AverageValue', value: 10 } }],
  });
  const day = 86_400_000;
  const samples = Array.from({ length: 2880 }, (_, i) => ({
    time: t0 - 2 * day + (i + 1) * 60_000,
    value: 100,
  }));

  it.each([
    [undefined, 1, 576],
    [false, 0, 0],
  ])(
    'readHistory %s: %d note(s), %d buckets at the first tick',
    async (readHistory, notes, min) => {
      const source: Source = {
        read: () => Promise.resolve({ timestamp: t0, valuesMilli: [100_000] }),
        history: () => Promise.resolve(samples),
        close: () => Promise.resolve(),
      };
      const seen: string[] = [];
      const results: TickResult[] = [];
      await runScalerLoop({
        spec,
        sources: new Map([['q', source]]),
        clock: new FakeClock(t0),
        signal: new AbortController().signal,
        currentReplicas: () => 10,
        readConcurrency: 1,
        readTimeoutMs: 1000,
        ticks: 1,
        readHistory,
        onNote: (m) => seen.push(m),
        onTick: (r) => results.push(r),
      });
      expect(seen).toHaveLength(notes);
      if (notes > 0) expect(seen[0]).toMatch(/seeded the forecaster with 2880 points/);
      const forecast = results[0]?.decision.state.forecast;
      const length = isPredictiveState(forecast) ? forecast.forecaster.history.length : 0;
      expect(length).toBeGreaterThanOrEqual(min);
      expect(length).toBeLessThanOrEqual(min === 0 ? 0 : 576);
    },
  );
});

describe('openSources', () => {
  it('opens a source per trigger, none for cron triggers', async () => {
    const spec = scalerSpecSchema.parse({
      triggers: [
        {
          name: 'q',
          type: 'redis',
          host: '127.0.0.1',
          key: 'jobs',
          target: { type: 'AverageValue', value: 10 },
        },
        {
          name: 'office',
          type: 'cron',
          timezone: 'UTC',
          start: '0 8 * * *',
          end: '0 18 * * *',
          desiredReplicas: 3,
        },
      ],
    });
    const sources = openSources(spec, { now: () => t0, env: {} });
    expect([...sources.keys()]).toEqual(['q']);
    for (const s of sources.values()) await s.close();
  });

  it('refuses a trigger whose config is invalid', () => {
    const spec = scalerSpecSchema.parse({
      triggers: [{ name: 'q', type: 'redis', target: { type: 'AverageValue', value: 10 } }],
    });
    expect(() => openSources(spec, { now: () => t0, env: {} })).toThrow(
      /trigger "q"\.key = missing/,
    );
  });
});

describe('runScalerLoop with a target', () => {
  it('scales only when the count changes, logs each change and trigger failure once, never a secret', async () => {
    const token = 'tok-s3cret-77';
    let reads = 0;
    const server = http.createServer((req, res) => {
      reads += 1;
      if (reads <= 2) {
        res.statusCode = 500;
        res.end(`upstream rejected ${req.headers.authorization ?? ''}`);
        return;
      }
      res.end(JSON.stringify({ depth: 50 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const spec = scalerSpecSchema.parse({
      name: 'orders',
      minReplicas: 2,
      maxReplicas: 20,
      prediction: { mode: 'off' },
      triggers: [
        {
          name: 'depth',
          type: 'http',
          url: `http://127.0.0.1:${port}/q`,
          valuePath: 'depth',
          bearerToken: { fromEnv: 'TOKEN' },
          target: { type: 'AverageValue', value: 10 },
        },
      ],
    });
    const sources = openSources(spec, { now: () => Date.now(), env: { TOKEN: token } });
    let replicas = 2;
    const scaled: number[] = [];
    const target: Target = {
      currentReplicas: () => replicas,
      scale: (n) => {
        scaled.push(n);
        replicas = n;
        return Promise.resolve();
      },
      problem: () => null,
      close: () => Promise.resolve(),
    };
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done): void {
        chunks.push(chunk.toString());
        done();
      },
    });
    const clock = new FakeClock(t0);
    const results: TickResult[] = [];
    const loop = runScalerLoop({
      spec,
      name: 'orders',
      sources,
      clock,
      signal: new AbortController().signal,
      currentReplicas: () => -1,
      target,
      log: createLogger({ level: 'info', destination: sink }),
      readConcurrency: 1,
      readTimeoutMs: 5000,
      ticks: 4,
      readHistory: false,
      onTick: (r) => results.push(r),
    });
    while (results.length < 4) {
      await new Promise((r) => setTimeout(r, 2));
      if (clock.sleeping > 0) clock.advance(15_000);
    }
    await loop;
    await closeSources(sources);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // 50 / 10 → 5 at the third tick; the fourth asks for 5 again and changes nothing.
    expect(scaled).toEqual([5]);
    expect(results.map((r) => r.observation.currentReplicas)).toEqual([2, 2, 2, 5]);
    const lines = chunks.join('').split('\n').filter(Boolean);
    const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toEqual([
      'trigger read failed',
      'trigger reads again',
      'decided to scale from 2 to 5',
      'scaled from 2 to 5',
    ]);
    expect(lines[0]).toContain('HTTP 500');
    expect(lines.join('\n')).not.toContain(token);
  });

  it('puts the target’s problem in the AbleToScale condition', () => {
    const decision = {
      desiredReplicas: 1,
      valid: true,
      reasons: [],
      conditions: [],
      triggers: [],
      state: initialState(),
    };
    const problem = { reason: 'ReplicaFailedToStart', message: 'command "x" exited with status 1' };
    expect(withTargetProblem(decision, problem).conditions).toEqual([
      { type: 'AbleToScale', status: 'False', ...problem },
    ]);
    expect(withTargetProblem(decision, null)).toBe(decision);
  });
});
