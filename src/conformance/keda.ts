/**
 * KEDA conformance: runs `keda-cases.json` (FORMAT-KEDA.md) through Tide's event and schedule
 * policies, comparing only the fields under `expected`.
 *
 * `spec` (validating and defaulting ScaledObjects) runs against `tide import` (keda-spec.ts);
 * `scaledjob` (scaling Jobs) is reported as not applicable. Every other kind runs.
 *
 * @module
 */
import { diffExpected, type CaseFileRunner, type CaseResult } from './result.js';
import { scalerActivity } from '../core/policy/event/activation.js';
import {
  requestScale,
  idleOrMinimumReplicaCount,
  type ExecutorConditions,
} from '../core/policy/event/executor.js';
import {
  fallbackConditionTrue,
  readWithFallback,
  type FallbackConfig,
  type Health,
} from '../core/policy/event/fallback.js';
import {
  hpaActiveAfter,
  hpaHealth,
  type HpaActiveCondition,
  type HpaCondition,
  type HpaHealth,
} from '../core/policy/event/hpa-health.js';
import { parseFormula } from '../core/policy/event/formula.js';
import {
  metricTarget,
  metricTargetType,
  readingToMilli,
  type KedaMetricTargetType,
} from '../core/policy/event/metric-value.js';
import {
  arrayContainsElement,
  compositeMetricName,
  compositeValueMilli,
  modifierTriggerValue,
  pairTriggerAndMetric,
  parseModifierNumber,
} from '../core/policy/event/modifiers.js';
import {
  queryCompositeMetric,
  queryMetric,
  scaledObjectState,
  type CachedRecord,
  type TriggerView,
} from '../core/policy/event/object-state.js';
import { triggersActivity } from '../core/policy/event/triggers-activity.js';
import { annotationFlag, annotationNames } from '../core/policy/event/annotations.js';
import {
  kedaScaleEvent,
  kedaTransition,
  renderKedaEvent,
} from '../core/policy/event/keda-events.js';
import { cronMetricName, parseKedaCronMetadata, scheduleWindow } from '../core/policy/schedule.js';
import { runKedaScenario, type ScenarioInput } from './keda-scenario.js';
import { runSpecCase } from './keda-spec.js';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment,
   @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument --
   case inputs are untyped JSON whose shapes FORMAT-KEDA.md defines per group and function; a
   malformed case fails with the exception as its message (runCase catches it). */
type Json = any;

interface KedaCase {
  readonly id: string;
  readonly function: string;
  readonly input: Json;
  readonly expected: Record<string, unknown>;
  readonly upstream_condition?: string;
  readonly upstream_skipped?: boolean;
}

const notApplicable: Readonly<Record<string, string>> = {
  scaledjob: 'describes scaling Kubernetes Jobs (ScaledJob): Tide scales replicas only',
};

type Handler = (c: KedaCase) => string[];

const handlers: Readonly<Record<string, Handler>> = {
  fallback: (c) => diffExpected(c.expected, runFallback(c.input)),
  executor: runExecutor,
  hpa_health: (c) => diffExpected(c.expected, runHpaHealthCase(c)),
  scaledobject_state: (c) => diffExpected(c.expected, runObjectState(c)),
  modifiers: (c) => diffExpected(c.expected, runModifiers(c)),
  activation: (c) => diffExpected(c.expected, runActivation(c.input)),
  metric_values: (c) => diffExpected(c.expected, runMetricValues(c)),
  cron: (c) => diffExpected(c.expected, runCron(c)),
  triggers_activity: runTriggersActivity,
  scenarios: (c) => diffExpected(c.expected, runKedaScenario(c.input as ScenarioInput)),
  spec: (c) => diffExpected(c.expected, runSpecCase(c)),
};

/** Runs every case of a parsed `keda-cases.json`. */
export const runKedaCases: CaseFileRunner = (file) => {
  const groups = file as Record<string, unknown>;
  const results: CaseResult[] = [];
  for (const [group, cases] of Object.entries(groups)) {
    if (!Array.isArray(cases)) continue;
    for (const c of cases as KedaCase[]) results.push(runCase(group, c));
  }
  return results;
};

function runCase(group: string, c: KedaCase): CaseResult {
  const base = {
    id: c.id,
    group,
    upstreamSkipped: c.upstream_skipped === true,
    conditional: typeof c.upstream_condition === 'string',
  };
  const na = notApplicable[group];
  if (na !== undefined) return { ...base, status: 'not-applicable', diff: [], message: na };
  const handler = handlers[group];
  if (handler === undefined) {
    return { ...base, status: 'fail', diff: [], message: `unknown case group ${group}` };
  }
  try {
    const diff = handler(c);
    return { ...base, status: diff.length === 0 ? 'pass' : 'fail', diff };
  } catch (e) {
    return { ...base, status: 'fail', diff: [], message: `running ${c.id}: ${String(e)}` };
  }
}

