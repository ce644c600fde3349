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
import { readingToMilli } from './metric-value.js';
import { compositeMetricName, compositeValueMilli, type CompositeInput } from './modifiers.js';

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

/** `triggers.flatMap((t) => t.metricNames)`, as a plain loop (flatMap is slow on a hot path). */
function metricNamesOf(triggers: readonly TriggerView[]): string[] {
  const names: string[] = [];
  for (const t of triggers) for (const name of t.metricNames) names.push(name);
  return names;
}

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
    activeTriggers: metricNamesOf(active),
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

export interface CompositeQueryTrigger extends MetricQueryTrigger {
  /** The trigger's name, the variable the formula knows it by ('' = unnamed). */
  readonly name: string;
}

/**
 * An HPA query on a ScaledObject with `scalingModifiers.target` set, whatever metric it names
 * (KEDA's getTrueMetricArray): every external metric of every trigger
 * is read (from the cache when the trigger uses cached metrics), each value is paired with the
 * trigger whose metric spec names it, and the formula combines them. Worked example (KEDA's
 * TestScalingModifiersFormula): triggers `trigger_one` (metric m1) and `trigger_two` (metric m2),
 * both reads returning m1 = 2 and m2 = 5, formula `trigger_one + trigger_two` → 7.
 *
 * A read that fails (after the one retry) is reported as the composite's error: fallback for
 * failing triggers is applied by `compositeValueMilli` from the health it is given.
 */
export function queryCompositeMetric(input: {
  readonly triggers: readonly CompositeQueryTrigger[];
  readonly cache: Readonly<Record<string, CachedRecord>>;
  readonly composite: Omit<CompositeInput, 'metrics' | 'metricToTrigger'>;
  /** scalingModifiers.formula is set (a null `composite.formula` then means it did not compile). */
  readonly formulaGiven: boolean;
}): { error: string | null; values: readonly number[] | null; formulaError?: string | null } {
  const metrics: { metricName: string; valueMilli: number }[] = [];
  const metricToTrigger: Record<string, string> = {};
  for (const t of input.triggers) {
    for (const metric of t.metricNames) {
      if (t.name !== '') metricToTrigger[metric] = t.name;
      const read = queryMetric({ triggers: [t], metric, cache: input.cache });
      if (read.error !== null) {
        return { error: `metric:${compositeMetricName} encountered error`, values: null };
      }
      metrics.push(...readValues(t, metric, read.values));
    }
  }
  // A target without a formula: KEDA serves every metric as read, uncombined.
  if (input.composite.formula === null && !input.formulaGiven) {
    return { error: null, values: metrics.map((m) => m.valueMilli / 1000) };
  }
  const value = compositeValueMilli({ ...input.composite, metrics, metricToTrigger });
  // A formula that fails at run time: KEDA logs it and answers the HPA with no metric at all
  // (not an error), which the HPA then reports as a failed metric (ScalingActive False).
  return value.ok
    ? { error: null, values: [value.value / 1000], formulaError: null }
    : { error: null, values: [], formulaError: value.error };
}

/** Every value one read returned (a scaler may answer with several metrics), in milli-units. */
function readValues(
  t: MetricQueryTrigger,
  metric: string,
  fallbackValues: readonly number[] | null,
): { metricName: string; valueMilli: number }[] {
  const o = t.outcome;
  const values =
    o !== null && 'values' in o
      ? o.values
      : o !== null && 'retryValues' in o && o.retryValues !== undefined
        ? o.retryValues
        : null;
  if (values === null || t.useCachedMetrics) {
    return (fallbackValues ?? []).map((v) => ({
      metricName: metric,
      valueMilli: readingToMilli(v),
    }));
  }
  return Object.entries(values).map(([metricName, v]) => ({
    metricName,
    valueMilli: readingToMilli(v),
  }));
}
