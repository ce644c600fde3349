import { describe, expect, it } from 'vitest';
import type { Observation, ScalerState } from '../core/model.js';
import { parseSpec, type ScalerSpec } from '../core/spec.js';
import type { ServiceModel } from './demand.js';
import { type DecideFn, decidingCode, policyController } from './observe.js';
import { defaultSimParams } from './params.js';
import { replay } from './replay.js';

const t0 = Date.UTC(2024, 0, 1);

function spec(input: unknown): ScalerSpec {
  const r = parseSpec(input);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.value;
}

/** Records every call and asks for a scripted count. */
function recorder(asks: number[]): { decide: DecideFn; seen: { obs: Observation; now: number }[] } {
  const seen: { obs: Observation; now: number }[] = [];
  let calls = 0;
  const decide: DecideFn = (_spec, obs, state: ScalerState, now) => {
    seen.push({ obs, now });
    return { desiredReplicas: asks[calls++] ?? obs.currentReplicas, state };
  };
  return { decide, seen };
}

// capacity 10 req/s per replica (peak 360 / (40 × 0.9)).
const model: ServiceModel = {
  demand: Float64Array.from([180, 180, 180, 180, 180, 180, 360, 360, 360, 360]),
  required: Int32Array.from([20, 20, 20, 20, 20, 20, 40, 40, 40, 40]),
  capacity: 10,
  peakDemand: 360,
  steps: 10,
};

function run(s: ScalerSpec, asks: number[], initialReplicas: number) {
  const { decide, seen } = recorder(asks);
  const controller = policyController({ spec: s, decide, model, stepSeconds: 15, initialReplicas });
  replay({ model, params: defaultSimParams(), controller, startMs: t0 });
  return seen;
}

