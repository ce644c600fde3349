import { describe, expect, it } from 'vitest';
import {
  cooldownElapsed,
  idleOrMinimumReplicaCount,
  requestScale,
  type RequestScaleInput,
  type ScaledObjectView,
} from './executor.js';

const t0 = Date.UTC(2024, 0, 1);
const so: ScaledObjectView = {
  minReplicaCount: 0,
  idleReplicaCount: null,
  cooldownSeconds: 300,
  initialCooldownSeconds: 0,
  annotations: {},
  fallback: null,
  creationTime: t0 - 3_600_000,
  lastActiveTime: t0 - 10_000,
};
const base: RequestScaleInput = {
  object: so,
  currentReplicas: 3,
  isActive: false,
  isError: false,
  now: t0,
};

function run(
  over: Partial<RequestScaleInput>,
  obj: Partial<ScaledObjectView> = {},
): [number | null, string, boolean] {
  const r = requestScale({ ...base, ...over, object: { ...so, ...obj } });
  return [r.scaleTo, r.action, r.lastActiveTimeSet];
}

describe('requestScale', () => {
  it.each<
    [
      string,
      Partial<RequestScaleInput>,
      Partial<ScaledObjectView>,
      [number | null, string, boolean],
    ]
  >([
    ['activates from 0 to 1', { isActive: true, currentReplicas: 0 }, {}, [1, 'Activated', true]],
    [
      'activates from 0 to min',
      { isActive: true, currentReplicas: 0 },
      { minReplicaCount: 3 },
      [3, 'Activated', true],
    ],
    [
      'activates from idle below min',
      { isActive: true, currentReplicas: 0 },
      { minReplicaCount: 2, idleReplicaCount: 0 },
      [2, 'Activated', true],
    ],
    ['active at N leaves it to the HPA', { isActive: true }, {}, [null, 'Active', true]],
    [
      'active with a partial error keeps lastActiveTime',
      { isActive: true, isError: true },
      {},
      [null, 'PartialTriggerError', false],
    ],
    [
      'paused-scale-out blocks activation',
      { isActive: true, currentReplicas: 0 },
      { annotations: { 'autoscaling.keda.sh/paused-scale-out': 'true' } },
      [null, 'ActivationBlocked', false],
    ],
    [
      'force-activation',
      { currentReplicas: 0 },
      { annotations: { 'autoscaling.keda.sh/force-activation': 'yes' } },
      [1, 'Activated', true],
    ],
    [
      'force-activation "false" is off',
      { currentReplicas: 0 },
      { annotations: { 'autoscaling.keda.sh/force-activation': 'false' } },
      [null, 'Inactive', false],
    ],
    ['inactive inside the cooldown', {}, {}, [null, 'CooldownPending', false]],
    [
      'inactive at exactly the cooldown end (strict)',
      { now: t0 - 10_000 + 300_000 },
      {},
      [null, 'CooldownPending', false],
    ],
    ['inactive after the cooldown', { now: t0 - 10_000 + 300_001 }, {}, [0, 'ScaledToZero', false]],
    [
      'inactive after the cooldown, to idle',
      { now: t0 + 300_000 },
      { minReplicaCount: 2, idleReplicaCount: 0 },
      [0, 'ScaledToIdle', false],
    ],
    [
      'never active: initial cooldown',
      {},
      { lastActiveTime: null, initialCooldownSeconds: 7200 },
      [null, 'CooldownPending', false],
    ],
    [
      'never active, initial cooldown over',
      {},
      { lastActiveTime: null, initialCooldownSeconds: 60 },
      [0, 'ScaledToZero', false],
    ],
    [
      'paused-scale-in blocks deactivation',
      { now: t0 + 3_600_000 },
      { annotations: { 'autoscaling.keda.sh/paused-scale-in': 'true' } },
      [null, 'ScaleInBlocked', false],
    ],
    [
      'error + fallback holds',
      { isError: true, now: t0 + 3_600_000 },
      { fallback: { failureThreshold: 3, replicas: 5, behavior: null } },
      [null, 'FallbackHolds', false],
    ],
    [
      'error without fallback never scales to zero',
      { isError: true, now: t0 + 3_600_000 },
      {},
      [null, 'TriggerError', false],
    ],
    [
      'below min without idle raises to min',
      { currentReplicas: 1 },
      { minReplicaCount: 3 },
      [3, 'RaisedToMin', false],
    ],
    ['at 0 with min 0: nothing', { currentReplicas: 0 }, {}, [null, 'Inactive', false]],
    [
      'idle mode at idle: nothing',
      { currentReplicas: 0 },
      { minReplicaCount: 2, idleReplicaCount: 0 },
      [null, 'Inactive', false],
    ],
    [
      'paused',
      { isActive: true, currentReplicas: 0 },
      { annotations: { 'autoscaling.keda.sh/paused': 'true' } },
      [null, 'Paused', false],
    ],
    [
      'paused-replicas',
      { currentReplicas: 5 },
      { annotations: { 'autoscaling.keda.sh/paused-replicas': '2' } },
      [null, 'Paused', false],
    ],
  ])('%s', (_name, over, obj, expected) => {
    expect(run(over, obj)).toEqual(expected);
  });

  it('reports cooldown, trigger-error and partial-error conditions', () => {
    expect(requestScale(base).conditions.Active?.reason).toBe('ScalerCooldown');
    const err = requestScale({ ...base, isError: true, now: t0 + 3_600_000 });
    expect(err.conditions.Ready).toMatchObject({ status: 'False', reason: 'TriggerError' });
    const partial = requestScale({ ...base, isActive: true, isError: true });
    expect(partial.conditions.Ready).toMatchObject({
      status: 'Unknown',
      reason: 'PartialTriggerError',
    });
    expect(partial.conditions.Active).toMatchObject({ status: 'True', reason: 'ScalerActive' });
  });
});

describe('idleOrMinimumReplicaCount', () => {
  it.each([
    [null, null, { isIdle: false, replicas: 0 }],
    [0, 3, { isIdle: true, replicas: 0 }],
    [null, 2, { isIdle: false, replicas: 2 }],
  ])('idle %j, min %j', (idle, min, expected) => {
    expect(idleOrMinimumReplicaCount({ idleReplicaCount: idle, minReplicaCount: min })).toEqual(
      expected,
    );
  });
});

describe('cooldownElapsed', () => {
  it('uses the 300 s default when unset', () => {
    const o = { ...so, cooldownSeconds: null };
    expect(cooldownElapsed(o, t0 + 289_999)).toBe(false);
    expect(cooldownElapsed(o, t0 + 290_001)).toBe(true);
  });
});
