import { describe, expect, it } from 'vitest';
import type { PodMetrics } from './pod-metrics.js';
import { metricUsageRatio, resourceUtilizationRatio } from './usage-ratio.js';

const metrics = (values: Record<string, number>): PodMetrics =>
  new Map(
    Object.entries(values).map(([pod, value]) => [pod, { value, timestamp: 0, windowMs: 0 }]),
  );

describe('resourceUtilizationRatio', () => {
  it('truncates utilization to an integer percent before the ratio', () => {
    const r = resourceUtilizationRatio(
      metrics({ a: 1400, b: 1400 }),
      new Map([
        ['a', 5000],
        ['b', 5000],
      ]),
      50,
    );
    // 2800 / 10000 = 28 % (not 28.0…), ratio 28 / 50 = 0.56.
    expect(r).toEqual({ ratio: 0.56, utilization: 28, rawAverageMilli: 1400 });
  });

  it('ignores samples of pods without a request (superfluous metrics)', () => {
    const r = resourceUtilizationRatio(
      metrics({ a: 500, ghost: 9000 }),
      new Map([['a', 1000]]),
      100,
    );
    expect(r).toEqual({ ratio: 0.5, utilization: 50, rawAverageMilli: 500 });
  });

  it('is an error when no sample matches a known pod', () => {
    expect(resourceUtilizationRatio(metrics({ ghost: 1 }), new Map([['a', 1000]]), 50)).toBe(
      'no metrics returned matched known pods',
    );
  });

  it.each([
    [999, 1000, 99],
    [1001, 1000, 100],
    [1, 3, 33],
  ])('usage %d over request %d → %d %%', (usage, request, percent) => {
    const r = resourceUtilizationRatio(metrics({ a: usage }), new Map([['a', request]]), 100);
    expect(typeof r === 'string' ? r : r.utilization).toBe(percent);
  });
});

describe('metricUsageRatio', () => {
  it('averages every sample, superfluous ones included, with integer truncation', () => {
    expect(metricUsageRatio(metrics({ a: 20_000, b: 21_000, c: 21_000 }), 20_000)).toEqual({
      ratio: 20_666 / 20_000,
      averageMilli: 20_666,
    });
  });
});
