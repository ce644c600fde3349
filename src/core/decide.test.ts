import { describe, expect, it } from 'vitest';
import { decide } from './decide.js';
import { initialState, type Observation, type PodInfo, type ScalerState } from './model.js';
import { scalerSpecSchema, type ScalerSpecInput } from './spec.js';

const t0 = Date.UTC(2024, 0, 1);
const longAgo = t0 - 3_600_000;

function pod(name: string): PodInfo {
  return {
    name,
    phase: 'Running',
    startTime: longAgo,
    ready: { status: true, lastTransitionTime: longAgo },
    containers: [{ name: 'app', requests: { cpu: 1000 } }],
  };
}

/** n pods each using `usageMilli` of a 1000m CPU request. */
function cpuObservation(n: number, usageMilli: number, current = n): Observation {
  const pods = Array.from({ length: n }, (_, i) => pod(`p${i}`));
  return {
    currentReplicas: current,
    pods,
    metrics: {
      cpu: {
        status: 'ok',
        timestamp: t0,
        podSamples: pods.map((p) => ({
          pod: p.name,
          timestamp: t0 - 15_000,
          windowSeconds: 60,
          containers: [{ name: 'app', usageMilli }],
        })),
      },
    },
  };
}

const spec = (extra: Partial<ScalerSpecInput> = {}): ReturnType<typeof scalerSpecSchema.parse> =>
  scalerSpecSchema.parse({
    minReplicas: 1,
    maxReplicas: 20,
    triggers: [
      {
        name: 'cpu',
        type: 'resource',
        resource: 'cpu',
        target: { type: 'Utilization', value: 50 },
      },
    ],
    ...extra,
  });

const codes = (reasons: readonly { code: string }[]): string[] => reasons.map((r) => r.code);

describe('decide', () => {
  it('scales up by the utilization ratio and explains each step', () => {
    const d = decide(spec(), cpuObservation(4, 800), initialState(), t0);
    // U = 80 %, target 50 % → ratio 1.6 → ceil(1.6 × 4) = 7; default policies allow max(4+4, 8) = 8.
    expect(d.desiredReplicas).toBe(7);
    expect(d.valid).toBe(true);
    expect(d.triggers).toEqual([
      { name: 'cpu', type: 'resource', replicas: 7, value: 80, active: true, error: null },
    ]);
    expect(codes(d.reasons)).toEqual([
      'HistorySeeded',
      'Proposal',
      'ValidMetricFound',
      'LearningHeadroom',
      'ReadyForNewScale',
      'DesiredWithinRange',
      'Rescale',
    ]);
    expect(d.state.scaleUpEvents).toEqual([{ change: 3, timestamp: t0, outdated: false }]);
    expect(d.state.lastScaleTime).toBe(t0);
    expect(d.state.createdAt).toBe(t0);
  });

  it.each([
    [{ type: 'Utilization', value: 50 }, 80, '80% of requested cpu (target 50%)'],
    [{ type: 'AverageValue', value: 0.5 }, 0.8, '0.8 (target AverageValue 0.5)'],
  ] as const)(
    'a proposal says what the trigger read against its target (%o)',
    (target, read, text) => {
      const cpu = { name: 'cpu', type: 'resource', resource: 'cpu', target } as const;
      const d = decide(spec({ triggers: [cpu] }), cpuObservation(4, 800), initialState(), t0);
      expect(d.reasons.find((r) => r.code === 'Proposal')?.message).toBe(
        `trigger "cpu" reads ${text} and proposes 7 replicas`,
      );
      expect(d.triggers[0]?.value).toBe(read);
    },
  );

  it('holds a fresh controller for the scale-down window (seeded history)', () => {
    const first = decide(spec(), cpuObservation(6, 100), initialState(), t0);
    expect(first.desiredReplicas).toBe(6);
    expect(first.reasons.map((r) => r.code)).toContain('ScaleDownStabilized');
    const later = decide(spec(), cpuObservation(6, 100), first.state, t0 + 301_000);
    // U = 10 % → ceil(0.2 × 6) = 2; the default scale-down policy allows −100 % per 15 s.
    expect(later.desiredReplicas).toBe(2);
  });

  it.each([
    [0, 1, 0, 'ScalingDisabled'],
    [30, 1, 20, 'TooManyReplicas'],
    [0, 0, 0, 'HistorySeeded'],
  ])('current %d with min %d → %d (%s)', (current, min, expected, code) => {
    const obs = { ...cpuObservation(0, 0, current), metrics: {} };
    const d = decide(spec({ minReplicas: min }), obs, initialState(), t0);
    expect(d.desiredReplicas).toBe(expected);
    expect(codes(d.reasons)).toContain(code);
  });

  it('holds the current count, invalid, when every trigger failed', () => {
    const obs: Observation = {
      ...cpuObservation(3, 100),
      metrics: {
        cpu: { status: 'error', error: { code: 'Timeout', message: 'timed out', retryable: true } },
      },
    };
    const d = decide(spec(), obs, initialState(), t0);
    expect(d.desiredReplicas).toBe(3);
    expect(d.valid).toBe(false);
    expect(d.conditions.find((c) => c.type === 'ScalingActive')).toMatchObject({
      status: 'False',
      reason: 'FailedGetResourceMetric',
    });
    expect(d.triggers[0]?.error?.code).toBe('Timeout');
  });

  it('scales up on partial data but never down', () => {
    const two = spec({
      triggers: [
        {
          name: 'cpu',
          type: 'resource',
          resource: 'cpu',
          target: { type: 'Utilization', value: 50 },
        },
        { name: 'queue', type: 'rabbitmq', target: { type: 'Value', value: 10 } },
      ],
    });
    const state: ScalerState = { ...initialState(), recommendations: [] };
    const up = decide(two, cpuObservation(2, 1000), state, t0);
    expect(up.desiredReplicas).toBe(4);
    const down = decide(two, cpuObservation(4, 100), state, t0);
    expect(down.desiredReplicas).toBe(4);
    expect(down.valid).toBe(true);
    expect(down.conditions.find((c) => c.type === 'ScalingActive')?.reason).toBe(
      'FailedGetExternalMetric',
    );
  });

  it('uses the legacy path when behavior is null', () => {
    const legacy = spec({ behavior: null, maxReplicas: 100 });
    const d = decide(
      legacy,
      cpuObservation(2, 5000),
      { ...initialState(), recommendations: [] },
      t0,
    );
    // ratio 10 → 20, legacy limit max(2 × 2, 4) = 4.
    expect(d.desiredReplicas).toBe(4);
    expect(d.conditions.find((c) => c.type === 'ScalingLimited')?.reason).toBe('ScaleUpLimit');
    expect(d.state.scaleUpEvents).toEqual([]);
  });
});
