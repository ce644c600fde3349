/**
 * Scale-event bookkeeping for the behavior rate limits (ALGORITHMS.md §1.11.4). Events are plain
 * `{change, timestamp, outdated}` records kept per direction in ScalerState.
 *
 * @module
 */
import type { ScaleEvent, ScalingPolicy } from '../model.js';

/**
 * Sum of the changes of events strictly newer than `now − periodSeconds` (an event exactly one
 * period old is outside). Example: events (7, −58 s), (6, −59 s), period 60 s → 13.
 */
export function replicasChangePerPeriod(
  periodSeconds: number,
  events: readonly ScaleEvent[],
  now: number,
): number {
  const cutoff = now - periodSeconds * 1000;
  let sum = 0;
  for (const event of events) if (event.timestamp > cutoff) sum += event.change;
  return sum;
}

export function longestPolicyPeriod(policies: readonly ScalingPolicy[]): number {
  let longest = 0;
  for (const p of policies) if (p.periodSeconds > longest) longest = p.periodSeconds;
  return longest;
}

/**
 * Stores a scale event of `change` replicas at `now` in one direction's list: every event older
 * than the direction's longest policy period is marked outdated, then the new event overwrites
 * the LAST outdated entry, or is appended when none is outdated.
 */
export function storeScaleEvent(
  events: readonly ScaleEvent[],
  policies: readonly ScalingPolicy[],
  change: number,
  now: number,
): ScaleEvent[] {
  const cutoff = now - longestPolicyPeriod(policies) * 1000;
  const next = events.map((e) =>
    e.timestamp < cutoff && !e.outdated ? { ...e, outdated: true } : e,
  );
  let last = -1;
  next.forEach((e, i) => {
    if (e.outdated) last = i;
  });
  const entry: ScaleEvent = { change, timestamp: now, outdated: false };
  if (last >= 0) next[last] = entry;
  else next.push(entry);
  return next;
}

export interface ScaleEventLists {
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
}

export interface RecordScaleInput {
  readonly events: ScaleEventLists;
  /** Effective policies per direction; null = no behavior block (nothing is stored). */
  readonly policies: {
    readonly up: readonly ScalingPolicy[];
    readonly down: readonly ScalingPolicy[];
  } | null;
  readonly previous: number;
  readonly next: number;
  readonly now: number;
}

/** After a rescale from `previous` to `next`, stores the event in the matching direction's list. */
export function recordScaleEvent(input: RecordScaleInput): ScaleEventLists {
  const { events, policies, previous, next, now } = input;
  if (policies === null || previous === next) return events;
  if (next > previous) {
    return {
      scaleUpEvents: storeScaleEvent(events.scaleUpEvents, policies.up, next - previous, now),
      scaleDownEvents: events.scaleDownEvents,
    };
  }
  return {
    scaleUpEvents: events.scaleUpEvents,
    scaleDownEvents: storeScaleEvent(events.scaleDownEvents, policies.down, previous - next, now),
  };
}
