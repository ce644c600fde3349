/**
 * Behavior rate limits (`convertDesiredReplicasWithBehaviorRate`, ALGORITHMS.md §1.11.2), applied
 * after stabilization, together with the min/max clamp in the direction being moved.
 *
 * @module
 */
import type { ScaleEvent, ScalingPolicy } from '../model.js';
import { replicasChangePerPeriod } from './scale-events.js';
import { stepReason, type StepResult } from './step.js';

const MAX_INT32 = 2_147_483_647;
const MIN_INT32 = -2_147_483_648;

/** One direction's rules after defaulting. */
export interface EffectiveRules {
  readonly stabilizationWindowSeconds: number;
  readonly selectPolicy: 'Max' | 'Min' | 'Disabled';
  readonly policies: readonly ScalingPolicy[];
}

export interface LimitInput {
  readonly current: number;
  readonly rules: Pick<EffectiveRules, 'selectPolicy' | 'policies'>;
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
  readonly now: number;
}

/** The replica count at the start of a policy's period: current − added + removed (both lists). */
function periodStart(input: LimitInput, periodSeconds: number): number {
  const added = replicasChangePerPeriod(periodSeconds, input.scaleUpEvents, input.now);
  const removed = replicasChangePerPeriod(periodSeconds, input.scaleDownEvents, input.now);
  return input.current - added + removed;
}

/**
 * The highest count scale-up may reach now. Pods: start + value; Percent: ceil(start × (1 + v/100))
 * (rounded up so 1 % of 3 still allows +1). Max picks the largest proposal, Min the smallest.
 */
export function scaleUpLimit(input: LimitInput): number {
  const { selectPolicy, policies } = input.rules;
  if (selectPolicy === 'Disabled') return input.current;
  let result = selectPolicy === 'Min' ? MAX_INT32 : MIN_INT32;
  for (const policy of policies) {
    const start = periodStart(input, policy.periodSeconds);
    const proposed =
      policy.type === 'Pods' ? start + policy.value : Math.ceil(start * (1 + policy.value / 100));
    result = selectPolicy === 'Min' ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/**
 * The lowest count scale-down may reach now. Pods: start − value; Percent: trunc(start × (1 − v/100)).
 * Max (largest change) picks the smallest proposal, Min the largest.
 */
export function scaleDownLimit(input: LimitInput): number {
  const { selectPolicy, policies } = input.rules;
  if (selectPolicy === 'Disabled') return input.current;
  let result = selectPolicy === 'Min' ? MIN_INT32 : MAX_INT32;
  for (const policy of policies) {
    const start = periodStart(input, policy.periodSeconds);
    const proposed =
      policy.type === 'Pods' ? start - policy.value : Math.trunc(start * (1 - policy.value / 100));
    result = selectPolicy === 'Min' ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

export interface RateLimitInput {
  readonly current: number;
  readonly desired: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly scaleUp: Pick<EffectiveRules, 'selectPolicy' | 'policies'>;
  readonly scaleDown: Pick<EffectiveRules, 'selectPolicy' | 'policies'>;
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
  readonly now: number;
}

const STEP = 'rateLimit';

function withinRange(desired: number): StepResult {
  return {
    replicas: desired,
    reason: stepReason(
      STEP,
      'DesiredWithinRange',
      `${desired} is within the allowed range`,
      desired,
    ),
  };
}

function limitUp(input: RateLimitInput): StepResult {
  const events = { scaleUpEvents: input.scaleUpEvents, scaleDownEvents: input.scaleDownEvents };
  const limit = Math.max(
    scaleUpLimit({ current: input.current, rules: input.scaleUp, now: input.now, ...events }),
    input.current,
  );
  const byRate = input.maxReplicas > limit;
  const upper = byRate ? limit : input.maxReplicas;
  if (input.desired <= upper) return withinRange(input.desired);
  const reason = byRate
    ? stepReason(
        STEP,
        'ScaleUpLimit',
        `scale-up policies allow at most ${upper} now (asked ${input.desired})`,
        upper,
      )
    : stepReason(STEP, 'TooManyReplicas', `${input.desired} is above maxReplicas ${upper}`, upper);
  return { replicas: upper, reason };
}

function limitDown(input: RateLimitInput): StepResult {
  const events = { scaleUpEvents: input.scaleUpEvents, scaleDownEvents: input.scaleDownEvents };
  const limit = Math.min(
    scaleDownLimit({ current: input.current, rules: input.scaleDown, now: input.now, ...events }),
    input.current,
  );
  const byRate = input.minReplicas < limit;
  const lower = byRate ? limit : input.minReplicas;
  if (input.desired >= lower) return withinRange(input.desired);
  const reason = byRate
    ? stepReason(
        STEP,
        'ScaleDownLimit',
        `scale-down policies allow at least ${lower} now (asked ${input.desired})`,
        lower,
      )
    : stepReason(STEP, 'TooFewReplicas', `${input.desired} is below minReplicas ${lower}`, lower);
  return { replicas: lower, reason };
}

/**
 * Limits the stabilized count by the behavior policies and min/max, only in the direction moved.
 * Example: current 10, desired 50, default policies (max(+4, +100 %) per 15 s) → 20, ScaleUpLimit.
 */
export function convertDesiredReplicasWithBehaviorRate(input: RateLimitInput): StepResult {
  if (input.desired > input.current) return limitUp(input);
  if (input.desired < input.current) return limitDown(input);
  return withinRange(input.desired);
}
