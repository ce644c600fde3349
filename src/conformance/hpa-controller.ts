/**
 * `controller` cases of `hpa-cases.json` (FORMAT.md §3.4): one full HPA evaluation, run through
 * `decide` itself. The case's HPA object becomes a ScalerSpec (one trigger per metric), its fake
 * metrics APIs become the Observation's readings.
 *
 * @module
 */
import { decide } from '../core/decide.js';
import type {
  MetricReading,
  Observation,
  ScalerSpec,
  ScalerState,
  TriggerSpec,
} from '../core/model.js';
import { initialState } from '../core/model.js';
import { scalerSpecSchema } from '../core/spec.js';
import {
  at,
  toCustomSample,
  toEvents,
  toPod,
  toRecommendations,
  toResourceSample,
  toRules,
  type CaseCustomMetric,
  type CaseEvent,
  type CasePod,
  type CaseResourceMetric,
  type CaseRules,
} from './hpa-fixtures.js';

type CaseTarget =
  | { type: 'Utilization'; average_utilization: number }
  | { type: 'AverageValue'; average_value_milli: number }
  | { type: 'Value'; value_milli: number };

interface MetricSpec {
  type: string;
  resource?: 'cpu' | 'memory';
  container?: string;
  target?: CaseTarget | null;
}

export interface ControllerCase {
  controller_config: {
    tolerance: { scale_down: number; scale_up: number };
    downscale_stabilization_s: number;
    cpu_initialization_period_s: number;
    delay_of_initial_readiness_status_s: number;
    legacy_scale_up_limit_factor: number;
    legacy_scale_up_limit_minimum: number;
  };
  input: {
    hpa: {
      min_replicas: number;
      max_replicas: number;
      metrics: MetricSpec[];
      behavior: null | { scale_up: CaseRules | null; scale_down: CaseRules | null };
    };
    scale: { spec_replicas: number; status_replicas: number };
    pods: CasePod[];
    pod_resource_metrics: CaseResourceMetric[];
    pod_custom_metrics: CaseCustomMetric[];
    object_metric_milli: number | null;
    external_metric_values_milli: number[];
    metric_fetch_failures: string[];
    controller_state: {
      recommendations: null | { replicas: number; timestamp_s: number }[];
      scale_up_events: CaseEvent[];
      scale_down_events: CaseEvent[];
    };
  };
}

function toTarget(target: CaseTarget | null | undefined): TriggerSpec['target'] {
  if (target === null || target === undefined) return { type: 'Utilization', value: 80 };
  if (target.type === 'Utilization')
    return { type: 'Utilization', value: target.average_utilization };
  if (target.type === 'AverageValue')
    return { type: 'AverageValue', value: target.average_value_milli / 1000 };
  return { type: 'Value', value: target.value_milli / 1000 };
}

/** The fetch-failure key of a metric type: ContainerResource reads the resource metrics API. */
const apiOf = (type: string): string => (type === 'ContainerResource' ? 'Resource' : type);

function toTrigger(m: MetricSpec, i: number): TriggerSpec {
  const isResource = m.type === 'Resource' || m.type === 'ContainerResource';
  return {
    name: `metric-${i}`,
    type: isResource ? 'resource' : m.type.toLowerCase(),
    // An unknown type (the upstream "CheddarCheese" case) is kept as is: decide must reject it.
    metricType: m.type as TriggerSpec['metricType'],
    target: toTarget(m.target),
    activation: 0,
    ...(m.resource === undefined ? {} : { resource: m.resource }),
    ...(m.container === undefined ? {} : { container: m.container }),
    config: {},
  };
}

