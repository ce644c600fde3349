/**
 * Decide step (d), KEDA fallback: counts each External trigger's consecutive failed reads in
 * `state.triggerHealth`, and once a trigger has failed more than `fallback.failureThreshold`
 * times in a row replaces its reading with the synthetic value KEDA serves the HPA, so that the
 * HPA math lands exactly on the fallback replica count (policy/event/fallback.ts).
 *
 * A failed read is a missing reading, an error, or values that are NaN, infinite or negative
 * (bad data is a failure first, never a 0). With `scalingModifiers`, readings are not replaced:
 * the composite step applies the fallback to the formula (composite.ts).
 *
 * @module
 */
import type {
  MetricReading,
  Observation,
  Reason,
  ScalerSpec,
  TriggerHealth,
  TriggerSpec,
} from '../model.js';
import {
  beyondThreshold,
  countFailures,
  fallbackReplicas,
  fallbackValue,
  type FallbackConfig,
} from '../policy/event/fallback.js';

export interface FallbackStepResult {
  /** The observation with the readings of triggers beyond the threshold replaced. */
  readonly observation: Observation;
  readonly health: Readonly<Record<string, TriggerHealth>>;
  /** Triggers beyond the threshold (served by the fallback, or nil in a formula). */
  readonly beyond: readonly string[];
  /** Triggers whose reading failed at this tick. */
  readonly failed: readonly string[];
  readonly reasons: readonly Reason[];
}

/** Triggers whose failures KEDA counts: everything but cpu/memory and cron (computed in-engine). */
export function isEventTrigger(t: TriggerSpec): boolean {
  return t.metricType === 'External' && t.type !== 'cron';
}

/** A reading that cannot be used: missing, an error, no values, or NaN/∞/negative values. */
export function readingFailed(reading: MetricReading | undefined): boolean {
  if (reading === undefined || reading.status === 'error') return true;
  const values = reading.valuesMilli ?? [];
  return values.length === 0 || values.some((v) => !Number.isFinite(v) || v < 0);
}

/** Ready pods as the HPA counts them for Value targets. */
export function readyPodCount(observation: Observation): number {
  if (observation.readyReplicas !== undefined) return observation.readyReplicas;
  return observation.pods.filter(
    (p) => p.phase === 'Running' && p.deleted !== true && p.ready?.status === true,
  ).length;
}

export function applyEventFallback(input: {
  readonly spec: ScalerSpec;
  readonly observation: Observation;
  readonly health: Readonly<Record<string, TriggerHealth>>;
  readonly now: number;
}): FallbackStepResult {
  const { spec, observation, now } = input;
  const fallback: FallbackConfig | null = spec.fallback;
  const health: Record<string, TriggerHealth> = {};
  const metrics: Record<string, MetricReading> = { ...observation.metrics };
  const beyond: string[] = [];
  const failed: string[] = [];
  const reasons: Reason[] = [];
  for (const t of spec.triggers.filter(isEventTrigger)) {
    const isFailed = readingFailed(observation.metrics[t.name]);
    const failures = countFailures(input.health[t.name]?.failures ?? 0, isFailed);
    health[t.name] = { failures };
    if (isFailed) failed.push(t.name);
    if (!isFailed || fallback === null || !beyondThreshold(failures, fallback)) continue;
    beyond.push(t.name);
    if (spec.event.scalingModifiers !== null) continue;
    const served = syntheticReading({ trigger: t, fallback, observation, now });
    if ('reading' in served) metrics[t.name] = served.reading;
    reasons.push(fallbackReason(t.name, failures, fallback, served));
  }
  return { observation: { ...observation, metrics }, health, beyond, failed, reasons };
}

function fallbackReason(
  name: string,
  failures: number,
  fallback: FallbackConfig,
  served: { reading?: MetricReading; message: string },
): Reason {
  return {
    step: `fallback:${name}`,
    code: served.reading === undefined ? 'FallbackFailed' : 'FallbackActive',
    message: `trigger "${name}" failed ${failures} times in a row (threshold ${fallback.failureThreshold}): ${served.message}`,
  };
}

function syntheticReading(input: {
  trigger: TriggerSpec;
  fallback: FallbackConfig;
  observation: Observation;
  now: number;
}): { reading: MetricReading; message: string } | { message: string } {
  const { trigger, fallback, observation } = input;
  const replicas = fallbackReplicas(fallback, observation.currentReplicas);
  if (!replicas.ok) return { message: replicas.error };
  const type = trigger.target.type === 'Value' ? 'Value' : 'AverageValue';
  const readyPods = readyPodCount(observation);
  const value = fallbackValue({
    replicas: replicas.value,
    target: { type, value: trigger.target.value },
    readyPods,
  });
  if (!value.ok) return { message: value.error };
  const how =
    type === 'AverageValue'
      ? `${replicas.value} replicas × target ${trigger.target.value}`
      : `${replicas.value} replicas ÷ ${readyPods} ready × target ${trigger.target.value}`;
  return {
    reading: { status: 'ok', timestamp: input.now, valuesMilli: [Math.round(value.value * 1000)] },
    message: `serving the fallback value ${value.value} (${how}) so the HPA computes ${replicas.value}`,
  };
}
