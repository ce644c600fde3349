/**
 * KEDA e2e steady-state scenarios (FORMAT-KEDA.md §15): the case's ScaledObject becomes a Tide
 * spec, and Tide's `decide` runs every polling interval with the case's trigger values (held
 * constant) until the replica count settles. Targets are ready as soon as they exist.
 *
 * @module
 */
import { decide } from '../core/decide.js';
import {
  initialState,
  type MetricReading,
  type Observation,
  type PodInfo,
  type ScalerState,
} from '../core/model.js';
import { parseSpec, type ScalerSpec } from '../core/spec.js';

interface ScenarioTrigger {
  readonly name: string | null;
  readonly type: string;
  readonly metric_type: 'AverageValue' | 'Value' | null;
  readonly target_value: number | null;
  readonly activation_target_value: number | null;
}

interface ScenarioObject {
  readonly min_replica_count: number;
  readonly max_replica_count: number;
  readonly idle_replica_count: number | null;
  readonly cooldown_period_s: number;
  readonly polling_interval_s: number;
  readonly hpa_scale_down_stabilization_s: number | null;
  readonly fallback: {
    failure_threshold: number;
    replicas: number;
    behavior: string | null;
  } | null;
  readonly scaling_modifiers: {
    formula: string | null;
    target: string | null;
    activation_target: string | null;
    metric_type: 'AverageValue' | 'Value' | null;
  } | null;
  readonly triggers: readonly ScenarioTrigger[];
}

export interface ScenarioInput {
  readonly scaled_object: ScenarioObject;
  readonly replicas_before: number;
  readonly trigger_values: readonly (number | 'failing')[];
}

const t0 = Date.UTC(2024, 0, 1);
const horizonMs = 3_600_000;
const settleMs = 600_000;

const triggerName = (t: ScenarioTrigger, i: number): string => t.name ?? `trigger-${i}`;

/** The Tide spec equivalent to the case's ScaledObject (and the HPA KEDA generates for it). */
export function scenarioSpec(so: ScenarioObject): ScalerSpec {
  const sm = so.scaling_modifiers;
  const input = {
    minReplicas: so.min_replica_count,
    maxReplicas: so.max_replica_count,
    idleReplicas: so.idle_replica_count,
    triggers: so.triggers.map((t, i) => ({
      name: triggerName(t, i),
      type: t.type,
      target: { type: t.metric_type ?? 'AverageValue', value: t.target_value ?? 1 },
      activation: t.activation_target_value ?? 0,
    })),
    // KEDA copies advanced.horizontalPodAutoscalerConfig.behavior; none → the HPA's legacy path.
    behavior:
      so.hpa_scale_down_stabilization_s === null
        ? null
        : { scaleDown: { stabilizationWindowSeconds: so.hpa_scale_down_stabilization_s } },
    event: {
      cooldownSeconds: so.cooldown_period_s,
      scalingModifiers:
        sm === null
          ? null
          : {
              formula: sm.formula ?? '',
              target: Number(sm.target),
              activationTarget: Number(sm.activation_target ?? 0),
              metricType: sm.metric_type ?? 'AverageValue',
            },
    },
    // KEDA has no prediction: the conformance spec is the reactive engine alone.
    prediction: { mode: 'off' },
    fallback:
      so.fallback === null
        ? null
        : {
            failureThreshold: so.fallback.failure_threshold,
            replicas: so.fallback.replicas,
            behavior: so.fallback.behavior ?? 'static',
          },
  };
  const parsed = parseSpec(input);
  if (!parsed.ok) {
    throw new Error(`scenario spec: ${parsed.issues.map((i) => i.message).join('; ')}`);
  }
  return parsed.value;
}

function pods(count: number): PodInfo[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `pod-${i}`,
    phase: 'Running',
    startTime: t0 - 86_400_000,
    ready: { status: true, lastTransitionTime: t0 - 86_400_000 },
    containers: [],
  }));
}

function observe(input: ScenarioInput, current: number, now: number): Observation {
  const metrics: Record<string, MetricReading> = {};
  input.scaled_object.triggers.forEach((t, i) => {
    const v = input.trigger_values[i];
    metrics[triggerName(t, i)] =
      v === 'failing' || v === undefined
        ? {
            status: 'error',
            error: { code: 'SourceDown', message: 'the metrics source is down', retryable: true },
          }
        : { status: 'ok', timestamp: now, valuesMilli: [Math.round(v * 1000)] };
  });
  return { currentReplicas: current, pods: pods(current), metrics };
}

/**
 * Runs one scenario for an hour of polls (with `spec`, by default the case's ScaledObject as
 * `scenarioSpec` writes it; `tide import`'s tests pass the imported one); the replica count must be constant over the last
 * 10 minutes (settled), else the result is null.
 */
export function runKedaScenario(
  input: ScenarioInput,
  spec: ScalerSpec = scenarioSpec(input.scaled_object),
): { replicas: number | null } {
  const stepMs = Math.max(1, input.scaled_object.polling_interval_s) * 1000;
  let current = input.replicas_before;
  let state: ScalerState = {
    ...initialState(),
    createdAt: t0 - 86_400_000,
    lastActiveTime: current > 0 ? t0 : null,
  };
  let lastChange = t0;
  for (let now = t0; now <= t0 + horizonMs; now += stepMs) {
    const d = decide(spec, observe(input, current, now), state, now);
    state = d.state;
    if (d.desiredReplicas !== current) lastChange = now;
    current = d.desiredReplicas;
  }
  return { replicas: t0 + horizonMs - lastChange >= settleMs ? current : null };
}
