/**
 * KEDA's fallback: per-metric failure counting and the synthetic value served once a metric has
 * failed more than `failureThreshold` times in a row.
 *
 * - A success resets the count to 0 (`Happy`); a failure adds 1 (`Failing`).
 * - While failures ≤ threshold the error passes through (the HPA treats the metric as invalid).
 * - Once failures > threshold (strictly) the error is replaced by a value that makes the HPA
 *   compute exactly the fallback replica count: `replicas × target` for AverageValue targets,
 *   `replicas ÷ readyPods × target` for Value targets (e.g. 3 ÷ 5 × 5 = 3 → the HPA computes
 *   ceil(3/5 × 5) = 3), truncated to milli precision.
 * - `replicas` depends on `behavior`: static → fallback.replicas; currentReplicas → current;
 *   currentReplicasIfHigher → max(current, fallback); currentReplicasIfLower → min(...).
 *
 * @module
 */
import { syntheticToMilli, type KedaMetricTargetType } from './metric-value.js';

export type FallbackBehavior =
  | 'static'
  | 'currentReplicas'
  | 'currentReplicasIfHigher'
  | 'currentReplicasIfLower'
  | 'scalingModifiers';

export interface FallbackConfig {
  readonly failureThreshold: number;
  readonly replicas: number;
  /** null = unset: takes the static branch (the API server would default it to static). */
  readonly behavior: FallbackBehavior | null;
}

export interface HealthEntry {
  readonly numberOfFailures: number;
  readonly status: 'Happy' | 'Failing';
}
export type Health = Readonly<Record<string, HealthEntry>>;

/** A fallback is only tracked when it is valid: threshold ≥ 0 and replicas ≥ 0. */
export function fallbackEnabled(fallback: FallbackConfig | null): fallback is FallbackConfig {
  return fallback !== null && fallback.failureThreshold >= 0 && fallback.replicas >= 0;
}

/** Consecutive failures after one read. */
export function countFailures(previous: number, failed: boolean): number {
  return failed ? previous + 1 : 0;
}

/** The fallback applies once failures exceed the threshold (strictly). */
export function beyondThreshold(failures: number, fallback: FallbackConfig): boolean {
  return failures > fallback.failureThreshold;
}

export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** The replica count the fallback aims at; behaviors other than static need the current count. */
export function fallbackReplicas(
  fallback: FallbackConfig,
  currentReplicas: number | null,
): Outcome<number> {
  const behavior = fallback.behavior ?? 'static';
  if (behavior === 'static' || behavior === 'scalingModifiers') {
    return { ok: true, value: fallback.replicas };
  }
  if (currentReplicas === null) {
    return {
      ok: false,
      error: `fallback.behavior = ${behavior} needs the current replica count, which could not be read`,
    };
  }
  const value =
    behavior === 'currentReplicas'
      ? currentReplicas
      : behavior === 'currentReplicasIfHigher'
        ? Math.max(currentReplicas, fallback.replicas)
        : Math.min(currentReplicas, fallback.replicas);
  return { ok: true, value };
}

export interface FallbackValueInput {
  readonly replicas: number;
  readonly target: { readonly type: KedaMetricTargetType; readonly value: number };
  /** Ready pods of the target; needed for Value targets only. */
  readonly readyPods: number | null;
}

/** The synthetic metric value (in units, milli-truncated) that makes the HPA compute `replicas`. */
export function fallbackValue(input: FallbackValueInput): Outcome<number> {
  if (input.target.type === 'AverageValue') {
    return { ok: true, value: syntheticToMilli(input.replicas * input.target.value) / 1000 };
  }
  if (input.readyPods === null || input.readyPods <= 0) {
    return {
      ok: false,
      error: 'fallback for a Value target needs at least one ready pod, found 0',
    };
  }
  const value = (input.replicas / input.readyPods) * input.target.value;
  return { ok: true, value: syntheticToMilli(value) / 1000 };
}

/** The Fallback condition: True while any metric is Failing beyond the threshold. */
export function fallbackConditionTrue(health: Health, fallback: FallbackConfig | null): boolean {
  if (!fallbackEnabled(fallback)) return false;
  return Object.values(health).some(
    (h) => h.status === 'Failing' && beyondThreshold(h.numberOfFailures, fallback),
  );
}

export interface MetricReadInput {
  readonly fallback: FallbackConfig | null;
  readonly metricName: string;
  readonly target: { readonly type: KedaMetricTargetType; readonly value: number };
  readonly health: Health;
  readonly result: { readonly values: readonly number[] } | { readonly error: string };
  readonly currentReplicas: number | null;
  readonly readyPods: number | null;
}

export interface MetricReadOutput {
  readonly error: string | null;
  readonly values: readonly number[] | null;
  readonly health: Health;
  /** The health was written (KEDA patches the status whenever fallback is enabled). */
  readonly healthWritten: boolean;
  /** The value returned is the synthetic fallback value. */
  readonly fallbackActive: boolean;
}

/**
 * One metric read through KEDA's fallback layer (`GetMetricsWithFallback`). With behavior
 * `scalingModifiers`, a metric beyond the threshold yields the placeholder -1: the formula sees
 * it as nil (see modifiers.ts).
 */
export function readWithFallback(input: MetricReadInput): MetricReadOutput {
  const { fallback, result } = input;
  const failed = 'error' in result;
  if (!fallbackEnabled(fallback)) {
    return {
      error: failed ? result.error : null,
      values: failed ? null : result.values,
      health: input.health,
      healthWritten: false,
      fallbackActive: false,
    };
  }
  const previous = input.health[input.metricName]?.numberOfFailures ?? 0;
  const failures = countFailures(previous, failed);
  const health: Health = {
    ...input.health,
    [input.metricName]: { numberOfFailures: failures, status: failed ? 'Failing' : 'Happy' },
  };
  const base = { health, healthWritten: true };
  if (!failed) return { ...base, error: null, values: result.values, fallbackActive: false };
  if (!beyondThreshold(failures, fallback)) {
    return { ...base, error: result.error, values: null, fallbackActive: false };
  }
  const value = syntheticValue(input, fallback);
  return value.ok
    ? { ...base, error: null, values: [value.value], fallbackActive: true }
    : { ...base, error: value.error, values: null, fallbackActive: false };
}

function syntheticValue(input: MetricReadInput, fallback: FallbackConfig): Outcome<number> {
  if (fallback.behavior === 'scalingModifiers') return { ok: true, value: -1 };
  const replicas = fallbackReplicas(fallback, input.currentReplicas);
  if (!replicas.ok) return replicas;
  return fallbackValue({
    replicas: replicas.value,
    target: input.target,
    readyPods: input.readyPods,
  });
}