// ---------------------------------------------------------------------------------------------

const toFallback = (f: Json): FallbackConfig | null =>
  f === null || f === undefined
    ? null
    : { failureThreshold: f.failure_threshold, replicas: f.replicas, behavior: f.behavior ?? null };

const toHealth = (h: Json): Health =>
  Object.fromEntries(
    Object.entries((h ?? {}) as Record<string, Json>).map(([k, v]) => [
      k,
      { numberOfFailures: v.number_of_failures, status: v.status },
    ]),
  );

const fromHealth = (h: Health): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(h).map(([k, v]) => [
      k,
      { number_of_failures: v.numberOfFailures, status: v.status },
    ]),
  );

function runFallback(input: Json): Record<string, unknown> {
  const fallback = toFallback(input.fallback);
  const out = readWithFallback({
    fallback,
    metricName: input.metric_name,
    target: input.metric_target,
    health: toHealth(input.health_before),
    result: input.scaler_result,
    currentReplicas: input.current_replicas,
    readyPods: input.ready_pods,
  });
  return {
    error: out.error,
    metric_values: out.values,
    health_after: fromHealth(out.health),
    fallback_condition_true: fallbackConditionTrue(out.health, fallback),
    status_patched: out.healthWritten,
  };
}

function runExecutor(c: KedaCase): string[] {
  const input = c.input;
  if (c.function === 'getIdleOrMinimumReplicaCount') {
    const r = idleOrMinimumReplicaCount({
      idleReplicaCount: input.idle_replica_count,
      minReplicaCount: input.min_replica_count,
    });
    return diffExpected(c.expected, { is_idle: r.isIdle, replicas: r.replicas });
  }
  const so = input.scaled_object;
  const s = (v: number | null): number | null => (v === null ? null : v * 1000);
  const result = requestScale({
    object: {
      minReplicaCount: so.min_replica_count,
      idleReplicaCount: so.idle_replica_count,
      cooldownSeconds: so.cooldown_period_s,
      initialCooldownSeconds: so.initial_cooldown_period_s,
      annotations: so.annotations,
      fallback: toFallback(so.fallback),
      creationTime: so.creation_time_s * 1000,
      lastActiveTime: s(so.last_active_time_s),
    },
    currentReplicas: input.current_replicas,
    isActive: input.is_active,
    isError: input.is_error,
    now: 0,
    hpaHealth:
      input.hpa === null
        ? null
        : runHpaHealth({
            hpa_name: so.hpa_name,
            hpa_read_error: input.hpa.read_error,
            hpa_conditions: input.hpa.conditions,
          }),
  });
  const { conditions: expectedConditions, ...rest } = c.expected as { conditions?: Json };
  const actual = {
    scale_written: result.scaleTo !== null,
    replicas_after: result.scaleTo ?? input.current_replicas,
    last_active_time_set: result.lastActiveTimeSet,
    // Tide's executor never writes a paused replica count: pausing is the runtime's business.
    pause_replicas_set: false,
    event: executorEvent(so, input, result),
  };
  return [
    ...diffExpected(rest, actual),
    ...diffConditions(expectedConditions ?? {}, result.conditions),
  ];
}

/**
 * The Event KEDA's executor records for this call, rendered as its FakeRecorder does. Every
 * upstream executor unit test names its ScaledObject `namespace/name` and leaves the scale
 * target's kind unset; a case may say otherwise with `scale_target_kind`, `namespace`,
 * `scale_target_name`.
 */
function executorEvent(
  so: Json,
  input: Json,
  result: { scaleTo: number | null; action: string },
): string | undefined {
  const transition = kedaTransition(result.action);
  if (transition === null || result.scaleTo === null) return undefined;
  const annotations = (so.annotations ?? {}) as Record<string, string>;
  const event = kedaScaleEvent({
    transition,
    target: {
      kind: so.scale_target_kind ?? '',
      namespace: so.namespace ?? 'namespace',
      name: so.scale_target_name ?? 'name',
    },
    from: input.current_replicas,
    to: result.scaleTo,
    activeTriggers: input.active_triggers ?? [],
    forced: !input.is_active && annotationFlag(annotations, annotationNames.forceActivation),
    failed: false,
  });
  return renderKedaEvent(event);
}

