import { describe, expect, it } from 'vitest';
import { baselineNames, baselineSpec, ceilingReplicas } from './baselines.js';
import { parseSpec } from '../core/spec.js';
import { parseSimParams } from './params.js';

describe('baseline specs', () => {
  it.each([40, 300, 5000])(
    'no scaling baseline is capped below what a trace scaled to %i replicas needs',
    (peakReplicas) => {
      const params = parseSimParams({ peakReplicas });
      for (const name of baselineNames.filter((n) => n !== 'static-peak')) {
        const spec = baselineSpec(name, { params });
        expect(spec.maxReplicas, name).toBe(ceilingReplicas({ params }));
        expect(spec.maxReplicas, name).toBeGreaterThanOrEqual(2 * peakReplicas);
      }
    },
  );

  it('static-peak holds exactly the peak', () => {
    const params = parseSimParams({ peakReplicas: 300 });
    const spec = baselineSpec('static-peak', { params });
    expect([spec.minReplicas, spec.maxReplicas]).toEqual([300, 300]);
  });

  it('the tide baseline is the default spec but for its upper bound', () => {
    const params = parseSimParams({ peakReplicas: 40 });
    const timing = { startupSeconds: params.startupSeconds, syncPeriodSeconds: params.stepSeconds };
    const defaults = parseSpec(timing);
    if (!defaults.ok) throw new Error('the default spec must parse');
    expect(baselineSpec('tide', { params })).toEqual({ ...defaults.value, maxReplicas: 1000 });
  });
});
