/**
 * The replica calculator for per-pod metrics: Resource/ContainerResource (Utilization and
 * AverageValue) and Pods (AverageValue), ALGORITHMS.md §1.3–1.7.
 *
 * @module
 */
import type { PodInfo, PodSample } from '../../model.js';
import type { Tolerance } from '../../steps/tolerance.js';
import { proposeDirect, proposeWithCorrection } from './correction.js';
import { groupPods, type PodGroups } from './group-pods.js';
import { customPodMetrics, resourcePodMetrics, type PodMetrics } from './pod-metrics.js';
import { calculateRequests } from './requests.js';
import { metricUsageRatio, resourceUtilizationRatio } from './usage-ratio.js';

export type CalcResult<T> =
  ({ readonly ok: true } & T) | { readonly ok: false; readonly error: string };

export interface PodMetricInput {
  /** `scale.spec.replicas`. */
  readonly currentReplicas: number;
  readonly pods: readonly PodInfo[];
  readonly samples: readonly PodSample[];
  readonly tolerance: Tolerance;
  readonly cpuInitializationPeriodMs: number;
  readonly initialReadinessDelayMs: number;
  readonly now: number;
}

export interface ResourceScope {
  readonly resource: 'cpu' | 'memory';
  /** ContainerResource: the container; null = the whole pod. */
  readonly container: string | null;
  /** The PodLevelResources gate (default on). */
  readonly podLevelResources?: boolean;
}

export interface UtilizationProposal {
  readonly replicas: number;
  readonly utilization: number;
  readonly rawAverageMilli: number;
  readonly timestamp: number;
}

export interface AverageProposal {
  readonly replicas: number;
  /** First-pass average per pod, milli-units (what the status reports). */
  readonly usageMilli: number;
  readonly timestamp: number;
}

const NO_PODS = 'no pods returned by selector while calculating replica count';
const NO_READY_METRICS = 'did not receive metrics for targeted pods (pods might be unready)';

interface Grouped {
  readonly groups: PodGroups;
  readonly metrics: PodMetrics;
}

/**
 * Groups pods and drops the samples of ignored and unready pods (mutating `metrics`, which the
 * caller built for this call); an error when none remain.
 */
function groupAndFilter(
  input: PodMetricInput,
  metrics: PodMetrics,
  resource: 'cpu' | 'memory' | null,
): Grouped | string {
  if (input.pods.length === 0) return NO_PODS;
  const groups = groupPods(input.pods, metrics, {
    resource,
    cpuInitializationPeriodMs: input.cpuInitializationPeriodMs,
    initialReadinessDelayMs: input.initialReadinessDelayMs,
    now: input.now,
  });
  // `metrics` is this call's own map (built from the samples): drop entries in place.
  for (const pod of groups.ignored) metrics.delete(pod);
  for (const pod of groups.unready) metrics.delete(pod);
  if (metrics.size === 0) return NO_READY_METRICS;
  return { groups, metrics };
}

function resourceMetrics(input: PodMetricInput, scope: ResourceScope): PodMetrics | string {
  if (input.samples.length === 0) {
    return `unable to get metrics for resource ${scope.resource}: no metrics returned from resource metrics API`;
  }
  return resourcePodMetrics(input.samples, scope.container);
}

function firstTimestamp(samples: readonly PodSample[]): number {
  return samples[0]?.timestamp ?? 0;
}

/**
 * Resource/ContainerResource with a Utilization target. Example: 3 pods at 600m/1000m/1400m
 * usage over 2000m requests each, target 30 % → U = 50, ratio 1.67 → ceil(1.67 × 3) = 5.
 */
export function getResourceReplicas(
  input: PodMetricInput,
  scope: ResourceScope & { readonly targetUtilization: number },
): CalcResult<UtilizationProposal> {
  const raw = resourceMetrics(input, scope);
  if (typeof raw === 'string') return { ok: false, error: raw };
  const grouped = groupAndFilter(input, raw, scope.resource);
  if (typeof grouped === 'string') return { ok: false, error: grouped };
  const req = calculateRequests(input.pods, {
    resource: scope.resource,
    container: scope.container,
    podLevelResources: scope.podLevelResources ?? true,
  });
  if (!req.ok) return { ok: false, error: req.error };
  const first = resourceUtilizationRatio(grouped.metrics, req.requests, scope.targetUtilization);
  if (typeof first === 'string') return { ok: false, error: first };
  const fallbackPercent = Math.max(100, scope.targetUtilization);
  const current = input.currentReplicas;
  const direct = proposeDirect(current, first.ratio, grouped.groups, input.tolerance);
  const replicas =
    direct ??
    proposeWithCorrection({
      currentReplicas: input.currentReplicas,
      ratio: first.ratio,
      groups: grouped.groups,
      metrics: grouped.metrics,
      tolerance: input.tolerance,
      missingValueOnScaleDown: (pod) =>
        Math.trunc(((req.requests.get(pod) ?? 0) * fallbackPercent) / 100),
      recompute: (m) => {
        const r = resourceUtilizationRatio(m, req.requests, scope.targetUtilization);
        return typeof r === 'string' ? r : r.ratio;
      },
    });
  if (typeof replicas === 'string') return { ok: false, error: replicas };
  return {
    ok: true,
    replicas,
    utilization: first.utilization,
    rawAverageMilli: first.rawAverageMilli,
    timestamp: firstTimestamp(input.samples),
  };
}

function plainReplicas(
  input: PodMetricInput,
  metrics: PodMetrics,
  opts: { readonly resource: 'cpu' | 'memory' | null; readonly targetMilli: number },
): CalcResult<AverageProposal> {
  const grouped = groupAndFilter(input, metrics, opts.resource);
  if (typeof grouped === 'string') return { ok: false, error: grouped };
  const first = metricUsageRatio(grouped.metrics, opts.targetMilli);
  const replicas = proposeWithCorrection({
    currentReplicas: input.currentReplicas,
    ratio: first.ratio,
    groups: grouped.groups,
    metrics: grouped.metrics,
    tolerance: input.tolerance,
    missingValueOnScaleDown: () => opts.targetMilli,
    recompute: (m) => metricUsageRatio(m, opts.targetMilli).ratio,
  });
  if (typeof replicas === 'string') return { ok: false, error: replicas };
  return {
    ok: true,
    replicas,
    usageMilli: first.averageMilli,
    timestamp: firstTimestamp(input.samples),
  };
}

/** Resource/ContainerResource with an AverageValue target (CPU readiness filtering still applies). */
export function getRawResourceReplicas(
  input: PodMetricInput,
  scope: ResourceScope & { readonly targetAverageMilli: number },
): CalcResult<AverageProposal> {
  const raw = resourceMetrics(input, scope);
  if (typeof raw === 'string') return { ok: false, error: raw };
  return plainReplicas(input, raw, {
    resource: scope.resource,
    targetMilli: scope.targetAverageMilli,
  });
}

/** Pods metrics with an AverageValue target (no readiness filtering). */
export function getMetricReplicas(
  input: PodMetricInput,
  target: { readonly metricName: string; readonly targetAverageMilli: number },
): CalcResult<AverageProposal> {
  if (input.samples.length === 0) {
    return {
      ok: false,
      error: `unable to get metric ${target.metricName}: no metrics returned from custom metrics API`,
    };
  }
  return plainReplicas(input, customPodMetrics(input.samples), {
    resource: null,
    targetMilli: target.targetAverageMilli,
  });
}
