/**
 * How the triggers of one ScaledObject combine into the object's state for a poll
 * (`getScaledObjectState`):
 *
 * - every trigger is evaluated; the object is active if any trigger is active (a trigger served
 *   by its fallback counts as active and error-free); an erroring trigger is never active;
 * - `isError` if any trigger errored; if the scalers cannot be built at all, nothing is evaluated
 *   and the object is inactive with an error (event `KEDAScalerFailed`);
 * - with scalingModifiers, activity is the composite's: `composite > activationTarget`, forced
 *   false on error;
 * - if every trigger is cpu/memory and nothing errored, the object is always active (cpu/memory
 *   cannot wake a workload from 0, so such an object is never scaled to 0).
 *
 * @module
 */

export type TriggerOutcomeView =
  | null
  | { readonly values: Readonly<Record<string, number>>; readonly isActive: boolean }
  | { readonly error: string }
  | { readonly buildError: string };

export interface TriggerView {
  readonly type: string;
  /** External metric names this trigger serves (empty for cpu/memory). */
  readonly metricNames: readonly string[];
  /** null = nothing to read (cpu/memory: the HPA reads those itself). */
  readonly outcome: TriggerOutcomeView;
}

export interface ObjectStateInput {
  readonly triggers: readonly TriggerView[];
  /** The composite metric when scalingModifiers are used: null = modifiers off. */
  readonly composite: null | {
    /** The composite in milli-units; null when it could not be computed. */
    readonly valueMilli: number | null;
    readonly activationTargetMilli: number;
  };
}

export interface ObjectState {
  readonly isActive: boolean;
  readonly isError: boolean;
  /** Metric names of the active triggers. */
  readonly activeTriggers: readonly string[];
  /** Set when the scalers could not be built. */
  readonly eventReason: string | null;
}

export const isResourceTrigger = (type: string): boolean => type === 'cpu' || type === 'memory';

export function scaledObjectState(input: ObjectStateInput): ObjectState {
  const outcomes = input.triggers.map((t) => t.outcome);
  if (outcomes.some((o) => o !== null && 'buildError' in o)) {
    return { isActive: false, isError: true, activeTriggers: [], eventReason: 'KEDAScalerFailed' };
  }
  let isError = outcomes.some((o) => o !== null && 'error' in o);
  const active = input.triggers.filter(
    (t) => t.outcome !== null && 'isActive' in t.outcome && t.outcome.isActive,
  );
  let isActive = active.length > 0;
  const hasExternal = input.triggers.some((t) => t.metricNames.length > 0);
  if (input.composite !== null && hasExternal) {
    const { valueMilli, activationTargetMilli } = input.composite;
    isActive = !isError && valueMilli !== null && valueMilli > activationTargetMilli;
    isError ||= valueMilli === null;
  }
  const allResource =
    input.triggers.length > 0 && input.triggers.every((t) => isResourceTrigger(t.type));
  return {
    isActive: isActive || (allResource && !isError),
    isError,
    activeTriggers: active.flatMap((t) => t.metricNames),
    eventReason: null,
  };
}

export interface MetricQueryTrigger {
  readonly metricNames: readonly string[];
  readonly useCachedMetrics: boolean;
  /** First read, and the read after the scaler is rebuilt (only made when the first fails). */
  readonly outcome:
    | null
    | { readonly values: Readonly<Record<string, number>> }
    | {
        readonly error: string;
        readonly retryError: string | null;
        readonly retryValues?: Readonly<Record<string, number>>;
      };
}

export interface CachedRecord {
  readonly isActive: boolean;
  readonly values: readonly number[];
}

/**
 * One HPA metric query (`GetScaledObjectMetrics`): served from the poll loop's cache when the
 * trigger uses cached metrics, else read from the scaler; a failed read is retried once after
 * the scaler is rebuilt. A failure affects only the requested metric: other triggers' cached
 * records survive the rebuild.
 */
export function queryMetric(input: {
  readonly triggers: readonly MetricQueryTrigger[];
  readonly metric: string;
  readonly cache: Readonly<Record<string, CachedRecord>>;
}): {
  error: string | null;
  values: readonly number[] | null;
  queries: number;
  cache: Readonly<Record<string, CachedRecord>>;
} {
  const trigger = input.triggers.find((t) => t.metricNames.includes(input.metric));
  const cached = input.cache[input.metric];
  if (trigger === undefined)
    return {
      error: `no trigger serves metric ${input.metric}`,
      values: null,
      queries: 0,
      cache: input.cache,
    };
  if (trigger.useCachedMetrics && cached !== undefined)
    return { error: null, values: cached.values, queries: 0, cache: input.cache };
  const o = trigger.outcome;
  if (o === null)
    return {
      error: `metric ${input.metric} has no value to read`,
      values: null,
      queries: 0,
      cache: input.cache,
    };
  if ('values' in o)
    return { error: null, values: [o.values[input.metric] ?? 0], queries: 1, cache: input.cache };
  if (o.retryError === null && o.retryValues !== undefined) {
    return {
      error: null,
      values: [o.retryValues[input.metric] ?? 0],
      queries: 2,
      cache: input.cache,
    };
  }
  return {
    error: `metric:${input.metric} encountered error`,
    values: null,
    queries: 2,
    cache: input.cache,
  };
}
