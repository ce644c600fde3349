import { describe, expect, it } from 'vitest';
import { initialState } from '../model.js';
import { defaultSpec } from '../spec.js';
import { recordRescale } from './record.js';

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
