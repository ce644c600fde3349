/**
 * Normalization of the combined proposal (ALGORITHMS.md §1.10 and §1.11): the behavior path
 * (stabilize both directions → rate limits and min/max) or, when the spec has no behavior block,
 * the legacy path (scale-down stabilization → `max(factor × current, minimum)` clamp).
 *
 * @module
 */
import type { Condition, Reason, Recommendation, ScaleEvent, ScalerSpec } from '../model.js';
import { defaultScaleDownPolicies, defaultScaleUpPolicies } from '../spec.js';
import { condition } from '../conditions.js';
import { convertDesiredReplicasWithRules } from './clamp.js';
import { convertDesiredReplicasWithBehaviorRate, type EffectiveRules } from './rate-limit.js';
import {
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
  type StabilizeResult,
} from './stabilize.js';
import type { StepResult } from './step.js';

export interface EffectiveBehavior {
  readonly scaleUp: EffectiveRules;
  readonly scaleDown: EffectiveRules;
}

/**
 * The behavior with upstream defaults filled in: scale-up window 0 s and [4 pods, 100 %] per 15 s;
 * scale-down window = `hpa.downscaleStabilizationSeconds` and [100 %] per 15 s. A policies list
 * replaces the defaults entirely. Null when the spec has no behavior (legacy path).
 */
export function effectiveBehavior(
  spec: Pick<ScalerSpec, 'behavior' | 'hpa'>,
): EffectiveBehavior | null {
  const b = spec.behavior;
  if (b === null) return null;
  return {
    scaleUp: {
      stabilizationWindowSeconds: b.scaleUp.stabilizationWindowSeconds ?? 0,
      selectPolicy: b.scaleUp.selectPolicy,
      policies: b.scaleUp.policies ?? defaultScaleUpPolicies,
    },
    scaleDown: {
      stabilizationWindowSeconds:
        b.scaleDown.stabilizationWindowSeconds ?? spec.hpa.downscaleStabilizationSeconds,
      selectPolicy: b.scaleDown.selectPolicy,
      policies: b.scaleDown.policies ?? defaultScaleDownPolicies,
    },
  };
}

export interface NormalizeInput {
  readonly spec: Pick<ScalerSpec, 'behavior' | 'hpa' | 'minReplicas' | 'maxReplicas'>;
  readonly current: number;
  readonly desired: number;
  /** A shorter scale-down window to use this tick (the headroom plan's); null = configured. */
  readonly downWindowSeconds?: number | null;
  readonly recommendations: readonly Recommendation[];
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
  readonly now: number;
}

export interface NormalizeResult {
  readonly replicas: number;
  readonly recommendations: readonly Recommendation[];
  readonly reasons: readonly Reason[];
  /** AbleToScale (from stabilization) and ScalingLimited (from the limits), in that order. */
  readonly conditions: readonly Condition[];
}

function finish(stable: StabilizeResult, limited: StepResult): NormalizeResult {
  const able = condition('AbleToScale', true, stable.reason.code, stable.reason.message);
  const limitedCond = condition(
    'ScalingLimited',
    limited.replicas !== stable.replicas,
    limited.reason.code,
    limited.reason.message,
  );
  return {
    replicas: limited.replicas,
    recommendations: stable.recommendations,
    reasons: [stable.reason, limited.reason],
    conditions: [able, limitedCond],
  };
}

const shorter = (configured: number, override: number | null | undefined): number =>
  override === null || override === undefined ? configured : Math.min(configured, override);

function normalizeLegacy(input: NormalizeInput): NormalizeResult {
  const stable = stabilizeRecommendation({
    desired: input.desired,
    recommendations: input.recommendations,
    windowSeconds: shorter(input.spec.hpa.downscaleStabilizationSeconds, input.downWindowSeconds),
    now: input.now,
  });
  const limited = convertDesiredReplicasWithRules({
    current: input.current,
    desired: stable.replicas,
    minReplicas: input.spec.minReplicas,
    maxReplicas: input.spec.maxReplicas,
    scaleUpLimitFactor: input.spec.hpa.legacyScaleUpLimitFactor,
    scaleUpLimitMinimum: input.spec.hpa.legacyScaleUpLimitMinimum,
  });
  return finish(stable, limited);
}

function normalizeWithBehavior(
  input: NormalizeInput,
  behavior: EffectiveBehavior,
): NormalizeResult {
  const stable = stabilizeRecommendationWithBehaviors({
    current: input.current,
    desired: input.desired,
    upWindowSeconds: behavior.scaleUp.stabilizationWindowSeconds,
    downWindowSeconds: shorter(
      behavior.scaleDown.stabilizationWindowSeconds,
      input.downWindowSeconds,
    ),
    recommendations: input.recommendations,
    now: input.now,
  });
  const limited = convertDesiredReplicasWithBehaviorRate({
    current: input.current,
    desired: stable.replicas,
    minReplicas: input.spec.minReplicas,
    maxReplicas: input.spec.maxReplicas,
    scaleUp: behavior.scaleUp,
    scaleDown: behavior.scaleDown,
    scaleUpEvents: input.scaleUpEvents,
    scaleDownEvents: input.scaleDownEvents,
    now: input.now,
  });
  return finish(stable, limited);
}

/** Stabilize then limit, by the behavior path or the legacy path (spec.behavior === null). */
export function normalize(input: NormalizeInput): NormalizeResult {
  const behavior = effectiveBehavior(input.spec);
  return behavior === null ? normalizeLegacy(input) : normalizeWithBehavior(input, behavior);
}
