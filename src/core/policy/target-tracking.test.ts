import { describe, expect, it } from 'vitest';
import type { Observation, PodInfo } from '../model.js';
import { parseSpec, type ScalerSpec } from '../spec.js';
import { type TargetTrackingState, targetTracking } from './target-tracking.js';

const t0 = Date.UTC(2024, 0, 1);
const minute = 60_000;

const specResult = parseSpec({
  minReplicas: 1,
  maxReplicas: 50,
  policy: 'target-tracking',
  triggers: [
    { name: 'cpu', type: 'resource', resource: 'cpu', target: { type: 'Utilization', value: 70 } },
  ],
});
if (!specResult.ok) throw new Error('bad spec');
const spec: ScalerSpec = specResult.value;

/** `ready` pods at `percent` % of a 1000 m request, plus `starting` unready pods. */
function observe(ready: number, percent: number, starting = 0): Observation {
  const pods: PodInfo[] = [];
  for (let i = 0; i < ready + starting; i++) {
    pods.push({
      name: `p${i}`,
      phase: 'Running',
      startTime: t0 - 3_600_000,
      ready: { status: i < ready, lastTransitionTime: t0 - 3_000_000 },
      containers: [{ name: 'app', requests: { cpu: 1000 } }],
    });
  }
  return {
    currentReplicas: ready + starting,
    pods,
    metrics: {
      cpu: {
        status: 'ok',
        timestamp: t0,
        podSamples: pods.map((p, i) => ({
          pod: p.name,
          timestamp: t0,
          windowSeconds: 60,
          containers: [{ name: 'app', usageMilli: i < ready ? percent * 10 : 0 }],
        })),
      },
    },
  };
}

/** Feeds one datapoint per minute; returns the replicas after each. */
function minutes(points: { ready: number; percent: number; starting?: number }[]): number[] {
  let state: TargetTrackingState | null = null;
  return points.map((p, i) => {
    const r = targetTracking(spec, observe(p.ready, p.percent, p.starting), state, t0 + i * minute);
    state = r.state;
    return r.replicas;
  });
}

describe('targetTracking', () => {
  it('scales out on the third consecutive minute above target: ceil(10 × 91 / 70) = 13', () => {
    expect(minutes([0, 1, 2].map(() => ({ ready: 10, percent: 91 })))).toEqual([10, 10, 13]);
  });

  it('re-fires each minute, counting only what warming replicas do not cover', () => {
    // Minute 4: 10 ready at 91 % + 3 warming ⇒ ceil(13) = 13 = current: no change.
    // Minute 5: 10 ready at 112 % + 3 warming ⇒ ceil(10 × 112 / 70) = 16.
    const r = minutes([
      { ready: 10, percent: 91 },
      { ready: 10, percent: 91 },
      { ready: 10, percent: 91 },
      { ready: 10, percent: 91, starting: 3 },
      { ready: 10, percent: 112, starting: 3 },
    ]);
    expect(r).toEqual([10, 10, 13, 13, 16]);
  });

  it('a dip below the target resets the scale-out count', () => {
    const pts = [91, 91, 60, 91, 91].map((percent) => ({ ready: 10, percent }));
    expect(minutes(pts)).toEqual([10, 10, 10, 10, 10]);
  });

  it('scales in after fifteen minutes below 90 % of target, then waits out a 300 s cooldown', () => {
    // 10 ready at 35 % (< 63 %): minute 15 ⇒ ceil(10 × 35 / 70) = 5. Then 5 ready at 20 %:
    // still low, but the next scale-in waits until 300 s after the first (minute 15 + 5) ⇒
    // ceil(5 × 20 / 70) = 2.
    const pts = [
      ...Array.from({ length: 15 }, () => ({ ready: 10, percent: 35 })),
      ...Array.from({ length: 5 }, () => ({ ready: 5, percent: 20 })),
    ];
    const r = minutes(pts);
    expect(r.slice(0, 15)).toEqual([...Array<number>(14).fill(10), 5]);
    expect(r.slice(15)).toEqual([5, 5, 5, 5, 2]);
  });

  it('takes one datapoint per minute: a second call in the same minute holds', () => {
    const first = targetTracking(spec, observe(10, 91), null, t0);
    const again = targetTracking(spec, observe(10, 200), first.state, t0 + 15_000);
    expect(again.replicas).toBe(10);
    expect(again.reasons[0]?.code).toBe('AwaitingDatapoint');
    expect(again.state).toEqual(first.state);
  });

  it('holds without a sample and keeps the alarm counts', () => {
    const first = targetTracking(spec, observe(10, 91), null, t0);
    const none: Observation = { ...observe(10, 91), metrics: {} };
    const r = targetTracking(spec, none, first.state, t0 + minute);
    expect(r.replicas).toBe(10);
    expect(r.reasons[0]?.code).toBe('NoDatapoint');
    expect(r.state.high).toBe(1);
  });
});

describe('decide with policy: target-tracking', () => {
  it('runs the alarms and keeps their state in ScalerState.targetTracking', async () => {
    const { decide } = await import('../decide.js');
    const { initialState } = await import('../model.js');
    let state = initialState();
    const out: number[] = [];
    for (let i = 0; i < 3; i++) {
      const d = decide(spec, observe(10, 91), state, t0 + i * minute);
      state = d.state;
      out.push(d.desiredReplicas);
    }
    expect(out).toEqual([10, 10, 13]);
    expect(state.targetTracking).toMatchObject({ high: 3, low: 0 });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});
