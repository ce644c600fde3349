import { describe, expect, it } from 'vitest';
import { defaultSpec, parseSpec } from './spec.js';

describe('parseSpec', () => {
  it('fills upstream defaults', () => {
    const spec = defaultSpec();
    expect(spec.minReplicas).toBe(1);
    expect(spec.maxReplicas).toBe(100);
    expect(spec.hpa.tolerance).toBe(0.1);
    expect(spec.hpa.downscaleStabilizationSeconds).toBe(300);
    expect(spec.behavior).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: null,
        selectPolicy: 'Max',
        policies: null,
        tolerance: null,
      },
      scaleDown: {
        stabilizationWindowSeconds: null,
        selectPolicy: 'Max',
        policies: null,
        tolerance: null,
      },
    });
    expect(spec.triggers).toEqual([
      {
        name: 'resource-0',
        type: 'resource',
        metricType: 'Resource',
        resource: 'cpu',
        target: { type: 'Utilization', value: 70 },
        activation: 0,
        config: {},
      },
    ]);
    expect(spec.prediction).toEqual({
      mode: 'on',
      ceiling: null,
      seasonal: false,
      headroom: 'learned',
      costRatio: 1,
    });
  });

  it('keeps source settings in config', () => {
    const r = parseSpec({
      triggers: [
        { type: 'rabbitmq', queue: 'orders', target: { type: 'AverageValue', value: 20 } },
      ],
    });
    expect(r.ok && r.value.triggers[0]).toMatchObject({
      name: 'rabbitmq-0',
      metricType: 'External',
      config: { queue: 'orders' },
    });
  });

  it.each([
    [{ minReplicas: -1 }, 'minReplicas'],
    [{ minReplicas: 5, maxReplicas: 2 }, 'minReplicas'],
    [
      { behavior: { scaleDown: { stabilizationWindowSeconds: -5 } } },
      'behavior.scaleDown.stabilizationWindowSeconds',
    ],
    [{ bogus: 1 }, '(root)'],
    [
      { triggers: [{ type: 'prometheus', target: { type: 'Utilization', value: 50 } }] },
      'triggers[0].target.type',
    ],
    // The bound the CRD's CEL cost estimate needs (crd/spec-schema.ts), kept the same here.
    [{ triggers: Array.from({ length: 33 }, () => ({ type: 'cron' })) }, 'triggers'],
  ])('reports %j at %s', (input, path) => {
    const r = parseSpec(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path)).toContain(path);
  });

  it('names the value and the rule', () => {
    const r = parseSpec({ behavior: { scaleDown: { stabilizationWindowSeconds: -5 } } });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues[0]?.message).toBe(
        'behavior.scaleDown.stabilizationWindowSeconds = -5: must be a whole number between 0 and 3600',
      );
  });

  it('reports every trigger problem with its full path, even beside other problems', () => {
    const r = parseSpec({
      minReplicas: -1,
      triggers: [{ type: 'prometheus', target: { type: 'Utilization', value: 50 } }],
    });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues.map((i) => i.message)).toEqual([
        'minReplicas = -1: must be a whole number of at least 0',
        'triggers[0].target.type = "Utilization": allowed only for Resource and ContainerResource metrics (this trigger\'s metricType is External)',
      ]);
  });

  it('checks cross-field bounds', () => {
    const r = parseSpec({ minReplicas: 5, maxReplicas: 2 });
    expect(!r.ok && r.issues[0]?.message).toBe('minReplicas = 5: must be at most maxReplicas (2)');
  });

  it("refuses a prediction ceiling below the first trigger's target", () => {
    const r = parseSpec({ prediction: { ceiling: 60 } });
    expect(!r.ok && r.issues[0]?.message).toMatch(
      /^prediction\.ceiling = 60: must be at least the first trigger's target \(70\)/,
    );
    expect(parseSpec({ prediction: { ceiling: 90 } }).ok).toBe(true);
    expect(parseSpec({ prediction: { ceiling: 70 } }).ok).toBe(true);
  });

  it.each([0.9, 3.5, Number.NaN, '1.2'])(
    'refuses prediction.costRatio %s, naming the field',
    (v) => {
      const r = parseSpec({ prediction: { costRatio: v } });
      expect(r.ok).toBe(false);
      expect(!r.ok && r.issues[0]?.message).toMatch(/^prediction\.costRatio = /);
    },
  );

  it('shows a non-finite value by name, not as JSON null', () => {
    const r = parseSpec({ prediction: { costRatio: Number.NaN } });
    expect(!r.ok && r.issues[0]?.message).toMatch(/^prediction\.costRatio = NaN: /);
  });

  it('accepts prediction.costRatio from 1 to 3', () => {
    for (const v of [1, 1.25, 3]) {
      const r = parseSpec({ prediction: { costRatio: v } });
      expect(r.ok && r.value.prediction.costRatio).toBe(v);
    }
  });
});
