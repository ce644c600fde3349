/**
 * The legacy clamp (`convertDesiredReplicasWithRules`, ALGORITHMS.md §1.10.2), used when the spec
 * has no behavior block.
 *
 * @module
 */
import { stepReason, type StepResult } from './step.js';

export interface LegacyClampInput {
  readonly current: number;
  readonly desired: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Upstream's scaleUpLimitFactor (2 in production). */
  readonly scaleUpLimitFactor: number;
  /** Upstream's scaleUpLimitMinimum (4). */
  readonly scaleUpLimitMinimum: number;
}

const STEP = 'clamp';

/**
 * `limit = trunc(max(factor × current, minimum))`; the upper bound is min(max, limit).
 * Example: current 3, factor 2 → limit 6: a desired 10 with max 20 becomes 6 (ScaleUpLimit).
 */
export function convertDesiredReplicasWithRules(input: LegacyClampInput): StepResult {
  const limit = Math.trunc(
    Math.max(input.scaleUpLimitFactor * input.current, input.scaleUpLimitMinimum),
  );
  const byRate = input.maxReplicas > limit;
  const upper = byRate ? limit : input.maxReplicas;
  if (input.desired < input.minReplicas) {
    const min = input.minReplicas;
    return {
      replicas: min,
      reason: stepReason(
        STEP,
        'TooFewReplicas',
        `${input.desired} is below minReplicas ${min}`,
        min,
      ),
    };
  }
  if (input.desired > upper) {
    const reason = byRate
      ? stepReason(
          STEP,
          'ScaleUpLimit',
          `scale-up is limited to max(${input.scaleUpLimitFactor} × ${input.current}, ${input.scaleUpLimitMinimum}) = ${upper} per evaluation (asked ${input.desired})`,
          upper,
        )
      : stepReason(
          STEP,
          'TooManyReplicas',
          `${input.desired} is above maxReplicas ${upper}`,
          upper,
        );
    return { replicas: upper, reason };
  }
  return {
    replicas: input.desired,
    reason: stepReason(
      STEP,
      'DesiredWithinRange',
      `${input.desired} is within the allowed range`,
      input.desired,
    ),
  };
}
