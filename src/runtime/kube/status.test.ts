import { describe, expect, it } from 'vitest';
import { initialState, type Recommendation, type ScalerState } from '../../core/model.js';
import {
  compactRecommendations,
  mergeConditions,
  persistState,
  restoreState,
  shouldWrite,
  type ScalerStatus,
  type StatusCondition,
} from './status.js';

const t0 = Date.UTC(2024, 0, 1);
const cond = (type: string, status: 'True' | 'False', at: number): StatusCondition => ({
  type,
  status,
  reason: status === 'True' ? 'ScalerReady' : 'CannotDecide',
  message: 'the scaler reads its triggers and decides',
  lastTransitionTime: new Date(at).toISOString(),
  observedGeneration: 1,
});
const recs = (...replicas: number[]): Recommendation[] =>
  replicas.map((r, i) => ({ replicas: r, timestamp: t0 + i * 15_000 }));

describe('compactRecommendations', () => {
  it.each([
    ['keeps the max and min staircases (oldest first)', [5, 3, 4, 4, 2], [5, 4, 2]],
    ['a rising series is one long min staircase: all kept', [1, 2, 3], [1, 2, 3]],
    ['a flat series keeps only the newest', [4, 4, 4, 4], [4]],
    ['empty stays empty', [], []],
  ])('%s', (_name, input, kept) => {
    expect(compactRecommendations(recs(...input)).map((r) => r.replicas)).toEqual(kept);
  });

  it('gives every window ending now the same max and min as the full list', () => {
    const full = recs(3, 9, 2, 7, 7, 1, 5, 4, 6, 2, 8, 3);
    const kept = compactRecommendations(full);
    const now = full.at(-1)?.timestamp ?? t0;
    for (let w = 0; w <= 12 * 15_000; w += 15_000) {
      const inWindow = (l: Recommendation[]): number[] =>
        l.filter((r) => r.timestamp >= now - w).map((r) => r.replicas);
      expect(Math.max(...inWindow(kept))).toBe(Math.max(...inWindow(full)));
      expect(Math.min(...inWindow(kept))).toBe(Math.min(...inWindow(full)));
    }
  });

  it('is bounded', () => {
    const rising = recs(...Array.from({ length: 2000 }, (_, i) => i));
    expect(compactRecommendations(rising).length).toBe(256);
  });
});

describe('persistState / restoreState', () => {
  const state: ScalerState = {
    ...initialState(),
    recommendations: recs(5, 3, 4),
    scaleUpEvents: [{ change: 2, timestamp: t0, outdated: false }],
    triggerHealth: { load: { failures: 2 } },
    forecast: { big: 'model' },
  };

  it('round-trips through JSON without the forecaster, which comes from the seeded base', () => {
    const stored = JSON.parse(JSON.stringify(persistState(state))) as unknown;
    expect(stored).not.toHaveProperty('forecast');
    const base = { ...initialState(), forecast: { refitted: true } };
    const back = restoreState(stored, base);
    expect(back?.forecast).toEqual({ refitted: true });
    expect(back?.scaleUpEvents).toEqual(state.scaleUpEvents);
    expect(back?.triggerHealth).toEqual({ load: { failures: 2 } });
  });

  it('accepts a stored state whose nulls the API server dropped', () => {
    const stored = JSON.parse(
      JSON.stringify(persistState(initialState()), (_k, v: unknown) =>
        v === null ? undefined : v,
      ),
    ) as unknown;
    expect(restoreState(stored)?.recommendations).toBeNull();
  });

  it.each([
    ['nothing', undefined],
    ['another version', { ...persistState(state), version: 2 }],
    ['events that are not events', { ...persistState(state), scaleUpEvents: [{ change: 1 }] }],
    ['a string', 'state'],
  ])('refuses %s (the scaler starts afresh)', (_name, stored) => {
    expect(restoreState(stored)).toBeNull();
  });
});

