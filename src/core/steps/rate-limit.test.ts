import { describe, expect, it } from 'vitest';
import type { ScaleEvent, ScalingPolicy } from '../model.js';
import { defaultScaleDownPolicies, defaultScaleUpPolicies } from '../spec.js';
import {
  convertDesiredReplicasWithBehaviorRate,
  scaleDownLimit,
  scaleUpLimit,
  type EffectiveRules,
  type RateLimitInput,
} from './rate-limit.js';

const t0 = Date.UTC(2024, 0, 1);
const ev = (change: number, s: number): ScaleEvent => ({
  change,
  timestamp: t0 + s * 1000,
  outdated: false,
});
const rules = (
  policies: readonly ScalingPolicy[],
  selectPolicy: EffectiveRules['selectPolicy'] = 'Max',
) => ({ policies, selectPolicy });
const pods = (value: number, periodSeconds = 60): ScalingPolicy => ({
  type: 'Pods',
  value,
  periodSeconds,
});
const percent = (value: number, periodSeconds = 60): ScalingPolicy => ({
  type: 'Percent',
  value,
  periodSeconds,
});

describe('scaleUpLimit', () => {
  it.each<[string, number, ReturnType<typeof rules>, ScaleEvent[], ScaleEvent[], number]>([
    ['defaults: max(+4, +100 %)', 10, rules(defaultScaleUpPolicies), [], [], 20],
    ['Percent rounds up (1 % of 3 still adds one)', 3, rules([percent(1)]), [], [], 4],
    ['Min picks the smallest proposal', 1, rules([pods(2), percent(50)], 'Min'), [], [], 2],
    ['Disabled: no scale-up', 7, rules([pods(2)], 'Disabled'), [], [], 7],
    ['recent scale-ups shrink the budget', 10, rules([pods(5)]), [ev(3, -30)], [], 12],
    [
      'recent scale-downs count too (period start = current − added + removed)',
      10,
      rules([pods(5)]),
      [ev(2, -30)],
      [ev(4, -30)],
      17,
    ],
    ['an event exactly one period old is outside', 10, rules([pods(5)]), [ev(3, -60)], [], 15],
  ])('%s', (...row) => {
    const [, current, r, up, down, limit] = row;
    expect(
      scaleUpLimit({ current, rules: r, scaleUpEvents: up, scaleDownEvents: down, now: t0 }),
    ).toBe(limit);
  });
});

describe('scaleDownLimit', () => {
  it.each<[string, number, ReturnType<typeof rules>, ScaleEvent[], ScaleEvent[], number]>([
    ['defaults: −100 %', 10, rules(defaultScaleDownPolicies), [], [], 0],
    ['Percent truncates', 5, rules([percent(30)]), [], [], 3],
    [
      'Min picks the largest proposal (smallest change)',
      5,
      rules([pods(2), percent(50)], 'Min'),
      [],
      [],
      3,
    ],
    [
      'Max picks the smallest proposal (largest change)',
      5,
      rules([pods(2), percent(50)]),
      [],
      [],
      2,
    ],
    ['Disabled: no scale-down', 7, rules([pods(2)], 'Disabled'), [], [], 7],
    [
      'both lists set the period start',
      10,
      rules([percent(50, 180)]),
      [ev(2, -60)],
      [ev(4, -60)],
      6,
    ],
  ])('%s', (...row) => {
    const [, current, r, up, down, limit] = row;
    expect(
      scaleDownLimit({ current, rules: r, scaleUpEvents: up, scaleDownEvents: down, now: t0 }),
    ).toBe(limit);
  });
});

describe('convertDesiredReplicasWithBehaviorRate', () => {
  const base: Omit<RateLimitInput, 'current' | 'desired'> = {
    minReplicas: 1,
    maxReplicas: 1000,
    scaleUp: rules(defaultScaleUpPolicies),
    scaleDown: rules(defaultScaleDownPolicies),
    scaleUpEvents: [],
    scaleDownEvents: [],
    now: t0,
  };
  it.each<[string, number, number, Partial<typeof base>, number, string]>([
    ['within range', 5, 7, {}, 7, 'DesiredWithinRange'],
    ['unchanged: nothing is clamped', 5, 5, { minReplicas: 8 }, 5, 'DesiredWithinRange'],
    ['scale-up limited by the policies', 10, 50, {}, 20, 'ScaleUpLimit'],
    ['scale-up limited by maxReplicas', 20, 1000, { maxReplicas: 10 }, 10, 'TooManyReplicas'],
    [
      'scale-down limited by the policies',
      10,
      2,
      { scaleDown: rules([pods(5)]) },
      5,
      'ScaleDownLimit',
    ],
    ['scale-down limited by minReplicas', 10, 0, {}, 1, 'TooFewReplicas'],
    [
      'a scale-up never goes below current',
      100,
      200,
      { scaleUp: rules([pods(5)]), scaleUpEvents: [ev(20, -10)] },
      100,
      'ScaleUpLimit',
    ],
    [
      'a scale-down never goes above current',
      100,
      2,
      { scaleDown: rules([pods(5, 120)]), scaleDownEvents: [ev(15, -20)] },
      100,
      'ScaleDownLimit',
    ],
  ])('%s', (...row) => {
    const [, current, desired, extra, replicas, code] = row;
    const r = convertDesiredReplicasWithBehaviorRate({ ...base, ...extra, current, desired });
    expect(r.replicas).toBe(replicas);
    expect(r.reason.code).toBe(code);
    expect(r.reason.replicas).toBe(replicas);
  });
});
