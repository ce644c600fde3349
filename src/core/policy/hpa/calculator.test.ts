import { describe, expect, it } from 'vitest';
import { cpuReading, makePods } from '../../fixtures.js';
import type { PodSample } from '../../model.js';
import {
  getMetricReplicas,
  getRawResourceReplicas,
  getResourceReplicas,
  type PodMetricInput,
} from './calculator.js';

const t0 = Date.UTC(2024, 0, 1);
const since = t0 - 3_600_000;

function input(
  n: number,
  usage: (i: number) => number,
  extra: Partial<PodMetricInput> = {},
): PodMetricInput {
  const pods = makePods(n, since);
  const reading = cpuReading(pods, usage, t0);
  return {
    currentReplicas: n,
    pods,
    samples: reading.status === 'ok' ? (reading.podSamples ?? []) : [],
    tolerance: { scaleDown: 0.1, scaleUp: 0.1 },
    cpuInitializationPeriodMs: 300_000,
    initialReadinessDelayMs: 30_000,
    now: t0,
    ...extra,
  };
}
const cpu = { resource: 'cpu' as const, container: null };

describe('getResourceReplicas', () => {
  it('scales by the truncated utilization ratio and reports the first pass', () => {
    // usage 300/500/700 of 1000m, target 30 % → U = 50 → ceil(1.67 × 3) = 5.
    const r = getResourceReplicas(
      input(3, (i) => 300 + 200 * i),
      { ...cpu, targetUtilization: 30 },
    );
    expect(r).toEqual({
      ok: true,
      replicas: 5,
      utilization: 50,
      rawAverageMilli: 500,
      timestamp: t0 - 15_000,
    });
  });

  it.each<[string, PodMetricInput, string]>([
    [
      'the metrics API returned nothing',
      input(2, () => 1, { samples: [] }),
      'unable to get metrics for resource cpu: no metrics returned from resource metrics API',
    ],
    [
      'no pod matches',
      input(2, () => 1, { pods: [] }),
      'no pods returned by selector while calculating replica count',
    ],
    [
      'every pod is unready',
      input(2, () => 1, {
        pods: makePods(2, since, { ready: { status: false, lastTransitionTime: since + 5_000 } }),
      }),
      'did not receive metrics for targeted pods (pods might be unready)',
    ],
    [
      'a pod has no request',
      input(2, () => 1, { pods: makePods(2, since, { cpuRequestMilli: null }) }),
      'missing request for cpu in container app of Pod pod-0',
    ],
  ])('fails when %s', (_name, i, error) => {
    expect(getResourceReplicas(i, { ...cpu, targetUtilization: 50 })).toEqual({ ok: false, error });
  });
});

describe('getRawResourceReplicas', () => {
  it('averages usage per pod against an AverageValue target', () => {
    // average 800m against 400m → ratio 2 → 4 pods.
    expect(
      getRawResourceReplicas(
        input(2, () => 800),
        { ...cpu, targetAverageMilli: 400 },
      ),
    ).toMatchObject({
      ok: true,
      replicas: 4,
      usageMilli: 800,
    });
  });
});

describe('getMetricReplicas', () => {
  const samples = (values: number[]): PodSample[] =>
    values.map((v, i) => ({ pod: `pod-${i}`, timestamp: t0, windowSeconds: 60, valueMilli: v }));

  it('uses the plain average of Pods metrics', () => {
    const r = getMetricReplicas(
      input(3, () => 0, { samples: samples([20_000, 10_000, 30_000]) }),
      {
        metricName: 'qps',
        targetAverageMilli: 15_000,
      },
    );
    expect(r).toEqual({ ok: true, replicas: 4, usageMilli: 20_000, timestamp: t0 });
  });

  it('fails when the custom metrics API returned nothing', () => {
    const r = getMetricReplicas(
      input(3, () => 0, { samples: [] }),
      { metricName: 'qps', targetAverageMilli: 1 },
    );
    expect(r).toEqual({
      ok: false,
      error: 'unable to get metric qps: no metrics returned from custom metrics API',
    });
  });
});
