import { describe, expect, it } from 'vitest';
import type { PodSample } from '../../model.js';
import { customPodMetrics, resourcePodMetrics } from './pod-metrics.js';

const t0 = Date.UTC(2024, 0, 1);
const sample = (containers: PodSample['containers']): PodSample => ({
  pod: 'p',
  timestamp: t0,
  windowSeconds: 60,
  ...(containers === undefined ? {} : { containers }),
});

describe('resourcePodMetrics', () => {
  it.each<[string, PodSample['containers'], string | null, number | undefined]>([
    [
      'sums every container',
      [
        { name: 'a', usageMilli: 300 },
        { name: 'b', usageMilli: 200 },
      ],
      null,
      500,
    ],
    [
      'a container without usage makes the pod missing',
      [
        { name: 'a', usageMilli: 300 },
        { name: '', usageMilli: null },
      ],
      null,
      undefined,
    ],
    ['a sample without containers is missing', [], null, undefined],
    [
      'a scoped container counts alone',
      [
        { name: 'a', usageMilli: 300 },
        { name: 'b', usageMilli: 200 },
      ],
      'b',
      200,
    ],
    ['an absent scoped container is missing', [{ name: 'a', usageMilli: 300 }], 'b', undefined],
  ])('%s', (_name, containers, container, expected) => {
    const m = resourcePodMetrics([sample(containers)], container);
    expect(m.get('p')?.value).toBe(expected);
  });

  it('keeps the sample time and window', () => {
    const m = resourcePodMetrics([sample([{ name: 'a', usageMilli: 1 }])], null);
    expect(m.get('p')).toEqual({ value: 1, timestamp: t0, windowMs: 60_000 });
  });
});

describe('customPodMetrics', () => {
  it('reads valueMilli and skips samples without one', () => {
    const m = customPodMetrics([
      { pod: 'a', timestamp: t0, windowSeconds: 30, valueMilli: 20_000 },
      { pod: 'b', timestamp: t0, windowSeconds: 30 },
    ]);
    expect([...m.entries()]).toEqual([['a', { value: 20_000, timestamp: t0, windowMs: 30_000 }]]);
  });
});
