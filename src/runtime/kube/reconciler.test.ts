import { describe, expect, it } from 'vitest';
import {
  initialState,
  type Decision,
  type ScalerSpec,
  type TriggerSpec,
} from '../../core/model.js';
import { inCluster, parseScalerSpec, scaleEvent, statusPath } from './reconciler.js';
import { microTime } from './events.js';
import { parseControllerOptions } from './options.js';

const trigger = (type: string, config: Record<string, unknown> = {}): TriggerSpec => ({
  name: 't',
  type,
  metricType: 'External',
  target: { type: 'AverageValue', value: 1 },
  activation: 0,
  config,
});

describe('inCluster', () => {
  it.each([
    ['resource', {}, { namespace: 'shop', labelSelector: 'app=web' }],
    [
      'kubernetes-resource',
      { labelSelector: 'tier=x' },
      { namespace: 'shop', labelSelector: 'tier=x' },
    ],
    ['kubernetes-external', {}, { namespace: 'shop' }],
    ['kubernetes-custom', { namespace: 'metrics' }, { namespace: 'metrics' }],
    ['prometheus', { query: 'q' }, { query: 'q' }],
  ])('%s %j → %j', (type, config, expected) => {
    expect(inCluster(trigger(type, config), 'shop', 'app=web').config).toEqual(expected);
  });
});

describe('parseScalerSpec', () => {
  it('accepts a Kubernetes target', () => {
    const r = parseScalerSpec({
      target: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    });
    expect('spec' in r && r.spec.target).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
    });
  });

  it.each([
    ['no target', {}, /spec\.target: must name a Kubernetes object/],
    [
      'a process target',
      { target: { process: { command: 'x' } } },
      /spec\.target: must name a Kubernetes object/,
    ],
    [
      'min above max',
      { target: { apiVersion: 'v1', kind: 'K', name: 'n' }, minReplicas: 5, maxReplicas: 2 },
      /spec\.minReplicas/,
    ],
    [
      "a source's own setting",
      {
        target: { apiVersion: 'v1', kind: 'K', name: 'n' },
        triggers: [
          {
            type: 'prometheus',
            serverAddress: 'http://p:9090',
            query: '',
            target: { type: 'AverageValue', value: 1 },
          },
        ],
      },
      /spec\.triggers\[0\]\.query/,
    ],
  ])('refuses %s with the path', (_name, raw, message) => {
    const r = parseScalerSpec(raw);
    expect('error' in r ? r.error : '').toMatch(message);
  });
});

describe('helpers', () => {
  it('statusPath', () => {
    expect(statusPath({ metadata: { namespace: 'shop', name: 'web' } })).toBe(
      '/apis/tide.dev/v1alpha1/namespaces/shop/elasticscalers/web/status',
    );
  });

  it('microTime has six fractional digits', () => {
    expect(microTime(Date.UTC(2024, 0, 1, 0, 0, 0, 123))).toBe('2024-01-01T00:00:00.123000Z');
  });
});

describe('parseControllerOptions', () => {
  it('defaults', () => {
    const r = parseControllerOptions({}, {});
    expect(r.ok && r.value).toMatchObject({
      leaseName: 'tide-controller',
      leaseDurationSeconds: 15,
      workers: 8,
      leaderElection: true,
      metricsAddress: '127.0.0.1:9464',
    });
  });

  it('flags over env twins, and the lease timings checked against each other', () => {
    const r = parseControllerOptions(
      { leaseDurationSeconds: '5' },
      { TIDE_RENEW_DEADLINE_SECONDS: '6' },
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(
        /^--lease-duration-seconds \/ TIDE_LEASE_DURATION_SECONDS = "5": must be greater than --renew-deadline-seconds \(6\)/,
      ),
    ]);
  });
});

describe('scaleEvent: KEDA words for imported ScaledObjects', () => {
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' };
  const why = { code: 'Rescale', message: 'above target' };
  const keda = {
    metadata: {
      annotations: { 'tide.dev/imported-from': 'keda.sh/v1alpha1 ScaledObject shop/web' },
    },
  };
  const spec = (idleReplicas: number | null): ScalerSpec => {
    const r = parseScalerSpec({
      target: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 0,
    });
    if (!('spec' in r)) throw new Error(r.error);
    return { ...r.spec, idleReplicas };
  };

  it.each([
    {
      from: 0,
      to: 1,
      idle: null,
      reason: 'KEDAScaleTargetActivated',
      note: 'Scaled apps/v1.Deployment shop/web from 0 to 1, triggered by ',
    },
    {
      from: 3,
      to: 0,
      idle: null,
      reason: 'KEDAScaleTargetDeactivated',
      note: 'Deactivated apps/v1.Deployment shop/web from 3 to 0',
    },
    {
      from: 1,
      to: 4,
      idle: 1,
      reason: 'KEDAScaleTargetActivated',
      note: 'Scaled apps/v1.Deployment shop/web from 1 to 4, triggered by ',
    },
    {
      from: 2,
      to: 5,
      idle: null,
      reason: 'SuccessfulRescale',
      note: 'New size: 5; reason: Rescale: above target',
    },
  ])('$from → $to (idle $idle): $reason', ({ from, to, idle, reason, note }) => {
    expect(scaleEvent({ object: keda, spec: spec(idle), ref, from, to, why })).toMatchObject({
      reason,
      note,
    });
  });

  it("follows the decision's activation step and names the active triggers, as KEDA's executor", () => {
    // KEDA's TestEventWitTriggerInfo: idle 0, min 5, 2 replicas, active → 2 → 5 is an activation.
    const decision = {
      desiredReplicas: 5,
      valid: true,
      reasons: [{ step: 'activation', code: 'Activated', message: 'active', replicas: 5 }],
      conditions: [],
      triggers: [
        { name: 'queue', type: 'rabbitmq', replicas: 5, value: 9, active: true, error: null },
        { name: 'lag', type: 'kafka', replicas: 1, value: 0, active: false, error: null },
      ],
      state: initialState(),
    } satisfies Decision;
    expect(
      scaleEvent({ object: keda, spec: spec(0), ref, from: 2, to: 5, why, decision }),
    ).toMatchObject({
      type: 'Normal',
      reason: 'KEDAScaleTargetActivated',
      note: 'Scaled apps/v1.Deployment shop/web from 2 to 5, triggered by queue',
    });
    const raised = { ...decision, reasons: [] };
    expect(
      scaleEvent({ object: keda, spec: spec(null), ref, from: 0, to: 5, why, decision: raised })
        .reason,
    ).toBe('KEDAScaleTargetActivated');
  });

  it('a scaler not imported from KEDA keeps the HPA reason', () => {
    expect(scaleEvent({ object: {}, spec: spec(null), ref, from: 0, to: 1, why }).reason).toBe(
      'SuccessfulRescale',
    );
  });
});
