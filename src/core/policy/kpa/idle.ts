/**
 * Tide's scale-to-zero rule for the `kpa` policy: Knative's multi-step state machine
 * (ALGORITHMS.md §2.5, `scale-to-zero.ts`) reduced to what the engine itself can observe.
 *
 * - the decider wants > 0: the revision is active (since the first such tick after inactivity);
 * - it wants 0 while active for less than the stable window: keep 1 replica;
 * - once active for a stable window: mark it inactive (the moment Knative puts the activator in
 *   the path) and keep at most 1;
 * - inactive for max(grace period, pod retention): scale to 0.
 *
 * With the defaults (60 s window, 30 s grace) an idle service reaches 0 about 90 s after the
 * stable average first asks for 0, as upstream. The caller never gets here without data: a tick
 * without a valid decider result holds the current count.
 *
 * @module
 */
import type { KpaState } from '../../model.js';

export interface IdleInput {
  /** The decider's count after min/max bounds. */
  readonly desired: number;
  readonly current: number;
  readonly now: number;
  readonly state: Pick<KpaState, 'activeSince' | 'inactiveSince'>;
  readonly stableWindowSeconds: number;
  readonly gracePeriodSeconds: number;
  readonly podRetentionSeconds: number;
}

export interface IdleOutcome {
  readonly replicas: number;
  readonly state: Pick<KpaState, 'activeSince' | 'inactiveSince'>;
  readonly code: 'Active' | 'IdleButActive' | 'MarkInactive' | 'ScaleToZeroGrace' | 'ScaleToZero';
  readonly message: string;
}

const s = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

function inactive(input: IdleInput, inactiveSince: number): IdleOutcome {
  const waitMs = Math.max(input.gracePeriodSeconds, input.podRetentionSeconds) * 1000;
  const inactiveFor = input.now - inactiveSince;
  const state = { activeSince: null, inactiveSince };
  if (inactiveFor >= waitMs) {
    return {
      replicas: 0,
      state,
      code: 'ScaleToZero',
      message: `inactive for ${s(inactiveFor)} (at least ${s(waitMs)}): scale to zero`,
    };
  }
  return {
    replicas: Math.min(input.current, 1),
    state,
    code: 'ScaleToZeroGrace',
    message: `inactive for ${s(inactiveFor)} of the ${s(waitMs)} grace period: keep at most 1 replica`,
  };
}

/** Applies the rule to one tick's count. */
export function gateScaleToZero(input: IdleInput): IdleOutcome {
  const { now, state } = input;
  if (input.desired > 0) {
    const activeSince =
      state.inactiveSince === null && state.activeSince !== null ? state.activeSince : now;
    return {
      replicas: input.desired,
      state: { activeSince, inactiveSince: null },
      code: 'Active',
      message: `active since ${new Date(activeSince).toISOString()}`,
    };
  }
  if (state.inactiveSince !== null) return inactive(input, state.inactiveSince);
  const activeSince = state.activeSince ?? now;
  const activeFor = now - activeSince;
  const windowMs = input.stableWindowSeconds * 1000;
  if (activeFor >= windowMs) {
    return {
      ...inactive(input, now),
      code: 'MarkInactive',
      message: `idle and active for ${s(activeFor)} (at least the ${s(windowMs)} stable window): marked inactive, the grace period starts`,
    };
  }
  return {
    replicas: 1,
    state: { activeSince, inactiveSince: null },
    code: 'IdleButActive',
    message: `idle but active for only ${s(activeFor)} of the ${s(windowMs)} stable window: keep 1 replica`,
  };
}
