import { describe, expect, it } from 'vitest';
import type { PodInfo } from '../../core/model.js';
import type { Target } from '../../targets/target.js';
import { inEngineTime, processTargetOf } from './targets.js';
import { parseSpec } from '../../core/spec.js';

const t0 = Date.UTC(2024, 0, 1);

function fakeTarget(pods: PodInfo[]): Target & { asked: number[]; closed: number } {
  const target = {
    asked: [] as number[],
    closed: 0,
    currentReplicas: () => pods.length,
    scale: (n: number) => {
      target.asked.push(n);
      return Promise.resolve();
    },
    pods: () => pods,
    problem: () => ({ reason: 'ReplicaFailedToStart', message: 'exit 1' }),
    close: () => {
      target.closed += 1;
      return Promise.resolve();
    },
  };
  return target;
}

describe('inEngineTime', () => {
  it("maps the replicas' start and readiness instants onto the engine's clock", async () => {
    const pods: PodInfo[] = [
      {
        name: 'web-0',
        phase: 'Running',
        startTime: t0 + 1000,
        ready: { status: true, lastTransitionTime: t0 + 2500 },
        containers: [],
      },
      { name: 'web-1', phase: 'Pending', startTime: null, ready: null, containers: [] },
    ];
    const real = fakeTarget(pods);
    const seen = inEngineTime(real, (ms) => t0 + (ms - t0) * 80);
    expect(seen.pods?.()).toEqual([
      {
        name: 'web-0',
        phase: 'Running',
        startTime: t0 + 80_000,
        ready: { status: true, lastTransitionTime: t0 + 200_000 },
        containers: [],
      },
      pods[1],
    ]);
    expect(seen.currentReplicas()).toBe(2);
    expect(seen.problem?.()).toEqual({ reason: 'ReplicaFailedToStart', message: 'exit 1' });
    await seen.scale(3);
    await seen.close();
    expect(real.asked).toEqual([3]);
    expect(real.closed).toBe(1);
  });
});

describe('processTargetOf', () => {
  it('says why a spec without a process target cannot be run', () => {
    const parsed = parseSpec({ minReplicas: 1, maxReplicas: 2 });
    if (!parsed.ok) throw new Error('spec');
    expect(processTargetOf(parsed.value)).toMatch(/target is missing/);
  });
});