describe('policyController', () => {
  const cpu = spec({
    triggers: [
      {
        name: 'cpu',
        type: 'resource',
        resource: 'cpu',
        target: { type: 'Utilization', value: 70 },
      },
    ],
  });

  it('gives pods with start times, readiness and 1000 m CPU requests', () => {
    const seen = run(cpu, [20, 22, 22, 22, 22, 22, 22, 22, 22, 22], 20);
    const first = seen[0]!.obs;
    expect(first.currentReplicas).toBe(20);
    expect(first.readyReplicas).toBe(20);
    expect(first.pods[0]).toEqual({
      name: 'pod-0',
      phase: 'Running',
      deleted: false,
      startTime: t0 - 86_400_000,
      containers: [{ name: 'app', requests: { cpu: 1000 } }],
      ready: { status: true, lastTransitionTime: t0 - 86_400_000 + 60_000 },
    });
    // Nothing visible at t = 0: a retryable error, never a zero.
    expect(first.metrics.cpu).toMatchObject({
      status: 'error',
      error: { code: 'NoMetrics', retryable: true },
    });
    // Step 2: the 2 replicas asked for at step 1 (15 s) are starting: Ready False since their start.
    const third = seen[2]!.obs;
    expect(third.currentReplicas).toBe(22);
    expect(third.readyReplicas).toBe(20);
    expect(third.pods[21]).toMatchObject({
      name: 'pod-21',
      startTime: t0 + 15_000,
      ready: { status: false, lastTransitionTime: t0 + 15_000 },
    });
  });

  it('lists the replicas the cluster holds at every step, whether or not they changed', () => {
    // 3 → 5 (2 start) → 3 (the 2 go) → 5 at 30 s (2 new ones, ready at 90 s = step 6) → held.
    const seen = run(cpu, [5, 3, 5, 5, 5, 5, 5, 5, 5, 5], 3);
    const view = seen.map(({ obs }) =>
      obs.pods.map((p) => `${p.name}${p.ready?.status === true ? '' : '?'}`).join(' '),
    );
    expect(view.slice(0, 8)).toEqual([
      'pod-0 pod-1 pod-2',
      'pod-0 pod-1 pod-2 pod-3? pod-4?',
      'pod-0 pod-1 pod-2',
      'pod-0 pod-1 pod-2 pod-5? pod-6?',
      'pod-0 pod-1 pod-2 pod-5? pod-6?',
      'pod-0 pod-1 pod-2 pod-5? pod-6?',
      'pod-0 pod-1 pod-2 pod-5 pod-6',
      'pod-0 pod-1 pod-2 pod-5 pod-6',
    ]);
  });

  it('gives every ready pod u × 1000 m and starting pods 0 m, stamped with the scrape time', () => {
    const seen = run(cpu, [20, 22, 22, 22, 22, 22, 22, 22, 22, 22], 20);
    // Step 2 sees scrapes 0 and 1: 180 req/s on 20 ready × 10 req/s ⇒ u = 0.9 ⇒ 900 m.
    const reading = seen[2]!.obs.metrics.cpu;
    if (reading?.status !== 'ok') throw new Error('expected a reading');
    expect(reading.podSamples).toHaveLength(22);
    expect(reading.podSamples?.[0]).toEqual({
      pod: 'pod-0',
      timestamp: t0 + 15_000,
      windowSeconds: 60,
      containers: [{ name: 'app', usageMilli: 900 }],
    });
    expect(reading.podSamples?.[21]?.containers).toEqual([{ name: 'app', usageMilli: 0 }]);
  });

  it('gives External triggers the request rate, scaled so a replica serves 100 req/s', () => {
    const s = spec({
      triggers: [
        {
          name: 'rps',
          type: 'prometheus',
          query: 'q',
          target: { type: 'AverageValue', value: 70 },
        },
      ],
    });
    const seen = run(s, [], 20);
    // 180 req/s with capacity 10 ⇒ 18 replicas' worth ⇒ 1800 req/s in engine units ⇒ 1 800 000 m.
    expect(seen[1]!.obs.metrics.rps).toEqual({
      status: 'ok',
      timestamp: t0,
      valuesMilli: [1_800_000],
    });
  });

  it('gives trace history: the required replicas lookback − lead seconds earlier, 0 before the start', () => {
    const s = spec({
      triggers: [
        {
          name: 'past',
          type: 'trace',
          series: 'required-replicas',
          lookbackSeconds: 90,
          leadSeconds: 15,
          target: { type: 'AverageValue', value: 1 },
        },
      ],
    });
    const seen = run(s, [], 20);
    // At step k the value is r at step k + 1 − 6 = k − 5.
    expect(seen[4]!.obs.metrics.past).toEqual({
      status: 'ok',
      timestamp: t0 + 60_000,
      valuesMilli: [0],
    });
    expect(seen[5]!.obs.metrics.past).toMatchObject({ valuesMilli: [20_000] });
    expect(seen[9]!.obs.metrics.past).toMatchObject({ valuesMilli: [20_000] });
  });
});

describe('decidingCode: the reason that set the count', () => {
  const r = (step: string, code: string, replicas?: number) => ({
    step,
    code,
    message: code,
    ...(replicas === undefined ? {} : { replicas }),
  });
  it.each([
    {
      name: 'the proposal when no step changes it',
      reasons: [
        r('trigger:cpu', 'Proposal', 4),
        r('stabilize', 'ReadyForNewScale', 4),
        r('decision', 'Rescale', 4),
      ],
      want: 'Proposal',
    },
    {
      name: 'the last step that changed it',
      reasons: [
        r('trigger:cpu', 'Proposal', 4),
        r('stabilize', 'ScaleDownStabilized', 6),
        r('rateLimit', 'DesiredWithinRange', 6),
        r('decision', 'NoChange', 6),
      ],
      want: 'ScaleDownStabilized',
    },
    {
      name: 'the first reason without counts',
      reasons: [r('fallback', 'NoMetrics')],
      want: 'NoMetrics',
    },
    { name: 'none without reasons', reasons: undefined, want: null },
  ])('$name', ({ reasons, want }) => {
    expect(decidingCode(reasons)).toBe(want);
  });
});
