/**
 * The last step of a decision (ALGORITHMS.md §1.2 step 5): when the count changes, remember when
 * and, with a behavior block, store the scale event the rate limits read on later ticks.
 *
 * @module
 */
import type { ScalerState, ScalerSpec } from '../model.js';
import { copyState } from '../state-copy.js';
import { effectiveBehavior } from './normalize.js';
import { recordScaleEvent } from './scale-events.js';

export interface RecordInput {
  readonly spec: Pick<ScalerSpec, 'behavior' | 'hpa'>;
  readonly state: ScalerState;
  readonly current: number;
  readonly desired: number;
  readonly now: number;
}

export function recordRescale(input: RecordInput): ScalerState {
  const { state, current, desired, now } = input;
  if (desired === current) return state;
  const behavior = effectiveBehavior(input.spec);
  const events = recordScaleEvent({
    events: state,
    policies:
      behavior === null
        ? null
        : { up: behavior.scaleUp.policies, down: behavior.scaleDown.policies },
    previous: current,
    next: desired,
    now,
  });
  // `{ ...state, scaleUpEvents, scaleDownEvents, lastScaleTime }` through copyState: the same
  // keys in the same order, without the spread's slow path.
  const next = copyState(state);
  next.scaleUpEvents = events.scaleUpEvents;
  next.scaleDownEvents = events.scaleDownEvents;
  next.lastScaleTime = now;
  return next;
}

/**
 * The state to carry on when the decision's change was NOT applied to the target (a dry run, a
 * shadow beside another autoscaler, or a `/scale` write that failed): the decision's state with
 * the scale bookkeeping of the state it started from. The HPA does the same: it stores a scale
 * event only after the update of `/scale` succeeded. Everything else the decision learned (the
 * recommendation history, trigger health, activity, KPA windows, the forecaster) is kept.
 *
 * Worked example: current 1, the trigger asks for 7, the rate limit allows 4 → the decision
 * records a +3 event. Unapplied, the event is dropped, so the next tick is again limited from 1
 * by the scale-up policy alone, and still publishes 4 (not 1, as a phantom +3 would pin it).
 */
export function withoutRescale(before: ScalerState, decided: ScalerState): ScalerState {
  return {
    ...decided,
    scaleUpEvents: before.scaleUpEvents,
    scaleDownEvents: before.scaleDownEvents,
    lastScaleTime: before.lastScaleTime,
  };
}

/**
 * Records a change of the target's count made by someone else (the autoscaler a shadow runs
 * beside, or a person) as the engine records its own, so rate limits and `lastScaleTime` follow
 * the target's real history. `previous` is the count seen at the last tick; no change → `state`.
 */
export function recordObservedRescale(
  input: Omit<RecordInput, 'desired'> & { readonly previous: number | null },
): ScalerState {
  if (input.previous === null) return input.state;
  return recordRescale({
    spec: input.spec,
    state: input.state,
    current: input.previous,
    desired: input.current,
    now: input.now,
  });
}
