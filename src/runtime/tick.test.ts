import { describe, expect, it } from 'vitest';
import { initialState } from '../core/model.js';
import { scalerSpecSchema } from '../core/spec.js';
import { SourceError, type Reading, type Source } from '../sources/source.js';
import { FakeClock } from './clock.js';
import { mapConcurrent, tick, toMetricReading } from './tick.js';

const t0 = Date.UTC(2024, 0, 1);
const spec = scalerSpecSchema.parse({
  minReplicas: 1,
  maxReplicas: 20,
  triggers: [
    { name: 'queue', type: 'redis', target: { type: 'AverageValue', value: 10 } },
    { name: 'rate', type: 'prometheus', target: { type: 'AverageValue', value: 100 } },
  ],
});

const value = (v: number): Source => ({
  read: () => Promise.resolve({ timestamp: t0, valuesMilli: [v * 1000] }),
  close: () => Promise.resolve(),
});
const failing = (e: Error): Source => ({
  read: () => Promise.reject(e),
  close: () => Promise.resolve(),
});
const hanging: Source = {
  read: () => new Promise<Reading>(() => undefined),
  close: () => Promise.resolve(),
};

const run = (sources: Record<string, Source>, currentReplicas = 4, readTimeoutMs = 1000) =>
  tick({
    spec,
    sources: new Map(Object.entries(sources)),
    state: initialState(),
    currentReplicas,
    clock: new FakeClock(t0),
    readConcurrency: 2,
    readTimeoutMs,
    signal: new AbortController().signal,
  });

describe('tick', () => {
  it('reads every trigger, builds the observation and decides', async () => {
    // queue: 120 / 10 per replica = 12; rate: 200 / 100 = 2 → max 12, limited by the default
    // scale-up policy to max(4 + 4 pods, 4 + 100 %) = 8.
    const { observation, decision, now } = await run({ queue: value(120), rate: value(200) });
    expect(now).toBe(t0);
    expect(observation.metrics).toEqual({
      queue: { status: 'ok', timestamp: t0, valuesMilli: [120_000] },
      rate: { status: 'ok', timestamp: t0, valuesMilli: [200_000] },
    });
    expect(decision.desiredReplicas).toBe(8);
    expect(decision.triggers.map((t) => t.replicas)).toEqual([12, 2]);
  });

  it.each([
    [
      'a SourceError',
      new SourceError('Unavailable', 'redis down'),
      { code: 'Unavailable', message: 'redis down', retryable: true },
    ],
    [
      'any other error',
      new TypeError('bug'),
      { code: 'Internal', message: 'bug', retryable: true },
    ],
  ])(
    'passes %s to the engine as a failed reading, never as zero',
    async (_what, error, expected) => {
      const { observation, decision } = await run({ queue: failing(error), rate: value(0) });
      expect(observation.metrics.queue).toEqual({ status: 'error', error: expected });
      // The working trigger alone would scale 4 → 1; a failed one blocks the scale-down.
      expect(decision.desiredReplicas).toBe(4);
    },
  );

  it('bounds a read that never answers with its own deadline', async () => {
    const { observation } = await run({ queue: hanging, rate: value(100) }, 4, 20);
    expect(observation.metrics.queue).toMatchObject({
      status: 'error',
      error: { code: 'Internal', message: 'trigger "queue": no reading within 20 ms' },
    });
  });

  it('puts the pods a source returns into the observation', async () => {
    const pod = {
      name: 'p1',
      phase: 'Running' as const,
      startTime: t0,
      ready: null,
      containers: [],
    };
    const source: Source = {
      read: () => Promise.resolve({ timestamp: t0, valuesMilli: [1000], pods: [pod] }),
      close: () => Promise.resolve(),
    };
    const { observation } = await run({ queue: source, rate: value(1) });
    expect(observation.pods).toEqual([pod]);
  });
});

describe('mapConcurrent', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapConcurrent([5, 1, 3, 2, 4], 2, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 30, 20, 40]);
    expect(peak).toBe(2);
  });
});

describe('toMetricReading', () => {
  it('keeps per-pod samples', () => {
    const podSamples = [{ pod: 'p', timestamp: t0, windowSeconds: 30, valueMilli: 5 }];
    expect(toMetricReading({ ok: true, reading: { timestamp: t0, podSamples } })).toEqual({
      status: 'ok',
      timestamp: t0,
      podSamples,
    });
  });
});
