import { describe, expect, it } from 'vitest';
import {
  countFailures,
  fallbackConditionTrue,
  fallbackReplicas,
  fallbackValue,
  readWithFallback,
  type FallbackConfig,
  type MetricReadInput,
} from './fallback.js';

const fb = (behavior: FallbackConfig['behavior'] = 'static'): FallbackConfig => ({
  failureThreshold: 3,
  replicas: 6,
  behavior,
});

describe('fallbackReplicas', () => {
  it.each<[FallbackConfig['behavior'], number | null, number | string]>([
    ['static', null, 6],
    [null, 2, 6],
    ['currentReplicas', 2, 2],
    ['currentReplicasIfHigher', 2, 6],
    ['currentReplicasIfHigher', 9, 9],
    ['currentReplicasIfLower', 2, 2],
    ['currentReplicasIfLower', 9, 6],
    [
      'currentReplicas',
      null,
      'fallback.behavior = currentReplicas needs the current replica count, which could not be read',
    ],
  ])('%s with current %j', (behavior, current, expected) => {
    const r = fallbackReplicas(fb(behavior), current);
    expect(r.ok ? r.value : r.error).toBe(expected);
  });
});

describe('fallbackValue', () => {
  it.each([
    ['AverageValue', 3, 5, null, 15],
    ['Value', 3, 5, 5, 3],
    ['Value', 3, 0.1, 7, 0.042], // 3/7 × 0.1 = 0.04285… truncated to milli
    ['AverageValue', 3, 0.3333, null, 0.999],
  ] as const)(
    '%s: %d replicas × target %d (ready %j) = %d',
    (...[type, replicas, value, readyPods, expected]) => {
      expect(fallbackValue({ replicas, target: { type, value }, readyPods })).toEqual({
        ok: true,
        value: expected,
      });
    },
  );

  it('a Value target with no ready pod cannot fall back', () => {
    expect(
      fallbackValue({ replicas: 3, target: { type: 'Value', value: 5 }, readyPods: 0 }).ok,
    ).toBe(false);
  });
});

describe('readWithFallback', () => {
  const input: MetricReadInput = {
    fallback: fb(),
    metricName: 'm',
    target: { type: 'AverageValue', value: 10 },
    health: {},
    result: { error: 'down' },
    currentReplicas: 4,
    readyPods: null,
  };

  it('passes errors through until the threshold is exceeded, then serves replicas × target', () => {
    let health = input.health;
    const seen: (string | number | null)[] = [];
    for (let i = 0; i < 5; i += 1) {
      const out = readWithFallback({ ...input, health });
      health = out.health;
      seen.push(out.error ?? out.values?.[0] ?? null);
    }
    expect(seen).toEqual(['down', 'down', 'down', 60, 60]);
    expect(health).toEqual({ m: { numberOfFailures: 5, status: 'Failing' } });
    expect(fallbackConditionTrue(health, input.fallback)).toBe(true);
  });

  it('one success resets the count', () => {
    const out = readWithFallback({
      ...input,
      health: { m: { numberOfFailures: 9, status: 'Failing' } },
      result: { values: [1] },
    });
    expect(out.health.m).toEqual({ numberOfFailures: 0, status: 'Happy' });
    expect(fallbackConditionTrue(out.health, input.fallback)).toBe(false);
  });

  it('scalingModifiers behavior yields the -1 placeholder for the formula', () => {
    const out = readWithFallback({
      ...input,
      fallback: fb('scalingModifiers'),
      health: { m: { numberOfFailures: 3, status: 'Failing' } },
    });
    expect(out.values).toEqual([-1]);
  });

  it('an invalid fallback (negative threshold) is not tracked', () => {
    const out = readWithFallback({ ...input, fallback: { ...fb(), failureThreshold: -1 } });
    expect(out).toMatchObject({ error: 'down', healthWritten: false });
  });

  it('countFailures', () => {
    expect([countFailures(2, true), countFailures(2, false)]).toEqual([3, 0]);
  });
});
