import { describe, expect, it } from 'vitest';
import { cpuReading, makePod, makePods, valueReading } from './fixtures.js';

const t0 = Date.UTC(2024, 0, 1);

describe('fixtures', () => {
  it('builds a long-ready pod with a 1000m request unless overridden', () => {
    expect(makePod('p', t0)).toEqual({
      name: 'p',
      phase: 'Running',
      deleted: false,
      startTime: t0,
      ready: { status: true, lastTransitionTime: t0 },
      containers: [{ name: 'app', requests: { cpu: 1000 } }],
    });
    expect(makePod('p', t0, { cpuRequestMilli: null, ready: null, startTime: null })).toMatchObject(
      {
        startTime: null,
        ready: null,
        containers: [{ name: 'app', requests: { cpu: null } }],
      },
    );
  });

  it('builds readings over pods', () => {
    const pods = makePods(2, t0);
    expect(pods.map((p) => p.name)).toEqual(['pod-0', 'pod-1']);
    const r = cpuReading(pods, (i) => 100 * (i + 1), t0);
    expect(r.status === 'ok' && r.podSamples?.map((s) => s.containers?.[0]?.usageMilli)).toEqual([
      100, 200,
    ]);
    expect(valueReading([1, 2], t0)).toEqual({ status: 'ok', timestamp: t0, valuesMilli: [1, 2] });
  });
});
