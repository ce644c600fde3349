/**
 * The per-pod metric target (upstream `ResolveMetricTarget`, ALGORITHMS.md §2.2):
 *
 * - concurrency: `total` = containerConcurrency if > 0, else the configured default (100);
 *   utilization = `container-concurrency-target-percentage` (0.7);
 * - rps: `total` = `requests-per-second-target-default` (200); utilization = 0.7;
 * - the `target` annotation replaces `total` (for concurrency with a containerConcurrency limit,
 *   the smaller of the two), `target-utilization-percentage` replaces the utilization;
 * - `target = max(0.01, total × utilization)`.
 *
 * E.g. containerConcurrency 12 with 75 %: total 12, target 9.
 *
 * @module
 */
import { annotationKeys, numberAnnotation, type Annotations } from './annotations.js';
import type { ScalingMetric } from './types.js';

/** Knative's lowest allowed per-pod target. */
export const TARGET_MIN = 0.01;

export interface TargetConfig {
  /** A fraction in (0, 1]. */
  readonly containerConcurrencyTargetFraction: number;
  readonly containerConcurrencyTargetDefault: number;
  readonly rpsTargetDefault: number;
  /** The RPS utilization fraction (0.7). */
  readonly targetUtilization: number;
}

export const defaultTargetConfig: TargetConfig = {
  containerConcurrencyTargetFraction: 0.7,
  containerConcurrencyTargetDefault: 100,
  rpsTargetDefault: 200,
  targetUtilization: 0.7,
};

export interface ResolvedTarget {
  readonly target: number;
  readonly total: number;
}

/** The revision's scaling metric: the `metric` annotation, concurrency by default. */
export function scalingMetric(annotations: Annotations): ScalingMetric {
  return annotations[annotationKeys.metric] === 'rps' ? 'rps' : 'concurrency';
}

function baseTotal(
  metric: ScalingMetric,
  containerConcurrency: number,
  config: TargetConfig,
): ResolvedTarget {
  if (metric === 'rps') return { total: config.rpsTargetDefault, target: config.targetUtilization };
  const total =
    containerConcurrency > 0 ? containerConcurrency : config.containerConcurrencyTargetDefault;
  return { total, target: config.containerConcurrencyTargetFraction };
}

/** Resolves `{target, total}`; `target` is the per-pod value the decider aims for. */
export function resolveMetricTarget(input: {
  readonly containerConcurrency: number;
  readonly annotations: Annotations;
  readonly config: TargetConfig;
}): ResolvedTarget {
  const { annotations, containerConcurrency } = input;
  const metric = scalingMetric(annotations);
  const base = baseTotal(metric, containerConcurrency, input.config);
  let total = base.total;
  let utilization = base.target;
  const annotated = numberAnnotation(annotations, annotationKeys.target);
  if (annotated !== null && annotated >= TARGET_MIN) {
    total =
      metric === 'concurrency' && containerConcurrency !== 0
        ? Math.min(annotated, containerConcurrency)
        : annotated;
  }
  const percent = numberAnnotation(annotations, annotationKeys.targetUtilizationPercentage);
  if (percent !== null && percent > 0) utilization = percent / 100;
  return { target: Math.max(TARGET_MIN, total * utilization), total };
}
