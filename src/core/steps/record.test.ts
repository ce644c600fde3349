import { describe, expect, it } from 'vitest';
import { decide } from '../decide.js';
import { initialState, type ScalerState } from '../model.js';
import { defaultSpec, parseSpec } from '../spec.js';
import { recordObservedRescale, recordRescale, withoutRescale } from './record.js';

const t0 = Date.UTC(2024, 0, 1);
const spec = defaultSpec();

describe('recordRescale', () => {
  it('records lastScaleTime and the scale event on a change with a behavior', () => {
    const s = recordRescale({ spec, state: initialState(), current: 3, desired: 5, now: t0 });
    expect(s.lastScaleTime).toBe(t0);
    expect(s.scaleUpEvents).toEqual([{ change: 2, timestamp: t0, outdated: false }]);
    expect(s.scaleDownEvents).toEqual([]);
  });

  it('records only lastScaleTime on the legacy path', () => {
    const s = recordRescale({
      spec: { ...spec, behavior: null },
      state: initialState(),
      current: 5,
      desired: 3,
      now: t0,
    });
    expect(s.lastScaleTime).toBe(t0);
    expect(s.scaleDownEvents).toEqual([]);
  });

  it('changes nothing without a change', () => {
    const state = initialState();
    expect(recordRescale({ spec, state, current: 3, desired: 3, now: t0 })).toBe(state);
  });
});

describe('withoutRescale: a dry run publishes what it would do, tick after tick', () => {
  const parsed = parseSpec({
    minReplicas: 1,
    maxReplicas: 20,
    prediction: { mode: 'off' },
    triggers: [
      {
        name: 'rps',
        type: 'http',
        url: 'http://127.0.0.1:1/x',
        valueLocation: 'v',
        target: { type: 'AverageValue', value: 50 },
      },
    ],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const dry = parsed.value;
  const observation = (now: number): Parameters<typeof decide>[1] => ({
    currentReplicas: 1,
    pods: [],
    metrics: { rps: { status: 'ok', timestamp: now, valuesMilli: [328_000] } },
  });

  function run(keep: (before: ScalerState, after: ScalerState) => ScalerState): number[] {
    let state = initialState();
    const published: number[] = [];
    for (let i = 0; i < 8; i++) {
      const now = t0 + i * 5_000; // tide run at a 5 s sync period
      const d = decide(dry, observation(now), state, now);
      published.push(d.desiredReplicas);
      state = keep(state, d.state);
    }
    return published;
  }

  it('keeps publishing the rate-limited step from the unchanged count (328 / 50 → 7, +4 → 5)', () => {
    expect(run(withoutRescale)).toEqual([5, 5, 5, 5, 5, 5, 5, 5]);
  });

  it('whereas carrying the unapplied events pins it to the current count (the old bug)', () => {
    const pinned = run((_before, after) => after);
    expect(pinned[0]).toBe(5);
    expect(pinned.slice(1)).toContain(1);
  });

  it('drops only the scale bookkeeping: the recommendation history is kept', () => {
    const now = t0;
    const d = decide(dry, observation(now), initialState(), now);
    const kept = withoutRescale(initialState(), d.state);
    expect(kept.scaleUpEvents).toEqual([]);
    expect(kept.lastScaleTime).toBeNull();
    expect(kept.recommendations).toEqual(d.state.recommendations);
  });
});

describe('recordObservedRescale', () => {
  it('records a change made by someone else as a scale event', () => {
    const s = recordObservedRescale({
      spec,
      state: initialState(),
      previous: 2,
      current: 6,
      now: t0,
    });
    expect(s.scaleUpEvents).toEqual([{ change: 4, timestamp: t0, outdated: false }]);
    expect(s.lastScaleTime).toBe(t0);
  });

  it('records nothing on the first tick or without a change', () => {
    const state = initialState();
    expect(recordObservedRescale({ spec, state, previous: null, current: 6, now: t0 })).toBe(state);
    expect(recordObservedRescale({ spec, state, previous: 6, current: 6, now: t0 })).toBe(state);
  });
});
