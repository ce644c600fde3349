import { describe, expect, it } from 'vitest';
import { isActiveValue, scalerActivity } from './activation.js';
import { annotationFlag, isPaused } from './annotations.js';
import { hpaHealth } from './hpa-health.js';
import { metricTargetType, readingToMilli, syntheticToMilli } from './metric-value.js';
import { scaledObjectState } from './object-state.js';
import { triggersActivity } from './triggers-activity.js';

describe('activation', () => {
  it.each([
    [0, 0, false],
    [0.0001, 0, false], // below milli precision: stored as 0
    [0.001, 0, true],
    [5, 5, false],
    [5.001, 5, true],
    [-3, -5, true],
    [NaN, 0, false],
  ])('value %d over threshold %d: %s', (value, threshold, active) => {
    expect(isActiveValue(value, threshold)).toBe(active);
  });

  it('a failed read is never active', () => {
    expect(scalerActivity({ value: null, activationThreshold: 0, error: 'boom' })).toEqual({
      error: 'boom',
      active: false,
      valueMilli: 0,
    });
  });
});

describe('metric values', () => {
  it.each([
    [1.2345, 1235],
    [-1, 0],
    [NaN, 0],
    [Infinity, 0],
    [42.5, 42500],
  ])('readingToMilli(%d) = %d', (v, m) => {
    expect(readingToMilli(v)).toBe(m);
  });
  it('synthetic values truncate', () => {
    expect(syntheticToMilli(1.9999)).toBe(1999);
  });
  it('Utilization is rejected for external triggers', () => {
    expect(metricTargetType('Utilization').ok).toBe(false);
    expect(metricTargetType(null)).toEqual({ ok: true, type: 'AverageValue' });
  });
});

describe('annotations', () => {
  it.each([
    [undefined, false],
    ['true', true],
    ['false', false],
    ['0', false],
    ['banana', true],
  ])('paused-scale-in %j → %s', (v, expected) => {
    const a = v === undefined ? {} : { 'autoscaling.keda.sh/paused-scale-in': v };
    expect(annotationFlag(a, 'autoscaling.keda.sh/paused-scale-in')).toBe(expected);
  });
  it('any paused-replicas value pauses', () => {
    expect(isPaused({ 'autoscaling.keda.sh/paused-replicas': 'x' })).toBe(true);
    expect(isPaused({ 'autoscaling.keda.sh/paused': 'false' })).toBe(false);
  });
});

describe('hpaHealth', () => {
  it('Unknown ScalingActive counts as not active', () => {
    expect(
      hpaHealth({
        hpaName: 'h',
        readError: false,
        conditions: [{ type: 'ScalingActive', status: 'Unknown', reason: 'X', message: 'm' }],
      }),
    ).toEqual({
      status: 'False',
      reason: 'X',
      message: 'HPA is not actively scaling: m',
    });
  });
});

describe('scaledObjectState', () => {
  const ext = (
    outcome: Parameters<typeof scaledObjectState>[0]['triggers'][number]['outcome'],
  ) => ({ type: 'prometheus', metricNames: ['s0-m'], outcome });
  it.each([
    ['one active', [ext({ values: { 's0-m': 3 }, isActive: true })], null, true, false],
    ['inactive', [ext({ values: { 's0-m': 0 }, isActive: false })], null, false, false],
    ['error', [ext({ error: 'x' })], null, false, true],
    ['cpu only', [{ type: 'cpu', metricNames: [], outcome: null }], null, true, false],
    [
      'cpu and an erroring trigger',
      [{ type: 'cpu', metricNames: [], outcome: null }, ext({ error: 'x' })],
      null,
      false,
      true,
    ],
    [
      'composite above activation',
      [ext({ values: { 's0-m': 3 }, isActive: false })],
      { valueMilli: 3000, activationTargetMilli: 2000 },
      true,
      false,
    ],
    [
      'composite at activation',
      [ext({ values: { 's0-m': 3 }, isActive: true })],
      { valueMilli: 2000, activationTargetMilli: 2000 },
      false,
      false,
    ],
    [
      'composite error',
      [ext({ values: { 's0-m': 3 }, isActive: true })],
      { valueMilli: null, activationTargetMilli: 0 },
      false,
      true,
    ],
  ] as const)('%s', (...[, triggers, composite, isActive, isError]) => {
    const s = scaledObjectState({ triggers, composite });
    expect([s.isActive, s.isError]).toEqual([isActive, isError]);
  });
});

describe('triggersActivity', () => {
  it('drops removed triggers and keeps others on a push update', () => {
    expect(
      triggersActivity({
        metricNames: ['a', 'b'],
        previous: { a: true, b: true, old: true },
        activeTriggers: ['b'],
        pushMetric: 'a',
      }),
    ).toEqual({ a: false, b: true });
  });
});
