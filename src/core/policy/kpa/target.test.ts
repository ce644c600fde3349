import { describe, expect, it } from 'vitest';
import { defaultTargetConfig, resolveMetricTarget, scalingMetric } from './target.js';

const k = (name: string): string => `autoscaling.knative.dev/${name}`;

describe('resolveMetricTarget (production defaults)', () => {
  it.each([
    ['concurrency default: 100 × 70 %', 0, {}, 70, 100],
    ['container concurrency is the total', 10, {}, 7, 10],
    ['target annotation replaces the default', 0, { [k('target')]: '50' }, 35, 50],
    ['container concurrency caps the annotation', 10, { [k('target')]: '50' }, 7, 10],
    ['rps default: 200 × 70 %', 0, { [k('metric')]: 'rps' }, 140, 200],
    ['rps ignores container concurrency', 5, { [k('metric')]: 'rps', [k('target')]: '50' }, 35, 50],
    ['utilization annotation', 0, { [k('target-utilization-percentage')]: '50' }, 50, 100],
    [
      'floor of 0.01',
      0,
      { [k('target')]: '0.01', [k('target-utilization-percentage')]: '1' },
      0.01,
      0.01,
    ],
    ['target below 0.01 is ignored', 0, { [k('target')]: '0.001' }, 70, 100],
    ['unparsable annotations are ignored', 0, { [k('target')]: 'lots' }, 70, 100],
  ])('%s', (...[, cc, annotations, target, total]) => {
    const got = resolveMetricTarget({
      containerConcurrency: cc,
      annotations,
      config: defaultTargetConfig,
    });
    expect(got.total).toBe(total);
    expect(got.target).toBeCloseTo(target, 12);
  });

  it.each([
    [{}, 'concurrency'],
    [{ [k('metric')]: 'rps' }, 'rps'],
    [{ [k('metric')]: 'concurrency' }, 'concurrency'],
  ])('metric of %j is %s', (annotations, metric) => {
    expect(scalingMetric(annotations)).toBe(metric);
  });
});
