/**
 * The insertion points of `decide` keep their contract while they are pass-throughs: the count and
 * the state go through unchanged and no reason is added; a `kpa` spec holds (every trigger fails).
 * Owners replace these expectations with their stage's own tests when they plug in.
 */
import { describe, expect, it } from 'vitest';
import { initialState } from '../model.js';
import { scalerSpecSchema } from '../spec.js';
import { applyActivation } from './activation.js';
import { applyFallback } from './fallback.js';
import { proposeKpa } from './kpa.js';
import { applyPrediction } from './prediction.js';
import { applyScheduleFloors } from './schedule.js';
import type { StageContext } from './stage.js';

const t0 = Date.UTC(2024, 0, 1);
const ctx: StageContext = {
  spec: scalerSpecSchema.parse({
    triggers: [{ name: 'q', type: 'rabbitmq', target: { type: 'Value', value: 5 } }],
  }),
  observation: { currentReplicas: 3, pods: [], metrics: {} },
  state: { ...initialState(), recommendations: [] },
  now: t0,
  current: 3,
};

describe('replica stages (pass-through until plugged in)', () => {
  it.each([
    ['activation', applyActivation],
    ['schedule floors', applyScheduleFloors],
    ['prediction', applyPrediction],
  ])('%s keeps the count and the state', (_name, stage) => {
    const r = stage(ctx, 7, []);
    expect(r.replicas).toBe(7);
    expect(r.state).toBe(ctx.state);
    expect(r.reasons).toEqual([]);
  });
});

describe('trigger stages', () => {
  it('fallback keeps the evaluations', () => {
    const evaluations = proposeKpa(ctx).evaluations;
    expect(applyFallback(ctx, evaluations).evaluations).toBe(evaluations);
  });

  it('kpa holds: every trigger fails with PolicyNotAvailable', () => {
    const r = proposeKpa(ctx);
    expect(r.evaluations.map((e) => [e.outcome.name, e.outcome.replicas, e.failureReason])).toEqual(
      [['q', null, 'PolicyNotAvailable']],
    );
  });
});
