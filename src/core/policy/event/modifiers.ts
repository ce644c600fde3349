/**
 * KEDA's `scalingModifiers`: the triggers' raw values combined by a formula into one composite
 * metric (`composite-metric`), served to the HPA against `target` and compared with
 * `activationTarget` (strictly, default 0) for activity.
 *
 * Fallback inside the formula: with `fallback.behavior: scalingModifiers`, a trigger beyond its
 * failure threshold is nil in the formula (use `??`); only when the whole formula yields nil does
 * the composite become `fallback.replicas × target`. With any other behavior, a trigger beyond the
 * threshold skips the formula and the composite is the fallback value.
 *
 * @module
 */
import { evaluateFormula, type Formula } from './formula.js';
import {
  beyondThreshold,
  fallbackEnabled,
  fallbackReplicas,
  type FallbackConfig,
  type Health,
  type Outcome,
} from './fallback.js';
import { syntheticToMilli } from './metric-value.js';

export const compositeMetricName = 'composite-metric';

/** The value a formula sees for one trigger metric: nil once beyond the fallback threshold. */
export function modifierTriggerValue(input: {
  readonly fallback: FallbackConfig | null;
  readonly health: Health | null;
  readonly metricName: string;
  readonly valueMilli: number;
}): number | null {
  const { fallback } = input;
  const failures = input.health?.[input.metricName]?.numberOfFailures ?? 0;
  if (
    fallbackEnabled(fallback) &&
    fallback.behavior === 'scalingModifiers' &&
    beyondThreshold(failures, fallback)
  ) {
    return null;
  }
  return input.valueMilli / 1000;
}

export interface CompositeInput {
  /** The compiled formula; null when none could be compiled. */
  readonly formula: Formula | null;
  /** `scalingModifiers.target` as written (a float in a string). */
  readonly target: string | null;
  readonly fallback: FallbackConfig | null;
  readonly health: Health | null;
  readonly metrics: readonly { readonly metricName: string; readonly valueMilli: number }[];
  readonly metricToTrigger: Readonly<Record<string, string>>;
  /** Needed only by the currentReplicas* fallback behaviors. */
  readonly currentReplicas?: number | null;
}

/** Parses `scalingModifiers.target` (or activationTarget) as Go's ParseFloat would. */
export function parseModifierNumber(text: string | null, key: string): Outcome<number> {
  if (
    text === null ||
    text.trim() === '' ||
    !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)
  ) {
    return {
      ok: false,
      error: `${key} = ${JSON.stringify(text)}: must be a number written as a string`,
    };
  }
  return { ok: true, value: Number(text) };
}

/** The composite metric in milli-units (truncated), or why it cannot be computed. */
export function compositeValueMilli(input: CompositeInput): Outcome<number> {
  if (input.formula === null)
    return { ok: false, error: 'scalingModifiers.formula is not compiled' };
  const { fallback } = input;
  if (
    fallbackEnabled(fallback) &&
    fallback.behavior !== 'scalingModifiers' &&
    anyBeyond(input, fallback)
  ) {
    return fallbackComposite(input, fallback);
  }
  const env = formulaEnv(input);
  const result = evaluateFormula(input.formula, env);
  if (!result.ok)
    return { ok: false, error: `evaluating scalingModifiers.formula: ${result.error}` };
  if (result.value === null) {
    if (fallbackEnabled(fallback)) return fallbackComposite(input, fallback);
    return {
      ok: false,
      error: 'scalingModifiers.formula returned nil and no fallback is configured',
    };
  }
  if (typeof result.value !== 'number') {
    return {
      ok: false,
      error: `scalingModifiers.formula must return a number, got ${JSON.stringify(result.value)}`,
    };
  }
  return { ok: true, value: syntheticToMilli(result.value) };
}

function formulaEnv(input: CompositeInput): Record<string, number | null> {
  const env: Record<string, number | null> = {};
  for (const m of input.metrics) {
    const trigger = input.metricToTrigger[m.metricName];
    if (trigger === undefined) continue;
    env[trigger] = modifierTriggerValue({
      fallback: input.fallback,
      health: input.health,
      metricName: m.metricName,
      valueMilli: m.valueMilli,
    });
  }
  return env;
}

function anyBeyond(input: CompositeInput, fallback: FallbackConfig): boolean {
  return input.metrics.some((m) =>
    beyondThreshold(input.health?.[m.metricName]?.numberOfFailures ?? 0, fallback),
  );
}

function fallbackComposite(input: CompositeInput, fallback: FallbackConfig): Outcome<number> {
  const target = parseModifierNumber(input.target, 'scalingModifiers.target');
  if (!target.ok) return target;
  const replicas = fallbackReplicas(fallback, input.currentReplicas ?? null);
  if (!replicas.ok) return replicas;
  return { ok: true, value: syntheticToMilli(replicas.value * target.value) };
}

/** Which trigger a metric feeds into the formula; empty unless a formula is set. */
export function pairTriggerAndMetric(input: {
  readonly advancedPresent: boolean;
  readonly formula: string | null;
  readonly metric: string;
  readonly trigger: string;
}): Outcome<Record<string, string>> {
  if (!input.advancedPresent || input.formula === null || input.formula === '') {
    return { ok: true, value: {} };
  }
  if (input.trigger === '') {
    return {
      ok: false,
      error: `trigger for metric ${input.metric} has no name: a formula needs every trigger named`,
    };
  }
  return { ok: true, value: { [input.metric]: input.trigger } };
}

/** Case-insensitive membership (selects which external metrics answer an HPA query). */
export function arrayContainsElement(element: string, array: readonly string[]): boolean {
  const e = element.toLowerCase();
  return array.some((a) => a.toLowerCase() === e);
}