function reading(c: ControllerCase, m: MetricSpec): MetricReading {
  const input = c.input;
  if (input.metric_fetch_failures.includes(apiOf(m.type))) {
    return {
      status: 'error',
      error: {
        code: 'FetchFailed',
        message: `the ${m.type} metrics API returned an error`,
        retryable: true,
      },
    };
  }
  const timestamp = at(0);
  switch (m.type) {
    case 'Resource':
    case 'ContainerResource':
      return {
        status: 'ok',
        timestamp,
        podSamples: input.pod_resource_metrics.map(toResourceSample),
      };
    case 'Pods':
      return { status: 'ok', timestamp, podSamples: input.pod_custom_metrics.map(toCustomSample) };
    case 'Object':
      return {
        status: 'ok',
        timestamp,
        valuesMilli: input.object_metric_milli === null ? [] : [input.object_metric_milli],
      };
    case 'External':
      return { status: 'ok', timestamp, valuesMilli: input.external_metric_values_milli };
    default:
      return { status: 'ok', timestamp };
  }
}

export function controllerSpec(c: ControllerCase): ScalerSpec {
  const { hpa } = c.input;
  const cfg = c.controller_config;
  const base = scalerSpecSchema.parse({
    // Upstream's HPA has no prediction: the conformance spec is the reactive engine alone.
    prediction: { mode: 'off' },
    minReplicas: hpa.min_replicas,
    maxReplicas: hpa.max_replicas,
    triggers: [],
    behavior:
      hpa.behavior === null
        ? null
        : {
            scaleUp: { ...toRules(hpa.behavior.scale_up), tolerance: cfg.tolerance.scale_up },
            scaleDown: { ...toRules(hpa.behavior.scale_down), tolerance: cfg.tolerance.scale_down },
          },
    hpa: {
      tolerance: cfg.tolerance.scale_up,
      cpuInitializationPeriodSeconds: cfg.cpu_initialization_period_s,
      initialReadinessDelaySeconds: cfg.delay_of_initial_readiness_status_s,
      downscaleStabilizationSeconds: cfg.downscale_stabilization_s,
      legacyScaleUpLimitFactor: cfg.legacy_scale_up_limit_factor,
      legacyScaleUpLimitMinimum: cfg.legacy_scale_up_limit_minimum,
    },
    // The HPA alone (HPAScaleToZero): with minReplicas 0 its metrics move the target to and from 0.
    event: { zeroTransitions: 'hpa' },
  });
  return { ...base, triggers: hpa.metrics.map(toTrigger) };
}

export function controllerObservation(c: ControllerCase): Observation {
  const { input } = c;
  return {
    currentReplicas: input.scale.spec_replicas,
    statusReplicas: input.scale.status_replicas,
    pods: input.pods.map((p) => toPod(p)),
    metrics: Object.fromEntries(input.hpa.metrics.map((m, i) => [`metric-${i}`, reading(c, m)])),
  };
}

export function controllerState(c: ControllerCase): ScalerState {
  const s = c.input.controller_state;
  return {
    ...initialState(),
    recommendations: s.recommendations === null ? null : toRecommendations(s.recommendations),
    scaleUpEvents: toEvents(s.scale_up_events),
    scaleDownEvents: toEvents(s.scale_down_events),
  };
}

/** Runs one controller case through `decide`; returns the fields comparable with `expected`. */
export function runControllerCase(c: ControllerCase): Record<string, unknown> {
  const spec = controllerSpec(c);
  const decision = decide(spec, controllerObservation(c), controllerState(c), at(0));
  const cpu = spec.triggers.findIndex(
    (t) => t.metricType === 'Resource' && t.resource === 'cpu' && t.target.type === 'Utilization',
  );
  const cpuValue = cpu < 0 ? undefined : decision.triggers[cpu]?.value;
  return {
    desired_replicas: decision.desiredReplicas,
    rescaled: decision.desiredReplicas !== c.input.scale.spec_replicas,
    conditions: decision.conditions.map((k) => ({
      type: k.type,
      status: k.status,
      reason: k.reason,
    })),
    ...(cpuValue === undefined || cpuValue === null ? {} : { cpu_utilization_percent: cpuValue }),
  };
}
