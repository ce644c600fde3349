import { describe, expect, it } from 'vitest';
import { initialState, type ScalerState } from './model.js';
import { copyState } from './state-copy.js';

const t0 = Date.UTC(2024, 0, 1);

const decided: ScalerState = {
  ...initialState(),
  recommendations: [{ replicas: 3, timestamp: t0 }],
  scaleUpEvents: [{ change: 2, timestamp: t0 - 15_000, outdated: false }],
  createdAt: t0 - 60_000,
  lastActiveTime: t0,
  lastScaleTime: t0 - 15_000,
  triggerHealth: { queue: { failures: 1 } },
};
/** `state` without `key`, or with `key` moved to the end. */
function without(state: ScalerState, key: keyof ScalerState): ScalerState {
  return Object.fromEntries(
    Object.entries(state).filter(([k]) => k !== key),
  ) as unknown as ScalerState;
}
const moveLast = (state: ScalerState, key: keyof ScalerState): ScalerState => ({
  ...without(state, key),
  [key]: state[key],
});
const withKey = (state: ScalerState, key: string, value: unknown): ScalerState => ({
  ...state,
  [key]: value,
});

describe('copyState', () => {
  it.each<[string, ScalerState]>([
    ['the initial state', initialState()],
    ['a state after decisions (epoch-ms numbers)', decided],
    ['with targetTracking last', withKey(decided, 'targetTracking', { breaches: [1, 2] })],
    ['with an explicit undefined targetTracking', withKey(decided, 'targetTracking', undefined)],
    ['with an extra key', withKey(decided, 'extra', 'kept')],
    ['with a key missing', without(decided, 'createdAt')],
    ['with the same keys in another order', moveLast(decided, 'version')],
    [
      'with targetTracking before the others',
      moveLast(withKey(initialState(), 'targetTracking', null), 'forecast'),
    ],
    ['with a symbol key', withKey(decided, Symbol('s') as unknown as string, 1)],
  ])('equals { ...state } for %s: keys, order and values', (_label, state) => {
    const copy = copyState(state);
    const spread = { ...state };
    expect(copy).not.toBe(state);
    expect(Reflect.ownKeys(copy)).toEqual(Reflect.ownKeys(spread));
    expect(copy).toStrictEqual(spread);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(spread));
  });

  it('gives a copy whose writes leave the original alone and land where a spread puts them', () => {
    const copy = copyState(decided);
    copy.recommendations = [];
    copy.targetTracking = null;
    expect(decided.recommendations).toHaveLength(1);
    expect(JSON.stringify(copy)).toBe(
      JSON.stringify({ ...decided, recommendations: [], targetTracking: null }),
    );
  });
});
