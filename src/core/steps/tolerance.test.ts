import { describe, expect, it } from 'vitest';
import { defaultSpec } from '../spec.js';
import { resolveTolerance, withinTolerance } from './tolerance.js';

describe('withinTolerance', () => {
  const tol = { scaleDown: 0.1, scaleUp: 0.1 };
  it.each([
    [1, true],
    [0.9, true],
    [1.1, true],
    [0.8999, false],
    [1.1001, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
  ])('ratio %d → %s', (ratio, within) => {
    expect(withinTolerance(ratio, tol)).toBe(within);
  });

  it('applies each direction on its own side of 1.0', () => {
    const asym = { scaleDown: 0.36, scaleUp: 2 };
    expect(withinTolerance(1.3, asym)).toBe(true);
    expect(withinTolerance(0.64, asym)).toBe(true);
    expect(withinTolerance(0.63, asym)).toBe(false);
  });
});

describe('resolveTolerance', () => {
  it('uses the controller flag unless a behavior direction overrides it', () => {
    const spec = defaultSpec();
    expect(resolveTolerance(spec)).toEqual({ scaleDown: 0.1, scaleUp: 0.1 });
    const behavior = spec.behavior ?? { scaleUp: {}, scaleDown: {} };
    const tuned = {
      ...spec,
      behavior: { ...behavior, scaleUp: { ...behavior.scaleUp, tolerance: 0.05 } },
    };
    expect(resolveTolerance(tuned as typeof spec)).toEqual({ scaleDown: 0.1, scaleUp: 0.05 });
    expect(resolveTolerance({ ...spec, behavior: null })).toEqual({ scaleDown: 0.1, scaleUp: 0.1 });
  });
});
