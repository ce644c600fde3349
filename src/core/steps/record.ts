/**
 * The last step of a decision (ALGORITHMS.md §1.2 step 5): when the count changes, remember when
 * and, with a behavior block, store the scale event the rate limits read on later ticks.
 *
 * @module
 */
import type { ScalerState, ScalerSpec } from '../model.js';
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
  return {
    ...state,
    scaleUpEvents: events.scaleUpEvents,
    scaleDownEvents: events.scaleDownEvents,
    lastScaleTime: now,
  };
}
