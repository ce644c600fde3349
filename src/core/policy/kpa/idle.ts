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

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/** The last instant `isoTime` formats itself: 9999-12-31T23:59:59.999Z. */
const ISO_MAX_MS = 253_402_300_799_999;

/**
 * `new Date(ms).toISOString()`, by integer arithmetic for whole ms from 1970 to 9999 (the Date
 * object and its formatter cost ~0.5 µs, more than the rest of a KPA tick); any other value goes
 * through Date. Civil date from days since the epoch (H. Hinnant's `civil_from_days`):
 * 19723 days → 2024-01-01.
 */
export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > ISO_MAX_MS) return new Date(ms).toISOString();
  const days = Math.floor(ms / 86_400_000);
  const t = ms - days * 86_400_000;
  const z = days + 719_468; // days since 0000-03-01
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hh = Math.floor(t / 3_600_000);
  const mm = Math.floor(t / 60_000) % 60;
  const ss = Math.floor(t / 1000) % 60;
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hh)}:${pad2(mm)}:${pad2(ss)}.${pad3(t % 1000)}Z`;
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
      message: `active since ${isoTime(activeSince)}`,
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
