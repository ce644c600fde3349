import { describe, expect, it } from 'vitest';
import { createProxySource, proxySchema, proxyTraffic, type ProxyCounters } from './proxy.js';
import { isSourceError } from './source.js';

const t0 = Date.UTC(2024, 0, 1);
const signal = new AbortController().signal;

function source(
  metric: string,
  stats: () => ProxyCounters | undefined,
  engineTime?: (realMs: number) => number,
) {
  return createProxySource(proxySchema.parse({ metric }), {
    now: () => t0,
    env: {},
    proxyStats: () => stats() as ProxyCounters,
    engineTime,
  });
}

const replica = (
  name: string,
  counters: { requests: number; concurrencyMs: number; latencyMs: number },
  extra: { ready?: boolean; since?: number } = {},
) => ({
  name,
  ready: extra.ready ?? true,
  since: extra.since ?? t0,
  requestsTotal: counters.requests,
  concurrencyMsTotal: counters.concurrencyMs,
  latencyMsTotal: counters.latencyMs,
});

/** Two replicas over two reads 1 s and 3 s after the proxy started (both counted from t0). */
const snapshots: ProxyCounters[] = [
  {
    timestamp: t0 + 1000,
    since: t0,
    requestsTotal: 30,
    waitingMsTotal: 500,
    replicas: [
      replica('web-0', { requests: 20, concurrencyMs: 2000, latencyMs: 2000 }),
      replica('web-1', { requests: 10, concurrencyMs: 1000, latencyMs: 1000 }, { ready: false }),
    ],
  },
  {
    timestamp: t0 + 3000,
    since: t0,
    requestsTotal: 90,
    waitingMsTotal: 500,
    replicas: [
      // 40 more requests, 8000 request·ms more over 2 s: concurrency 4.
      replica('web-0', { requests: 60, concurrencyMs: 10_000, latencyMs: 6000 }),
      // Removed and added again at t0 + 2000: counted from then.
      replica(
        'web-1',
        { requests: 20, concurrencyMs: 3000, latencyMs: 4000 },
        { since: t0 + 2000 },
      ),
    ],
  },
];

async function readAll(metric: string) {
  let i = 0;
  const s = source(metric, () => snapshots[i++]);
  return [await s.read(signal), await s.read(signal)];
}

describe('proxy source', () => {
  it('stamps readings and measures windows in the engine time when its clock runs faster', async () => {
    const i = { n: 0 };
    const s = source(
      'concurrency',
      () => snapshots[i.n++],
      (ms) => t0 + (ms - t0) * 80,
    );
    const first = await s.read(signal);
    const second = await s.read(signal);
    // Rates stay per real second (same values as at scale 1); instants and windows are 80x.
    expect(first?.valuesMilli).toEqual([3500]);
    expect(first?.timestamp).toBe(t0 + 80_000);
    expect(first?.podSamples?.[0]?.windowSeconds).toBe(80);
    expect(second?.timestamp).toBe(t0 + 240_000);
    expect(second?.podSamples?.map((p) => [p.pod, p.valueMilli, p.windowSeconds])).toEqual([
      ['web-0', 4000, 160],
      ['web-1', 3000, 80],
    ]);
  });

  it('reads concurrency: every replica in flight plus those waiting, per ready replica', async () => {
    const [first, second] = await readAll('concurrency');
    // 2 + 1 in flight on average, plus 500 request·ms of waiting over 1 s = 3.5.
    expect(first?.valuesMilli).toEqual([3500]);
    expect(first?.podSamples).toEqual([
      { pod: 'web-0', timestamp: t0 + 1000, windowSeconds: 1, valueMilli: 2000 },
    ]);
    // web-0: 8000 / 2000 = 4; web-1 from its new start: 3000 / 1000 = 3.
    expect(second?.valuesMilli).toEqual([7000]);
    expect(second?.podSamples?.map((p) => [p.pod, p.valueMilli, p.windowSeconds])).toEqual([
      ['web-0', 4000, 2],
      ['web-1', 3000, 1],
    ]);
  });

  it('reads the request rate the proxy received', async () => {
    const [first, second] = await readAll('rps');
    expect(first?.valuesMilli).toEqual([30_000]);
    expect(second?.valuesMilli).toEqual([30_000]); // 60 requests in 2 s
    expect(second?.podSamples?.map((p) => p.valueMilli)).toEqual([20_000, 20_000]);
  });

  it('reads the mean latency of the requests answered since the last read', async () => {
    const [first, second] = await readAll('latency');
    expect(first?.valuesMilli).toEqual([100_000]); // 3000 ms over 30 requests
    expect(second?.valuesMilli).toEqual([133_333]); // (4000 + 4000) ms over 60 requests
  });

  it('fails with a Config error, never a zero, without a process target', async () => {
    const s = createProxySource(proxySchema.parse({}), { now: () => t0, env: {} });
    const error = await s.read(signal).catch((e: unknown) => e);
    expect(isSourceError(error) && error.code).toBe('Config');
    expect((error as Error).message).toContain('needs target: {process: {...}}');
  });

  it('refuses an unknown metric', () => {
    expect(proxySchema.safeParse({ metric: 'cpu' }).success).toBe(false);
  });
});

describe('proxyTraffic', () => {
  it('gives the request rate and mean latency since the previous call', () => {
    let i = 0;
    const read = (): ProxyCounters => snapshots[Math.min(i++, 1)]!;
    const measure = proxyTraffic(read);
    // From the proxy's start: 30 requests in 1 s, 3000 ms of latency over them.
    expect(measure()).toEqual({ rps: 30, latencyMs: 100 });
    // 60 more in 2 s; web-0 answered 40 (4000 ms), web-1 counted anew 20 (4000 ms).
    const second = measure();
    expect(second.rps).toBe(30);
    expect(second.latencyMs).toBeCloseTo(8000 / 60, 6);
    // Nothing new: no rate, and no latency rather than a zero one.
    expect(measure()).toEqual({ rps: 0, latencyMs: null });
  });
});
