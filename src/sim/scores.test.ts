import { describe, expect, it } from 'vitest';
import type { ServiceModel } from './demand.js';
import type { ReplayRecord } from './replay.js';
import { score } from './scores.js';

/** A model and a record written out by hand (capacity 10 req/s per replica, 15 s steps). */
function scenario(input: {
  demand: number[];
  required: number[];
  supply: number[];
  allocated: number[];
  asked: number[];
  initial: number;
}): { model: ServiceModel; record: ReplayRecord } {
  return {
    model: {
      demand: Float64Array.from(input.demand),
      required: Int32Array.from(input.required),
      capacity: 10,
      peakDemand: Math.max(...input.demand),
      steps: input.demand.length,
    },
    record: {
      supply: Int32Array.from(input.supply),
      allocated: Int32Array.from(input.allocated),
      asked: Int32Array.from(input.asked),
      initialReplicas: input.initial,
    },
  };
}

const cases = [
  {
    name: 'a step',
    // d 1 1 4 4 4 4, s 1 1 1 1 4 4 (the 3 new replicas take 2 steps to start).
    input: {
      demand: [5, 5, 35, 35, 35, 35],
      required: [1, 1, 4, 4, 4, 4],
      supply: [1, 1, 1, 1, 4, 4],
      allocated: [1, 1, 4, 4, 4, 4],
      asked: [1, 1, 4, 4, 4, 4],
      initial: 1,
    },
    oracle: 0.06,
    expected: {
      // under at steps 2, 3: (4 − 1) / 4 = 0.75 each ⇒ θU = 100 × 1.5 / 6 = 25; τU = 100 × 2 / 6.
      thetaU: 25,
      tauU: 100 / 3,
      thetaO: 0,
      tauO: 0,
      // 2 steps × 15 s / 60 = 0.5 min.
      sloViolationMinutes: 0.5,
      // (35 − 1 × 10) × 15 s at steps 2 and 3 = 375 + 375.
      requestsOverCapacity: 750,
      // (1 + 1 + 4 + 4 + 4 + 4) × 15 / 3600 = 18 / 240 = 0.075; ÷ 0.06 = 1.25.
      replicaHours: 0.075,
      oracleRatio: 1.25,
      // one change of the ask (1 → 4) in 6 × 15 s = 0.025 h ⇒ 40 per hour.
      actionsPerHour: 40,
      // pairs (1..5): Δd 0 + 0 0 0, Δs 0 0 0 + 0 ⇒ differ at pairs 2 and 4 ⇒ 2 / 5 = 40 %.
      instability: 40,
      // 1 supply change − 1 demand change = 0 per hour.
      jitter: 0,
    },
  },
  {
    name: 'a ramp',
    // d 1 2 3 4, s trails by one step.
    input: {
      demand: [10, 20, 30, 40],
      required: [1, 2, 3, 4],
      supply: [1, 1, 2, 3],
      allocated: [2, 3, 4, 4],
      asked: [2, 3, 4, 4],
      initial: 1,
    },
    oracle: (13 * 15) / 3600,
    expected: {
      // (2−1)/2 + (3−2)/3 + (4−3)/4 = 0.5 + 0.3333 + 0.25 = 1.08333 ⇒ 100 × 1.08333 / 4.
      thetaU: (100 * (0.5 + 1 / 3 + 0.25)) / 4,
      tauU: 75,
      thetaO: 0,
      tauO: 0,
      sloViolationMinutes: 0.75,
      // (20 − 10) + (30 − 20) + (40 − 30) = 30 req/s over capacity, × 15 s.
      requestsOverCapacity: 450,
      // (2 + 3 + 4 + 4) × 15 / 3600 = 13 / 240; the oracle here is set to the same.
      replicaHours: 13 / 240,
      oracleRatio: 1,
      // asks 2, 3, 4, 4 after an initial 1: three changes in 1 min = 1/60 h ⇒ 180 per hour.
      actionsPerHour: 180,
      // Δd + + +, Δs 0 + + ⇒ 1 of 3 pairs ⇒ 33.3 %.
      instability: 100 / 3,
      // 2 supply changes − 3 demand changes = −1 in 1/60 h ⇒ −60 per hour.
      jitter: -60,
    },
  },
  {
    name: 'a spike',
    // d 2 2 10 2 2 against a flat supply of 3.
    input: {
      demand: [15, 15, 90, 15, 15],
      required: [2, 2, 10, 2, 2],
      supply: [3, 3, 3, 3, 3],
      allocated: [3, 3, 3, 3, 3],
      asked: [3, 3, 3, 3, 3],
      initial: 3,
    },
    oracle: (15 * 15) / 3600,
    expected: {
      // under at step 2: (10 − 3) / 10 = 0.7 ⇒ 100 × 0.7 / 5 = 14; τU = 1 / 5 = 20 %.
      thetaU: 14,
      tauU: 20,
      // over at the 4 other steps: (3 − 2) / 2 = 0.5 each ⇒ 100 × 2 / 5 = 40; τO = 80 %.
      thetaO: 40,
      tauO: 80,
      sloViolationMinutes: 0.25,
      // (90 − 30) × 15.
      requestsOverCapacity: 900,
      replicaHours: 15 / 240,
      oracleRatio: 1,
      actionsPerHour: 0,
      // Δd 0 + − 0, Δs 0 0 0 0 ⇒ pairs 2 and 3 differ ⇒ 2 / 4 = 50 %.
      instability: 50,
      // 0 supply changes − 2 demand changes in 75 s ⇒ −2 / (75 / 3600) = −96 per hour.
      jitter: -96,
    },
  },
];

