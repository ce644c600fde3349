import { describe, expect, it } from 'vitest';
import { convertDesiredReplicasWithRules } from './clamp.js';

describe('convertDesiredReplicasWithRules (legacy)', () => {
  it.each<[string, number, number, number, number, number, number, string]>([
    ['within range', 5, 7, 3, 8, 2, 7, 'DesiredWithinRange'],
    ['below min', 3, 1, 2, 8, 2, 2, 'TooFewReplicas'],
    ['above max, the max binds', 20, 1000, 1, 10, 2, 10, 'TooManyReplicas'],
    ['the limit max(2 × 3, 4) = 6 binds', 3, 1000, 1, 2000, 2, 6, 'ScaleUpLimit'],
    ['the minimum 4 binds from 1', 1, 50, 1, 100, 2, 4, 'ScaleUpLimit'],
    ['from zero (min 0) the minimum 4 applies', 0, 9, 0, 100, 2, 4, 'ScaleUpLimit'],
    ['the unit-test factor 8', 3, 1000, 1, 2000, 8, 24, 'ScaleUpLimit'],
  ])('%s', (...row) => {
    const [, current, desired, minReplicas, maxReplicas, factor, replicas, code] = row;
    const r = convertDesiredReplicasWithRules({
      current,
      desired,
      minReplicas,
      maxReplicas,
      scaleUpLimitFactor: factor,
      scaleUpLimitMinimum: 4,
    });
    expect(r).toMatchObject({ replicas, reason: { step: 'clamp', code, replicas } });
  });
});
