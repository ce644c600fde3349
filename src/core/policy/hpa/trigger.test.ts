import { describe, expect, it } from 'vitest';
import { cpuReading, makePods, valueReading } from '../../fixtures.js';
import type { MetricReading, Observation, TriggerSpec } from '../../model.js';
import { evaluateHpaTrigger } from './trigger.js';

const t0 = Date.UTC(2024, 0, 1);
const pods = makePods(3, t0 - 3_600_000);

function trigger(extra: Partial<TriggerSpec>): TriggerSpec {
  return {
    name: 't',
    type: 'resource',
    metricType: 'Resource',
    resource: 'cpu',
    target: { type: 'Utilization', value: 50 },
    activation: 0,
    config: {},
    ...extra,
  };
}

function evaluate(t: TriggerSpec, reading: MetricReading | undefined, current = 3) {
  const observation: Observation = {
    currentReplicas: current,
    pods,
    metrics: reading === undefined ? {} : { t: reading },
  };
  return evaluateHpaTrigger(t, {
    observation,
    tolerance: { scaleDown: 0.1, scaleUp: 0.1 },
    cpuInitializationPeriodSeconds: 300,
    initialReadinessDelaySeconds: 30,
    now: t0,
  });
}

const external = trigger({
  type: 'prometheus',
  metricType: 'External',
  target: { type: 'Value', value: 10 },
});

describe('evaluateHpaTrigger', () => {
  it.each<[string, TriggerSpec, MetricReading, number, number]>([
    [
      'Resource Utilization: value is the percent',
      trigger({}),
      cpuReading(pods, () => 1000, t0),
      6,
      100,
    ],
    [
      'Resource AverageValue: value in cores',
      trigger({ target: { type: 'AverageValue', value: 0.25 } }),
      cpuReading(pods, () => 500, t0),
      6,
      0.5,
    ],
    [
      'External Value: the sum of the series',
      external,
      valueReading([10_000, 5_000, 15_000], t0),
      9,
      30,
    ],
    [
      'External AverageValue: per status replica',
      trigger({ type: 'x', metricType: 'External', target: { type: 'AverageValue', value: 10 } }),
      valueReading([60_000], t0),
      6,
      20,
    ],
    [
      'Object Value: the single value',
      trigger({ type: 'x', metricType: 'Object', target: { type: 'Value', value: 10 } }),
      valueReading([20_000], t0),
      6,
      20,
    ],
  ])('%s', (...row) => {
    const [, t, reading, replicas, value] = row;
    const r = evaluate(t, reading);
    expect(r.failureReason).toBeNull();
    expect(r.outcome).toMatchObject({ replicas, value, active: true, error: null });
  });

  it.each<[string, TriggerSpec, MetricReading | undefined, string, string]>([
    ['no reading', external, undefined, 'MissingReading', 'FailedGetExternalMetric'],
    [
      'a failed reading',
      external,
      { status: 'error', error: { code: 'Timeout', message: 'slow', retryable: true } },
      'Timeout',
      'FailedGetExternalMetric',
    ],
    [
      'a NaN value',
      external,
      valueReading([Number.NaN], t0),
      'InvalidMetricValue',
      'FailedGetExternalMetric',
    ],
    [
      'an infinite value',
      external,
      valueReading([Number.POSITIVE_INFINITY], t0),
      'InvalidMetricValue',
      'FailedGetExternalMetric',
    ],
    [
      'a negative value',
      external,
      valueReading([-1], t0),
      'InvalidMetricValue',
      'FailedGetExternalMetric',
    ],
    [
      'a negative pod usage',
      trigger({}),
      cpuReading(pods, () => -5, t0),
      'InvalidMetricValue',
      'FailedGetResourceMetric',
    ],
    ['no series', external, valueReading([], t0), 'CalculationFailed', 'FailedGetExternalMetric'],
    [
      'an unknown metric type',
      trigger({ metricType: 'CheddarCheese' as TriggerSpec['metricType'] }),
      valueReading([1], t0),
      'InvalidMetricSourceType',
      'InvalidMetricSourceType',
    ],
    [
      'a Pods metric without samples',
      trigger({ metricType: 'Pods', target: { type: 'AverageValue', value: 1 } }),
      valueReading([1], t0),
      'CalculationFailed',
      'FailedGetPodsMetric',
    ],
  ])('fails on %s', (...row) => {
    const [, t, reading, code, reason] = row;
    const r = evaluate(t, reading);
    expect(r.outcome.replicas).toBeNull();
    expect(r.outcome.active).toBe(false);
    expect(r.outcome.error?.code).toBe(code);
    expect(r.failureReason).toBe(reason);
  });

  it.each([
    [10, false],
    [9.999, true],
  ])('is active only strictly above the activation threshold (%d)', (activation, active) => {
    const r = evaluate({ ...external, activation }, valueReading([10_000], t0));
    expect(r.outcome.active).toBe(active);
  });
});
