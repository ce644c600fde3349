import { describe, expect, it } from 'vitest';
import { defaultScaleDownPolicies, defaultScaleUpPolicies, defaultSpec } from '../spec.js';
import { effectiveBehavior, normalize, type NormalizeInput } from './normalize.js';

const t0 = Date.UTC(2024, 0, 1);
const spec = defaultSpec();
const rules = {
  stabilizationWindowSeconds: null,
  selectPolicy: 'Max' as const,
  policies: null,
  tolerance: null,
};

describe('effectiveBehavior', () => {
  it('fills upstream defaults; the scale-down window comes from the controller flag', () => {
    expect(effectiveBehavior(spec)).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: defaultScaleUpPolicies,
      },
      scaleDown: {
        stabilizationWindowSeconds: 300,
        selectPolicy: 'Max',
        policies: defaultScaleDownPolicies,
      },
    });
    const tuned = { ...spec, hpa: { ...spec.hpa, downscaleStabilizationSeconds: 60 } };
    expect(effectiveBehavior(tuned)?.scaleDown.stabilizationWindowSeconds).toBe(60);
  });

  it('lets a policies list replace the defaults entirely', () => {
    const policies = [{ type: 'Pods' as const, value: 1, periodSeconds: 60 }];
    const b = effectiveBehavior({
      ...spec,
      behavior: { scaleUp: { ...rules, policies }, scaleDown: rules },
    });
    expect(b?.scaleUp.policies).toEqual(policies);
  });

  it('is null without a behavior block (legacy path)', () => {
    expect(effectiveBehavior({ ...spec, behavior: null })).toBeNull();
  });
});

describe('normalize', () => {
  const base: NormalizeInput = {
    spec: { ...spec, minReplicas: 1, maxReplicas: 100 },
    current: 10,
    desired: 50,
    recommendations: [],
    scaleUpEvents: [],
    scaleDownEvents: [],
    now: t0,
  };

  it.each<[string, Partial<NormalizeInput>, number, string, string, 'True' | 'False']>([
    ['behavior path: rate limited', {}, 20, 'ReadyForNewScale', 'ScaleUpLimit', 'True'],
    [
      'legacy path: max(2 × 10, 4)',
      { spec: { ...base.spec, behavior: null } },
      20,
      'ReadyForNewScale',
      'ScaleUpLimit',
      'True',
    ],
    [
      'behavior path: scale-down stabilized',
      { desired: 4, recommendations: [{ replicas: 8, timestamp: t0 - 60_000 }] },
      8,
      'ScaleDownStabilized',
      'DesiredWithinRange',
      'False',
    ],
    [
      'legacy path: scale-down stabilized',
      {
        desired: 4,
        spec: { ...base.spec, behavior: null },
        recommendations: [{ replicas: 8, timestamp: t0 - 60_000 }],
      },
      8,
      'ScaleDownStabilized',
      'DesiredWithinRange',
      'False',
    ],
  ])('%s', (...row) => {
    const [, extra, replicas, able, limited, limitedStatus] = row;
    const r = normalize({ ...base, ...extra });
    expect(r.replicas).toBe(replicas);
    expect(r.conditions.map((c) => [c.type, c.reason])).toEqual([
      ['AbleToScale', able],
      ['ScalingLimited', limited],
    ]);
    expect(r.conditions[1]?.status).toBe(limitedStatus);
    expect(r.recommendations.at(-1)).toEqual({ replicas: extra.desired ?? 50, timestamp: t0 });
  });
});
