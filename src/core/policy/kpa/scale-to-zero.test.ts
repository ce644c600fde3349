import { describe, expect, it } from 'vitest';
import {
  initialScale,
  podRetentionSeconds,
  reconcileScale,
  scaleBounds,
  type PodAutoscalerView,
  type ScaleGateInput,
  type ScalerConfig,
} from './scale-to-zero.js';

const t0 = Date.UTC(2024, 0, 1);
const k = (name: string): string => `autoscaling.knative.dev/${name}`;

const config: ScalerConfig = {
  enableScaleToZero: true,
  scaleToZeroGracePeriodSeconds: 30,
  stableWindowSeconds: 60,
  scaleToZeroPodRetentionSeconds: 0,
  progressDeadlineSeconds: 600,
  activationTimeoutBufferSeconds: 30,
  initialScale: 1,
  allowZeroInitialScale: false,
  minScale: 0,
  maxScale: 0,
  targetBurstCapacity: 211,
};

function input(
  over: Partial<Omit<ScaleGateInput, 'pa'>> & {
    pa?: Partial<PodAutoscalerView>;
    status?: 'True' | 'False' | 'Unknown';
    sinceS?: number;
    probe?: boolean;
  },
): ScaleGateInput {
  const { pa, status = 'True', sinceS = 0, probe = true, ...rest } = over;
  return {
    config,
    desiredScale: 0,
    currentReplicas: 1,
    now: t0,
    sks: { mode: 'Serve', proxyForSeconds: 0 },
    probeActivator: () => probe,
    ...rest,
    pa: {
      annotations: {},
      reachability: 'Reachable',
      active: { status, lastTransitionTime: t0 - sinceS * 1000 },
      scaleTargetInitialized: true,
      ...pa,
    },
  };
}

describe('reconcileScale', () => {
  it.each([
    ['no metrics yet: nothing', { desiredScale: -1 }, -1, false, 'NoMetrics'],
    ['scale up applies', { desiredScale: 5 }, 5, true, 'Scale'],
    [
      'max scale caps',
      { desiredScale: 50, pa: { annotations: { [k('max-scale')]: '10' } } },
      10,
      true,
      'Scale',
    ],
    ['min scale lifts 0', { pa: { annotations: { [k('min-scale')]: '3' } } }, 3, true, 'Scale'],
    [
      'scale to zero disabled ⇒ 1',
      { config: { ...config, enableScaleToZero: false }, currentReplicas: 2 },
      1,
      true,
      'ScaleToZeroDisabled',
    ],
    [
      'active for less than a stable window ⇒ 1',
      { sinceS: 59, currentReplicas: 3 },
      1,
      true,
      'IdleButActive',
    ],
    [
      'active for a stable window ⇒ report 0, do not apply',
      { sinceS: 60 },
      0,
      false,
      'MarkInactive',
    ],
    ['activating: wait', { status: 'Unknown', sinceS: 630 }, -1, false, 'Activating'],
    ['activation failed ⇒ 0', { status: 'Unknown', sinceS: 631 }, 0, true, 'ActivationTimedOut'],
    [
      'revision progress deadline annotation shortens the activation timeout',
      {
        status: 'Unknown',
        sinceS: 36,
        pa: { annotations: { 'serving.knative.dev/progress-deadline': '5s' } },
      },
      0,
      true,
      'ActivationTimedOut',
    ],
    [
      'still activating within the annotated deadline',
      {
        status: 'Unknown',
        sinceS: 35,
        pa: { annotations: { 'serving.knative.dev/progress-deadline': '5s' } },
      },
      -1,
      false,
      'Activating',
    ],
    ['inactive within grace ⇒ wait', { status: 'False', sinceS: 29 }, 0, false, 'GracePeriod'],
    ['inactive for the grace period ⇒ 0', { status: 'False', sinceS: 30 }, 0, true, 'ScaleToZero'],
    [
      'proxied for the grace period ⇒ 0',
      { status: 'False', sinceS: 5, sks: { mode: 'Proxy', proxyForSeconds: 30 } },
      0,
      true,
      'ScaleToZeroProxied',
    ],
    [
      'activator not in path ⇒ async probe',
      { status: 'False', sinceS: 100, probe: false },
      0,
      false,
      'ActivatorNotInPath',
    ],
    [
      'pod retention holds',
      {
        status: 'False',
        sinceS: 40,
        pa: { annotations: { [k('scale-to-zero-pod-retention-period')]: '1m' } },
      },
      0,
      false,
      'PodRetention',
    ],
    [
      'initial scale before initialization',
      {
        desiredScale: 1,
        pa: { scaleTargetInitialized: false, annotations: { [k('initial-scale')]: '4' } },
      },
      4,
      true,
      'Scale',
    ],
  ] as const)('%s', (...[, over, scale, applied, code]) => {
    const got = reconcileScale(input(over));
    expect({ scale: got.scale, applied: got.applied, code: got.code }).toEqual({
      scale,
      applied,
      code,
    });
  });

  it('TBC −1 skips the activator probe', () => {
    let calls = 0;
    const got = reconcileScale({
      ...input({ status: 'False', sinceS: 30 }),
      config: { ...config, targetBurstCapacity: -1 },
      probeActivator: () => {
        calls++;
        return false;
      },
    });
    expect([got.applied, calls]).toEqual([true, 0]);
  });

  it('equal to the current count: allowed but not applied', () => {
    const got = reconcileScale(input({ desiredScale: 1, currentReplicas: 1 }));
    expect([got.allowed, got.applied]).toEqual([true, false]);
  });
});

describe('bounds and settings', () => {
  it.each([
    ['config', {}, 'Reachable', { min: 0, max: 0 }],
    [
      'annotations',
      { [k('min-scale')]: '2', [k('max-scale')]: '9' },
      'Reachable',
      { min: 2, max: 9 },
    ],
    ['unreachable drops min', { [k('min-scale')]: '2' }, 'Unreachable', { min: 0, max: 0 }],
  ] as const)('scaleBounds: %s', (...[, annotations, reachability, want]) => {
    expect(scaleBounds(config, { annotations, reachability })).toEqual(want);
  });

  it.each([
    [{}, false, 1],
    [{ [k('initial-scale')]: '3' }, false, 3],
    [{ [k('initial-scale')]: '0' }, false, 1],
    [{ [k('initial-scale')]: '0' }, true, 0],
  ])('initialScale(%j, allow zero %s) = %d', (annotations, allowZero, want) => {
    expect(initialScale({ initialScale: 1, allowZeroInitialScale: allowZero }, annotations)).toBe(
      want,
    );
  });

  it.each([
    [{}, 'Reachable', 0],
    [{ [k('scale-to-zero-pod-retention-period')]: '2m0s' }, 'Reachable', 120],
    [{ [k('scale-to-zero-pod-retention-period')]: '2m0s' }, 'Unreachable', 0],
  ] as const)('podRetentionSeconds(%j, %s) = %d', (annotations, reachability, want) => {
    expect(podRetentionSeconds(config, { annotations, reachability })).toBe(want);
  });
});
