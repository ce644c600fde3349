/**
 * `replica_calculator` cases of `hpa-cases.json` (FORMAT.md §3.1–3.3), run against the
 * calculator functions in `core/policy/hpa`.
 *
 * @module
 */
import {
  getMetricReplicas,
  getRawResourceReplicas,
  getResourceReplicas,
  type PodMetricInput,
} from '../core/policy/hpa/calculator.js';
import { groupPods } from '../core/policy/hpa/group-pods.js';
import {
  getPerReplicaReplicas,
  getValueReplicas,
  saturatingSum,
} from '../core/policy/hpa/object-external.js';
import { customPodMetrics } from '../core/policy/hpa/pod-metrics.js';
import { calculateRequests } from '../core/policy/hpa/requests.js';
import {
  at,
  errorContains,
  int64Json,
  relativeSeconds,
  toCustomSample,
  toPod,
  toResourceSample,
  type CasePod,
  type CaseCustomMetric,
  type CaseResourceMetric,
} from './hpa-fixtures.js';

type Target =
  | { type: 'Utilization'; average_utilization: number }
  | { type: 'AverageValue'; average_value_milli: number | string }
  | { type: 'Value'; value_milli: number | string };

export interface CalculatorCaseInput {
  current_replicas: number;
  status_replicas?: number;
  tolerance: { scale_down: number; scale_up: number };
  cpu_initialization_period_s: number;
  delay_of_initial_readiness_status_s: number;
  target: Target;
  resource?: 'cpu' | 'memory';
  container?: string | null;
  pods: CasePod[];
  pod_resource_metrics?: CaseResourceMetric[];
  pod_custom_metrics?: CaseCustomMetric[];
  object_metric_milli?: number | string;
  external_metric_values_milli?: (number | string)[];
}

type Actual = Record<string, unknown>;

function podInput(input: CalculatorCaseInput, samples: PodMetricInput['samples']): PodMetricInput {
  return {
    currentReplicas: input.current_replicas,
    pods: input.pods.map((p) => toPod(p, input.resource ?? 'cpu')),
    samples,
    tolerance: { scaleDown: input.tolerance.scale_down, scaleUp: input.tolerance.scale_up },
    cpuInitializationPeriodMs: input.cpu_initialization_period_s * 1000,
    initialReadinessDelayMs: input.delay_of_initial_readiness_status_s * 1000,
    now: at(0),
  };
}

function targetMilli(target: Target): bigint {
  if (target.type === 'Utilization') return BigInt(target.average_utilization);
  return BigInt(target.type === 'Value' ? target.value_milli : target.average_value_milli);
}

function resourceCase(input: CalculatorCaseInput, expected: Actual): Actual {
  const pi = podInput(input, (input.pod_resource_metrics ?? []).map(toResourceSample));
  const scope = { resource: input.resource ?? 'cpu', container: input.container ?? null };
  if (input.target.type === 'Utilization') {
    const r = getResourceReplicas(pi, {
      ...scope,
      targetUtilization: input.target.average_utilization,
    });
    if (!r.ok) return { error_contains: errorContains(r.error, expected['error_contains']) };
    return {
      replicas: r.replicas,
      utilization_percent: r.utilization,
      raw_average_milli: r.rawAverageMilli,
      timestamp_s: relativeSeconds(r.timestamp),
    };
  }
  const r = getRawResourceReplicas(pi, {
    ...scope,
    targetAverageMilli: Number(targetMilli(input.target)),
  });
  if (!r.ok) return { error_contains: errorContains(r.error, expected['error_contains']) };
  return { replicas: r.replicas, usage_milli: r.usageMilli };
}

function podsCase(input: CalculatorCaseInput, expected: Actual): Actual {
  const pi = podInput(input, (input.pod_custom_metrics ?? []).map(toCustomSample));
  const r = getMetricReplicas(pi, {
    metricName: 'metric',
    targetAverageMilli: Number(targetMilli(input.target)),
  });
  if (!r.ok) return { error_contains: errorContains(r.error, expected['error_contains']) };
  return { replicas: r.replicas, usage_milli: r.usageMilli };
}

function valueCase(input: CalculatorCaseInput, usageMilli: bigint, perReplica: boolean): Actual {
  const tolerance = { scaleDown: input.tolerance.scale_down, scaleUp: input.tolerance.scale_up };
  const r = perReplica
    ? getPerReplicaReplicas({
        statusReplicas: input.status_replicas ?? input.current_replicas,
        usageMilli,
        targetMilli: targetMilli(input.target),
        tolerance,
      })
    : getValueReplicas({
        currentReplicas: input.current_replicas,
        pods: input.pods.map((p) => toPod(p)),
        usageMilli,
        targetMilli: targetMilli(input.target),
        tolerance,
      });
  if (!r.ok) return { error_contains: r.error };
  return { replicas: r.replicas, usage_milli: int64Json(r.usageMilli) };
}

const externalSum = (input: CalculatorCaseInput): bigint =>
  saturatingSum((input.external_metric_values_milli ?? []).map((v) => BigInt(v)));
const objectValue = (input: CalculatorCaseInput): bigint => BigInt(input.object_metric_milli ?? 0);

/** Runs one calculator case; returns the fields comparable with `expected`. */
export function runCalculatorCase(
  fn: string,
  input: CalculatorCaseInput,
  expected: Actual,
): Actual {
  switch (fn) {
    case 'GetResourceReplicas':
      return resourceCase(input, expected);
    case 'GetMetricReplicas':
      return podsCase(input, expected);
    case 'GetObjectMetricReplicas':
      return valueCase(input, objectValue(input), false);
    case 'GetObjectPerPodMetricReplicas':
      return valueCase(input, objectValue(input), true);
    case 'GetExternalMetricReplicas':
      return valueCase(input, externalSum(input), false);
    case 'GetExternalPerPodMetricReplicas':
      return valueCase(input, externalSum(input), true);
    default:
      throw new Error(`function = "${fn}", not a replica-calculator function`);
  }
}

export interface GroupPodsCaseInput {
  resource: 'cpu' | 'memory';
  cpu_initialization_period_s: number;
  delay_of_initial_readiness_status_s: number;
  pods: CasePod[];
  metrics: CaseCustomMetric[];
}

export function runGroupPodsCase(input: GroupPodsCaseInput): Actual {
  const groups = groupPods(
    input.pods.map((p) => toPod(p, input.resource)),
    customPodMetrics(input.metrics.map(toCustomSample)),
    {
      resource: input.resource,
      cpuInitializationPeriodMs: input.cpu_initialization_period_s * 1000,
      initialReadinessDelayMs: input.delay_of_initial_readiness_status_s * 1000,
      now: at(0),
    },
  );
  return {
    ready_count: groups.readyCount,
    unready: [...groups.unready].sort(),
    missing: [...groups.missing].sort(),
    ignored: [...groups.ignored].sort(),
  };
}

export interface RequestCaseInput {
  container: string | null;
  pod_level_resources_feature_enabled: boolean;
  resource: 'cpu' | 'memory';
  pods: CasePod[];
}

export function runRequestCase(input: RequestCaseInput, expected: Actual): Actual {
  const r = calculateRequests(
    input.pods.map((p) => toPod(p, input.resource)),
    {
      resource: input.resource,
      container: input.container,
      podLevelResources: input.pod_level_resources_feature_enabled,
    },
  );
  if (!r.ok) return { error_contains: errorContains(r.error, expected['error_contains']) };
  return { requests_milli: Object.fromEntries(r.requests) };
}