function diffConditions(expected: Record<string, Json>, actual: ExecutorConditions): string[] {
  const out: string[] = [];
  for (const [type, exp] of Object.entries(expected)) {
    const got = actual[type as keyof ExecutorConditions];
    const { status_not: statusNot, ...fields } = exp as { status_not?: string };
    out.push(...diffExpected(fields, got ?? {}, `conditions.${type}`));
    if (statusNot !== undefined && got?.status === statusNot) {
      out.push(`conditions.${type}.status: expected anything but ${statusNot}, got ${got.status}`);
    }
  }
  return out;
}

/** `getHPAHealth`, or `checkHPAHealth` (the HPAActive condition after the check). */
function runHpaHealthCase(c: KedaCase): Record<string, unknown> {
  const health = runHpaHealth(c.input);
  if (c.function !== 'checkHPAHealth') return { ...health };
  const previous = (c.input.previous_hpa_active ?? null) as HpaActiveCondition | null;
  return { hpa_active_after: hpaActiveAfter(previous, health) };
}

function runHpaHealth(input: Json): HpaHealth {
  return hpaHealth({
    hpaName: input.hpa_name,
    readError: input.hpa_read_error,
    conditions: input.hpa_conditions as HpaCondition[] | null,
  });
}

function triggerViews(triggers: Json[]): TriggerView[] {
  return triggers.map((t) => {
    const o = t.outcome;
    const outcome: TriggerView['outcome'] =
      o === null
        ? null
        : 'build_error' in o
          ? { buildError: o.build_error }
          : 'error' in o
            ? { error: o.retry_error ?? o.error }
            : { values: o.values, isActive: o.is_active };
    const metricNames = (t.metric_specs as Json[])
      .filter((m) => m.source === 'External')
      .map((m) => m.metric_name as string);
    return { type: t.type, metricNames, outcome };
  });
}

function runObjectState(c: KedaCase): Record<string, unknown> {
  const input = c.input;
  if (c.function === 'GetScaledObjectMetrics') {
    const cache = Object.fromEntries(
      Object.entries(input.cached_records as Record<string, Json>).map(([k, v]) => [
        k,
        { isActive: v.is_active, values: v.values } satisfies CachedRecord,
      ]),
    );
    const triggers = (input.triggers as Json[]).map((t) => ({
      name: (t.name ?? '') as string,
      metricNames: (t.metric_specs as Json[])
        .filter((m) => m.source === 'External')
        .map((m) => m.metric_name as string),
      useCachedMetrics: t.use_cached_metrics as boolean,
      outcome:
        t.outcome === null
          ? null
          : 'error' in t.outcome
            ? { error: t.outcome.error as string, retryError: t.outcome.retry_error as string }
            : { values: t.outcome.values as Record<string, number> },
    }));
    const sm = input.scaling_modifiers;
    // KEDA answers any metric query of an object with scalingModifiers.target from all triggers.
    if (sm !== null && sm !== undefined && (sm.target ?? '') !== '') {
      const formula = (sm.formula ?? '') as string;
      const parsed = parseFormula(formula);
      const r = queryCompositeMetric({
        triggers,
        cache,
        formulaGiven: formula !== '',
        composite: {
          formula: parsed.ok ? parsed.value : null,
          target: sm.target,
          fallback: toFallback(input.fallback),
          health: null,
        },
      });
      return { error: r.error !== null, metric_values: r.values };
    }
    const r = queryMetric({ metric: input.requested_metric, cache, triggers });
    return {
      error: r.error !== null,
      metric_values: r.values,
      failing_trigger_queries: r.queries,
      cached_records_after: Object.fromEntries(
        Object.entries(r.cache).map(([k, v]) => [k, { is_active: v.isActive, values: v.values }]),
      ),
    };
  }
  const triggers = triggerViews(input.triggers);
  const state = scaledObjectState({ triggers, composite: composite(input, triggers) });
  return {
    is_active: state.isActive,
    is_error: state.isError,
    active_triggers: state.activeTriggers,
    event_reason: state.eventReason,
  };
}

