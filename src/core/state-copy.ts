/**
 * The one copy of the ScalerState that a `decide` call makes and then fills in field by field.
 *
 * `copyState(state)` equals `{ ...state }`: the same own enumerable keys, in the same order, with
 * the same values. Assigning a field of the copy afterwards is then exactly what a spread with
 * that field (`{ ...state, field }`) gives: an existing key keeps its place, a new one goes last.
 *
 * Why not the spread itself: V8 clones an object whose fields hold numbers beyond the small
 * integers (epoch ms such as `createdAt`) through a slow generic path (~170 ns), and `decide`
 * used to do it four times a tick; an object literal is ~30 ns. The literal is used only when
 * the state has exactly the keys it writes, in that order (the shape `initialState()` and every
 * decision return, `targetTracking` last when present) and no symbol keys; any other state is
 * spread, so no key is ever dropped or moved.
 *
 * @module
 */
import { initialState, type ScalerState } from './model.js';

/** A ScalerState that one `decide` call owns and may still write. */
export type WorkingState = { -readonly [K in keyof ScalerState]: ScalerState[K] };

function literalCopy(s: ScalerState): WorkingState {
  return {
    version: s.version,
    recommendations: s.recommendations,
    scaleUpEvents: s.scaleUpEvents,
    scaleDownEvents: s.scaleDownEvents,
    createdAt: s.createdAt,
    lastActiveTime: s.lastActiveTime,
    lastScaleTime: s.lastScaleTime,
    triggerHealth: s.triggerHealth,
    kpa: s.kpa,
    forecast: s.forecast,
  };
}

/** The keys `literalCopy` writes, in order (read off the literal itself, so they cannot drift). */
const literalKeys: readonly string[] = Object.keys(literalCopy(initialState()));

/** 0: keys other than the literal's; 1: exactly the literal's; 2: those and `targetTracking`. */
function shapeOf(state: ScalerState): 0 | 1 | 2 {
  const keys = Object.keys(state);
  const extra = keys.length - literalKeys.length;
  if (extra !== 0 && !(extra === 1 && keys[keys.length - 1] === 'targetTracking')) return 0;
  for (let i = 0; i < literalKeys.length; i++) if (keys[i] !== literalKeys[i]) return 0;
  if (Object.getOwnPropertySymbols(state).length > 0) return 0;
  return extra === 0 ? 1 : 2;
}

/** A fresh copy of `state` for one decision to write: equal to `{ ...state }`. */
export function copyState(state: ScalerState): WorkingState {
  const shape = shapeOf(state);
  if (shape === 0) return { ...state };
  const copy = literalCopy(state);
  // Copied as it is, even an explicit undefined, as the spread would.
  if (shape === 2) (copy as Record<string, unknown>).targetTracking = state.targetTracking;
  return copy;
}
