import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ServiceModel } from './demand.js';
import {
  centredMeans,
  cheapestWithin,
  fewestWithin,
  foresightSchedule,
  scoreForesight,
} from './foresight.js';
import { oracleController, oracleSchedule } from './oracle.js';
import { type SimParams, defaultSimParams, simParamsSchema } from './params.js';
import { replay } from './replay.js';
import { score } from './scores.js';

const t0 = Date.UTC(2024, 0, 1);

/** A model whose loads are given in replicas at the SLO line (capacity 10, SLO 0.9: 9 per replica). */
function modelOf(loads: readonly number[]): ServiceModel {
  const demand = Float64Array.from(loads.map((l) => l * 9));
  const required = Int32Array.from(loads.map((l) => Math.max(1, Math.ceil(l - 1e-9))));
  return { demand, required, capacity: 10, peakDemand: Math.max(...demand), steps: loads.length };
}

/** A seeded noisy daily-ish load: a slow wave with ±30 % steps of noise, peak near 40. */
function noisyLoads(n: number): number[] {
  let seed = 7;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  return Array.from({ length: n }, (_, i) => {
    const wave = 18 + 12 * Math.sin((2 * Math.PI * i) / 480);
    return Math.max(0.5, wave * (1 + 0.3 * (rand() - 0.5)));
  });
}

const oracleHours = (model: ServiceModel, params: SimParams): number => {
  const controller = oracleController(oracleSchedule(model.required, params));
  return score(model, replay({ model, params, controller, startMs: t0 }), { stepSeconds: 15 })
    .replicaHours;
};

describe('centredMeans', () => {
  it('averages a centred window, shorter at the ends', () => {
    expect([...centredMeans(Float64Array.from([1, 1, 4, 1, 1]), 3)]).toEqual([1, 2, 2, 2, 1]);
    expect([...centredMeans(Float64Array.from([3, 5]), 1)]).toEqual([3, 5]);
  });
});

describe('foresightSchedule', () => {
  it('hides what the window smooths (the module example, start-up 0)', () => {
    const params = simParamsSchema.parse({ startupSeconds: 0, peakReplicas: 4 });
    const model = modelOf([1, 1, 4, 1, 1]);
    const asks = foresightSchedule(model, params, { windowSteps: 3, shape: 'ratio', headroom: 1 });
    expect([...asks]).toEqual([1, 2, 2, 2, 1]);
  });

  it('adds value × √m replicas with the sqrt shape', () => {
    const params = simParamsSchema.parse({ startupSeconds: 0, peakReplicas: 9 });
    const model = modelOf([4, 9]);
    const asks = foresightSchedule(model, params, { windowSteps: 1, shape: 'sqrt', headroom: 1 });
    expect([...asks]).toEqual([6, 12]);
  });

  it('is the oracle at a window of one step and no headroom', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.1, max: 40, noNaN: true }), { minLength: 2, maxLength: 60 }),
        fc.constantFrom(0, 15, 60, 300),
        (loads, startupSeconds) => {
          const params = simParamsSchema.parse({ startupSeconds });
          const model = modelOf(loads);
          const asks = foresightSchedule(model, params, {
            windowSteps: 1,
            shape: 'ratio',
            headroom: 1,
          });
          expect([...asks]).toEqual([...oracleSchedule(model.required, params)]);
        },
      ),
    );
  });

  it('asks for no fewer replicas at a larger headroom, and is never below minRequired', () => {
    const params = simParamsSchema.parse({ minRequired: 2 });
    const model = modelOf(noisyLoads(400).map((l) => l / 4));
    for (const shape of ['ratio', 'sqrt'] as const) {
      const small = foresightSchedule(model, params, { windowSteps: 9, shape, headroom: 1 });
      const large = foresightSchedule(model, params, { windowSteps: 9, shape, headroom: 1.5 });
      for (let k = 0; k < small.length; k++) {
        expect(large[k]).toBeGreaterThanOrEqual(small[k] as number);
        expect(small[k]).toBeGreaterThanOrEqual(2);
      }
    }
  });
});

describe('the frontier', () => {
  const params = defaultSimParams();
  const model = modelOf(noisyLoads(2880));
  const oracleReplicaHours = oracleHours(model, params);
  const query = { windowSteps: 41, oracleReplicaHours, startMs: t0 };

  it('knowing only the 10-minute mean costs more than the oracle, or falls short', () => {
    const flat = scoreForesight(model, params, { ...query, shape: 'ratio', headroom: 1 });
    expect(flat.tauU).toBeGreaterThan(10);
    const safe = scoreForesight(model, params, { ...query, shape: 'ratio', headroom: 1.5 });
    expect(safe.tauU).toBeLessThan(flat.tauU);
    expect(safe.oracleRatio).toBeGreaterThan(1);
  });

  it.each(['ratio', 'sqrt'] as const)('finds the cheapest %s headroom within a τU', (shape) => {
    const found = cheapestWithin(model, params, { ...query, shape, tauUMax: 2 });
    expect(found).not.toBeNull();
    const point = found!;
    expect(point.tauU).toBeLessThanOrEqual(2);
    // Minimal: a headroom 1 % smaller is short more often than allowed.
    const below = scoreForesight(model, params, {
      ...query,
      shape,
      headroom: shape === 'ratio' ? 1 + (point.headroom - 1) * 0.99 : point.headroom * 0.99,
    });
    expect(below.tauU).toBeGreaterThan(2);
    expect(below.oracleRatio).toBeLessThanOrEqual(point.oracleRatio);
  });

  it.each(['ratio', 'sqrt'] as const)('finds the fewest shortfalls within a cost (%s)', (shape) => {
    const found = fewestWithin(model, params, { ...query, shape, ratioMax: 1.2 });
    expect(found).not.toBeNull();
    const point = found!;
    expect(point.oracleRatio).toBeLessThanOrEqual(1.2);
    const above = scoreForesight(model, params, {
      ...query,
      shape,
      headroom: point.headroom * 1.01,
    });
    expect(above.oracleRatio).toBeGreaterThan(1.2);
    expect(above.tauU).toBeLessThanOrEqual(point.tauU);
  });

  it('says null where no headroom searched qualifies', () => {
    expect(cheapestWithin(model, params, { ...query, shape: 'ratio', tauUMax: -1 })).toBeNull();
    expect(fewestWithin(model, params, { ...query, shape: 'sqrt', ratioMax: 0.5 })).toBeNull();
  });

  it('returns the smallest headroom when it already qualifies', () => {
    const point = cheapestWithin(model, params, { ...query, shape: 'sqrt', tauUMax: 100 });
    expect(point?.headroom).toBe(0);
    const widest = fewestWithin(model, params, { ...query, shape: 'ratio', ratioMax: 100 });
    expect(widest?.headroom).toBe(4);
  });
});
