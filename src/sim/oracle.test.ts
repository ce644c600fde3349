import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ServiceModel } from './demand.js';
import { oracleController, oracleSchedule } from './oracle.js';
import { defaultSimParams } from './params.js';
import { type Controller, replay } from './replay.js';
import { score } from './scores.js';

const t0 = Date.UTC(2024, 0, 1);
const params = defaultSimParams();

function model(required: number[]): ServiceModel {
  return {
    demand: Float64Array.from(required.map((r) => r * 9)),
    required: Int32Array.from(required),
    capacity: 10,
    peakDemand: Math.max(...required) * 9,
    steps: required.length,
  };
}

const run = (m: ServiceModel, controller: Controller) => {
  const record = replay({ model: m, params, controller, startMs: t0 });
  return score(m, record, { stepSeconds: 15 });
};

describe('oracleSchedule', () => {
  it.each([
    // 60 s start-up / 15 s step ⇒ each ask covers this step and the next 4.
    [
      [1, 1, 3, 1, 1, 1, 1],
      [3, 3, 3, 1, 1, 1, 1],
    ],
    [
      [1, 1, 1, 1, 1, 1, 5],
      [1, 1, 5, 5, 5, 5, 5],
    ],
    [
      [4, 3, 2, 1],
      [4, 3, 2, 1],
    ],
  ])('%j ⇒ %j', (required, asks) => {
    const schedule = oracleSchedule(Int32Array.from(required), params);
    expect(Array.from(schedule)).toEqual(asks);
  });
});

describe('the oracle', () => {
  const requiredArb = fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 2, maxLength: 40 });

  it('never under-provisions', () => {
    fc.assert(
      fc.property(requiredArb, (required) => {
        const m = model(required);
        const scores = run(m, oracleController(oracleSchedule(m.required, params)));
        expect(scores.tauU).toBe(0);
      }),
    );
  });

  it('has the fewest replica-hours of every schedule without under-provisioning', () => {
    // Random schedules around the oracle's; the ones that never under-provision cost at least
    // as much as the oracle.
    const arb = fc.tuple(
      requiredArb,
      fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 40, maxLength: 40 }),
      fc.integer({ min: -1, max: 2 }),
    );
    let feasibleOthers = 0;
    fc.assert(
      fc.property(arb, ([required, noise, initialShift]) => {
        const m = model(required);
        const schedule = oracleSchedule(m.required, params);
        const oracle = run(m, oracleController(schedule));
        const asks = Array.from(schedule, (a, i) => Math.max(0, a + (noise[i] ?? 0)));
        const other = run(m, {
          initialReplicas: Math.max(0, (schedule[0] ?? 0) + initialShift),
          ask: ({ step }) => asks[step] ?? 0,
        });
        if (other.tauU === 0) {
          feasibleOthers++;
          expect(other.replicaHours).toBeGreaterThanOrEqual(oracle.replicaHours - 1e-12);
        }
      }),
      { numRuns: 500 },
    );
    expect(feasibleOthers).toBeGreaterThan(20);
  });
});