describe('score', () => {
  it.each(cases)('$name', ({ input, oracle, expected }) => {
    const { model, record } = scenario(input);
    const scores = score(model, record, { stepSeconds: 15, oracleReplicaHours: oracle });
    for (const [key, value] of Object.entries(expected)) {
      expect(scores[key as keyof typeof scores], key).toBeCloseTo(value, 9);
    }
  });

  it('leaves the oracle ratio null without an oracle', () => {
    const { model, record } = scenario(cases[0]!.input);
    expect(score(model, record, { stepSeconds: 15 }).oracleRatio).toBeNull();
  });
});

describe('score over a part of the replay', () => {
  // 'a step': d 1 1 4 4 4 4, s 1 1 1 1 4 4, asks 1 1 4 4 4 4.
  const { model, record } = scenario(cases[0]!.input);

  it('scores steps [2, 4) alone: both short, one ask change relative to step 1', () => {
    const part = score(model, record, { stepSeconds: 15, fromStep: 2, toStep: 4 });
    // 2 of 2 steps short; (4 − 1) / 4 twice ⇒ θU = 100 × 1.5 / 2 = 75.
    expect(part.tauU).toBe(100);
    expect(part.thetaU).toBeCloseTo(75, 9);
    // (4 + 4) × 15 / 3600.
    expect(part.replicaHours).toBeCloseTo(8 / 240, 9);
    // the ask moves 1 → 4 at step 2 (compared with step 1's ask): once in 30 s ⇒ 120 per hour.
    expect(part.actionsPerHour).toBeCloseTo(120, 9);
  });

  it('adds up: the two parts of a split cover the whole', () => {
    const whole = score(model, record, { stepSeconds: 15 });
    const a = score(model, record, { stepSeconds: 15, toStep: 3 });
    const b = score(model, record, { stepSeconds: 15, fromStep: 3 });
    expect(a.replicaHours + b.replicaHours).toBeCloseTo(whole.replicaHours, 9);
    expect(a.sloViolationMinutes + b.sloViolationMinutes).toBeCloseTo(whole.sloViolationMinutes, 9);
    expect((a.tauU * 3 + b.tauU * 3) / 6).toBeCloseTo(whole.tauU, 9);
  });

  it('refuses an empty range', () => {
    expect(() => score(model, record, { stepSeconds: 15, fromStep: 4, toStep: 4 })).toThrow(
      /empty/,
    );
  });
});
