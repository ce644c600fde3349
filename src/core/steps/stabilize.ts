/**
 * Stabilization over the history of raw (pre-stabilization) recommendations (ALGORITHMS.md
 * §1.10.1 and §1.11.1). Both functions are pure: they return the stabilized count and the new
 * history; the caller stores the history in ScalerState.
 *
 * @module
 */
import type { Recommendation } from '../model.js';
import { stepReason, type StepResult } from './step.js';

export interface StabilizeResult extends StepResult {
  readonly recommendations: readonly Recommendation[];
}

/** Replaces the entry at `index` (when ≥ 0) with `entry`, else appends it. */
function storeAt(
  history: readonly Recommendation[],
  index: number,
  entry: Recommendation,
): Recommendation[] {
  const next = history.slice();
  if (index >= 0) next[index] = entry;
  else next.push(entry);
  return next;
}

export interface LegacyStabilizeInput {
  readonly desired: number;
  readonly recommendations: readonly Recommendation[];
  readonly windowSeconds: number;
  readonly now: number;
}

/**
 * The legacy path (no behavior): only scale-down is stabilized.
 * `stabilized = max(desired, max{r : r.timestamp ≥ now − W})`; then (desired, now) overwrites the
 * last entry older than the window, or is appended. Example: W = 300 s, desired 3, history
 * [(4, −120 s), (5, −60 s)] → 5, and the history grows to three entries.
 */
export function stabilizeRecommendation(input: LegacyStabilizeInput): StabilizeResult {
  const cutoff = input.now - input.windowSeconds * 1000;
  let max = input.desired;
  let oldIndex = -1;
  input.recommendations.forEach((rec, i) => {
    if (rec.timestamp < cutoff) oldIndex = i;
    else if (rec.replicas > max) max = rec.replicas;
  });
  const recommendations = storeAt(input.recommendations, oldIndex, {
    replicas: input.desired,
    timestamp: input.now,
  });
  const reason =
    max !== input.desired
      ? stepReason(
          'stabilize',
          'ScaleDownStabilized',
          `highest recommendation in the last ${input.windowSeconds} s was ${max}, so ${input.desired} is held at ${max}`,
          max,
        )
      : stepReason(
          'stabilize',
          'ReadyForNewScale',
          `no higher recommendation in the last ${input.windowSeconds} s: ${input.desired} stands`,
          max,
        );
  return { replicas: max, reason, recommendations };
}

export interface BehaviorStabilizeInput {
  readonly current: number;
  readonly desired: number;
  readonly upWindowSeconds: number;
  readonly downWindowSeconds: number;
  readonly recommendations: readonly Recommendation[];
  readonly now: number;
}

/**
 * The behavior path: `upRec = min(desired, {r : r.timestamp > now − Wup})`,
 * `downRec = max(desired, {r : r.timestamp > now − Wdown})` (strict), and the result is `current`
 * raised to upRec, then lowered to downRec. (desired, now) overwrites the last entry older than
 * both windows, or is appended. Example: current 2, desired 3, history [(1, −180 s)], both windows
 * 300 s → upRec 1, downRec 3, result 2 (never moves against the direction of desired).
 */
export function stabilizeRecommendationWithBehaviors(
  input: BehaviorStabilizeInput,
): StabilizeResult {
  const upCutoff = input.now - input.upWindowSeconds * 1000;
  const downCutoff = input.now - input.downWindowSeconds * 1000;
  let up = input.desired;
  let down = input.desired;
  let oldIndex = -1;
  input.recommendations.forEach((rec, i) => {
    if (rec.timestamp > upCutoff) up = Math.min(up, rec.replicas);
    if (rec.timestamp > downCutoff) down = Math.max(down, rec.replicas);
    if (rec.timestamp < upCutoff && rec.timestamp < downCutoff) oldIndex = i;
  });
  const stabilized = Math.min(Math.max(input.current, up), down);
  const recommendations = storeAt(input.recommendations, oldIndex, {
    replicas: input.desired,
    timestamp: input.now,
  });
  return { replicas: stabilized, reason: behaviorReason(input, stabilized), recommendations };
}

function behaviorReason(input: BehaviorStabilizeInput, stabilized: number): StepResult['reason'] {
  if (stabilized === input.desired) {
    return stepReason(
      'stabilize',
      'ReadyForNewScale',
      `recommendations in the stabilization windows allow ${input.desired}`,
      stabilized,
    );
  }
  if (input.desired >= input.current) {
    return stepReason(
      'stabilize',
      'ScaleUpStabilized',
      `recommendations in the last ${input.upWindowSeconds} s hold the scale-up to ${input.desired} at ${stabilized}`,
      stabilized,
    );
  }
  return stepReason(
    'stabilize',
    'ScaleDownStabilized',
    `recommendations in the last ${input.downWindowSeconds} s hold the scale-down to ${input.desired} at ${stabilized}`,
    stabilized,
  );
}