function composite(
  input: Json,
  triggers: TriggerView[],
): { valueMilli: number | null; activationTargetMilli: number } | null {
  const sm = input.scaling_modifiers;
  if (sm === null || sm === undefined) return null;
  const parsed = parseFormula(sm.formula ?? '');
  const metrics: { metricName: string; valueMilli: number }[] = [];
  const metricToTrigger: Record<string, string> = {};
  (input.triggers as Json[]).forEach((t, i) => {
    const view = triggers[i];
    if (view?.outcome === null || view === undefined || !('values' in view.outcome)) return;
    for (const [name, value] of Object.entries(view.outcome.values)) {
      metrics.push({ metricName: name, valueMilli: readingToMilli(value) });
      if (t.name !== null) metricToTrigger[name] = t.name;
    }
  });
  const value = compositeValueMilli({
    formula: parsed.ok ? parsed.value : null,
    target: sm.target,
    fallback: toFallback(input.fallback),
    health: null,
    metrics,
    metricToTrigger,
  });
  const activation =
    sm.activation_target === null
      ? { ok: true as const, value: 0 }
      : parseModifierNumber(sm.activation_target, 'activationTarget');
  return {
    valueMilli: value.ok ? value.value : null,
    activationTargetMilli: activation.ok ? Math.round(activation.value * 1000) : 0,
  };
}

function runModifiers(c: KedaCase): Record<string, unknown> {
  const input = c.input;
  switch (c.function) {
    case 'scalingModifierTriggerValue':
      return {
        value: modifierTriggerValue({
          fallback: toFallback(input.fallback),
          health: toHealth(input.health),
          metricName: input.metric_name,
          valueMilli: input.metric_value_milli,
        }),
      };
    case 'calculateScalingModifiersFormula': {
      const parsed = parseFormula(input.formula);
      const r = compositeValueMilli({
        formula: input.compiled && parsed.ok ? parsed.value : null,
        target: input.target,
        fallback: toFallback(input.fallback),
        health: toHealth(input.health),
        metrics: (input.metrics as Json[]).map((m) => ({
          metricName: m.metric_name,
          valueMilli: m.value_milli,
        })),
        metricToTrigger: input.metric_to_trigger,
      });
      return r.ok
        ? { error: false, value_milli: r.value, metric_name: compositeMetricName }
        : { error: true };
    }
    case 'GetPairTriggerAndMetric': {
      const r = pairTriggerAndMetric({
        advancedPresent: input.advanced_present,
        formula: input.formula,
        metric: input.metric,
        trigger: input.trigger,
      });
      return r.ok ? { pairs: r.value, error: false } : { pairs: {}, error: true };
    }
    default:
      return { result: arrayContainsElement(input.element, input.array) };
  }
}

function runActivation(input: Json): Record<string, unknown> {
  const r = scalerActivity({
    value: input.observed_value,
    activationThreshold: input.activation_threshold,
    error: input.source_error,
  });
  return {
    error: r.error !== null,
    active: r.active,
    metric_value: r.valueMilli / 1000,
    metric_value_milli: r.valueMilli,
    metric_count: r.error === null ? 1 : 0,
  };
}

const jsonNumber = (v: number | string): number =>
  v === 'NaN' ? NaN : v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v);

function runMetricValues(c: KedaCase): Record<string, unknown> {
  const input = c.input;
  switch (c.function) {
    case 'GetMetricTargetType': {
      const r = metricTargetType(input.metric_type);
      return r.ok ? { error: false, metric_type: r.type } : { error: true, metric_type: '' };
    }
    case 'GetMetricTarget': {
      const t = metricTarget(input.metric_type as KedaMetricTargetType, input.metric_value);
      return { type: t.type, average_value: t.averageValue, value: t.value };
    }
    default: {
      const milli = readingToMilli(jsonNumber(input.value));
      return { is_zero: milli === 0, is_positive: milli > 0 };
    }
  }
}

function runCron(c: KedaCase): Record<string, unknown> {
  const input = c.input;
  const parsed = parseKedaCronMetadata(input.metadata);
  if (c.function === 'parseCronMetadata') return { error: !parsed.ok };
  if (c.function === 'GetMetricSpecForScaling') {
    return { metric_name: cronMetricName(input.metadata, input.trigger_index) };
  }
  if (!parsed.ok) return { error: parsed.error };
  const w = scheduleWindow(parsed.value, input.now_unix_s * 1000);
  return { active: w.active, metric_name: input.metric_name, metric_value: w.value };
}

function runTriggersActivity(c: KedaCase): string[] {
  const input = c.input;
  const activity = triggersActivity({
    metricNames: input.external_metric_names,
    previous: input.previous_activity,
    activeTriggers: input.active_triggers,
    pushMetric: input.push_scaler_metric,
  });
  const expected = c.expected as { activity: Record<string, boolean>; exact_keys: boolean };
  const diff = diffExpected(expected.activity, activity, 'activity');
  const extra = Object.keys(activity).filter((k) => !(k in expected.activity));
  if (expected.exact_keys && extra.length > 0)
    diff.push(`activity: unexpected keys ${extra.join(', ')}`);
  return diff;
}