describe('mergeConditions', () => {
  const wanted = [{ type: 'Ready', status: 'True' as const, reason: 'ScalerReady', message: 'ok' }];

  it('sets the transition time when the status changes, and keeps it otherwise', () => {
    const first = mergeConditions([], wanted, { now: t0 + 1234, generation: 1 });
    expect(first[0]).toMatchObject({
      lastTransitionTime: '2024-01-01T00:00:01Z',
      observedGeneration: 1,
    });
    const same = mergeConditions(first, [{ ...wanted[0], message: 'still ok' } as never], {
      now: t0 + 60_000,
      generation: 2,
    });
    expect(same[0]?.lastTransitionTime).toBe('2024-01-01T00:00:01Z');
    expect(same[0]?.message).toBe('still ok');
    const flipped = mergeConditions(
      same,
      [{ type: 'Ready', status: 'False', reason: 'X', message: '' }],
      { now: t0 + 90_000, generation: 2 },
    );
    expect(flipped[0]?.lastTransitionTime).toBe('2024-01-01T00:01:30Z');
  });
});

describe('shouldWrite', () => {
  const status = (
    desired: number,
    failures = 0,
    recommendationAt = t0,
    reading = 'load 10.2 / 10 per replica',
  ): ScalerStatus => ({
    observedGeneration: 1,
    desiredReplicas: desired,
    reasons: [{ code: 'ProposalWithinTolerance', message: reading }],
    conditions: [cond('Ready', 'True', t0)],
    engineState: persistState({
      ...initialState(),
      recommendations: [{ replicas: desired, timestamp: recommendationAt }],
      triggerHealth: failures === 0 ? {} : { t: { failures } },
    }),
  });

  it.each([
    {
      name: 'the first status',
      previous: undefined,
      next: status(3),
      last: null,
      elapsed: 0,
      write: true,
    },
    {
      name: 'a new desired count',
      previous: status(3),
      next: status(4),
      last: t0,
      elapsed: 1000,
      write: true,
    },
    {
      name: 'a failure counter',
      previous: status(3),
      next: status(3, 1),
      last: t0,
      elapsed: 1000,
      write: true,
    },
    {
      name: 'nothing new',
      previous: status(3),
      next: status(3),
      last: t0,
      elapsed: 1000,
      write: false,
    },
    {
      name: 'only the history, soon after a write',
      previous: status(3),
      next: status(3, 0, t0 + 15_000),
      last: t0,
      elapsed: 15_000,
      write: false,
    },
    {
      name: 'only the history, a minute after a write',
      previous: status(3),
      next: status(3, 0, t0 + 60_000),
      last: t0,
      elapsed: 60_000,
      write: true,
    },
    {
      name: 'only a reading in a message, soon after a write',
      previous: status(3),
      next: status(3, 0, t0, 'load 10.4 / 10 per replica'),
      last: t0,
      elapsed: 15_000,
      write: false,
    },
    {
      name: 'only a reading in a message, a minute after a write',
      previous: status(3),
      next: status(3, 0, t0, 'load 10.4 / 10 per replica'),
      last: t0,
      elapsed: 60_000,
      write: true,
    },
    {
      name: 'a condition that changes status',
      previous: status(3),
      next: { ...status(3), conditions: [cond('Ready', 'False', t0 + 15_000)] },
      last: t0,
      elapsed: 15_000,
      write: true,
    },
    {
      name: 'a new reason code',
      previous: status(3),
      next: { ...status(3), reasons: [{ code: 'ScaleDownStabilized', message: 'x' }] },
      last: t0,
      elapsed: 15_000,
      write: true,
    },
  ])('$name → $write', ({ previous, next, last, elapsed, write }) => {
    expect(
      shouldWrite({ previous, next, lastWriteMs: last, now: t0 + elapsed, stateWriteSeconds: 60 }),
    ).toBe(write);
  });
});
