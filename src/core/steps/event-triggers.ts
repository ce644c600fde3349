/**
 * Decide step: what the HPA math sees and which triggers are active, KEDA's way.
 *
 * - cron triggers are computed in-engine (policy/schedule.ts): active inside their window, where
 *   they floor the count at `desiredReplicas`; they take no part in the HPA proposals;
 * - with `scalingModifiers`, the External triggers are replaced by one `composite-metric` trigger
 *   whose reading is the formula's value (policy/event/modifiers.ts);
 * - a trigger is active when its (summed) value is strictly above its activation threshold, or
 *   when its fallback serves it; a failed trigger is never active; with modifiers the object's
 *   activity is the composite's.
 *
 * @module
 */
import type { MetricReading, Observation, Reason, ScalerSpec, TriggerSpec } from '../model.js';
import { isActiveValue } from '../policy/event/activation.js';
import { parseFormula } from '../policy/event/formula.js';
import { compositeMetricName, compositeValueMilli } from '../policy/event/modifiers.js';
import {
  scaledObjectState,
  type ObjectState,
  type TriggerView,
} from '../policy/event/object-state.js';
import { compileSchedule, cronTriggerConfigSchema, scheduleWindow } from '../policy/schedule.js';
import { isEventTrigger, readingFailed } from './event-fallback.js';

export interface EventTriggersInput {
  readonly spec: ScalerSpec;
  /** The observation after the fallback step. */
  readonly observation: Observation;
  readonly beyond: readonly string[];
  readonly failures: Readonly<Record<string, number>>;
  readonly now: number;
}

export interface ScheduleFloor {
  readonly trigger: string;
  readonly active: boolean;
  readonly replicas: number;
}

export interface EventTriggersResult {
  /** The triggers the HPA math evaluates (cron removed; External replaced by the composite). */
  readonly triggers: readonly TriggerSpec[];
  readonly observation: Observation;
  /** Per External/cron trigger of the spec: active (KEDA activation). */
  readonly active: Readonly<Record<string, boolean>>;
  readonly state: ObjectState;
  readonly floors: readonly ScheduleFloor[];
  readonly reasons: readonly Reason[];
}

/** The value KEDA's activation compares: the source's own when it reports one, else the sum. */
export function activationValue(reading: MetricReading | undefined): number {
  if (reading?.status === 'ok' && reading.activationValueMilli !== undefined) {
    return reading.activationValueMilli / 1000;
  }
  return sumValue(reading);
}

/** The summed value of a reading's series (0 for a missing or failed reading). */
export function sumValue(reading: MetricReading | undefined): number {
  if (reading === undefined || reading.status === 'error') return 0;
  return (reading.valuesMilli ?? []).reduce((a, b) => a + b, 0) / 1000;
}

export function evaluateEventTriggers(input: EventTriggersInput): EventTriggersResult {
  const { spec, observation, now } = input;
  const floors = spec.triggers.filter((t) => t.type === 'cron').map((t) => cronFloor(t, now));
  const active: Record<string, boolean> = {};
  const views: TriggerView[] = spec.triggers.map((t) => {
    const view = triggerView(t, input, floors);
    // cpu/memory and other HPA metrics have no activation of their own: left to the HPA outcome.
    if (view.outcome !== null) {
      active[t.name] = 'isActive' in view.outcome && view.outcome.isActive;
    }
    return view;
  });
  const composite = spec.event.scalingModifiers === null ? null : buildComposite(input);
  const state = scaledObjectState({ triggers: views, composite: composite?.activity ?? null });
  const reasons: Reason[] = floors.map((f) => ({
    step: `schedule:${f.trigger}`,
    code: f.active ? 'ScheduleWindowOpen' : 'ScheduleWindowClosed',
    message: f.active
      ? `cron trigger "${f.trigger}" is inside its window: at least ${f.replicas} replicas`
      : `cron trigger "${f.trigger}" is outside its window`,
  }));
  if (composite !== null) reasons.push(composite.reason);
  const hpaTriggers = spec.triggers.filter(
    (t) => t.type !== 'cron' && (composite === null || !isEventTrigger(t)),
  );
  return {
    triggers: composite === null ? hpaTriggers : [...hpaTriggers, composite.trigger],
    observation:
      composite === null
        ? observation
        : {
            ...observation,
            metrics: { ...observation.metrics, [compositeMetricName]: composite.reading },
          },
    active,
    state,
    floors,
    reasons,
  };
}

function triggerView(
  t: TriggerSpec,
  input: EventTriggersInput,
  floors: readonly ScheduleFloor[],
): TriggerView {
  if (t.type === 'cron') {
    const f = floors.find((x) => x.trigger === t.name);
    const metricNames = [t.name];
    if (f === undefined || f.replicas < 0)
      return { type: t.type, metricNames, outcome: { error: 'invalid cron config' } };
    return {
      type: t.type,
      metricNames,
      outcome: { values: { [t.name]: f.active ? f.replicas : 0 }, isActive: f.active },
    };
  }
  if (!isEventTrigger(t)) return { type: t.resource ?? t.type, metricNames: [], outcome: null };
  const reading = input.observation.metrics[t.name];
  const served = input.beyond.includes(t.name);
  if (readingFailed(reading) && !served) {
    return {
      type: t.type,
      metricNames: [t.name],
      outcome: { error: `trigger "${t.name}" failed` },
    };
  }
  const value = sumValue(reading);
  return {
    type: t.type,
    metricNames: [t.name],
    outcome: {
      values: { [t.name]: value },
      isActive: served || isActiveValue(activationValue(reading), t.activation),
    },
  };
}

function cronFloor(t: TriggerSpec, now: number): ScheduleFloor {
  const config = cronTriggerConfigSchema.safeParse(t.config);
  const compiled = config.success ? compileSchedule(config.data) : null;
  if (compiled === null || !compiled.ok) return { trigger: t.name, active: false, replicas: -1 };
  const w = scheduleWindow(compiled.value, now);
  return { trigger: t.name, active: w.active, replicas: compiled.value.desiredReplicas };
}

function formulaInputs(input: EventTriggersInput): {
  metrics: { metricName: string; valueMilli: number }[];
  metricToTrigger: Record<string, string>;
  health: Record<string, { numberOfFailures: number; status: 'Happy' | 'Failing' }>;
} {
  const metrics: { metricName: string; valueMilli: number }[] = [];
  const metricToTrigger: Record<string, string> = {};
  const health: Record<string, { numberOfFailures: number; status: 'Happy' | 'Failing' }> = {};
  for (const t of input.spec.triggers.filter(isEventTrigger)) {
    const reading = input.observation.metrics[t.name];
    const failures = input.failures[t.name] ?? 0;
    health[t.name] = { numberOfFailures: failures, status: failures > 0 ? 'Failing' : 'Happy' };
    metricToTrigger[t.name] = t.name;
    if (!readingFailed(reading)) {
      metrics.push({ metricName: t.name, valueMilli: Math.round(sumValue(reading) * 1000) });
    } else if (input.beyond.includes(t.name)) {
      // The fallback layer's placeholder: nil in the formula (behavior scalingModifiers).
      metrics.push({ metricName: t.name, valueMilli: -1000 });
    }
  }
  return { metrics, metricToTrigger, health };
}

interface Composite {
  readonly trigger: TriggerSpec;
  readonly reading: MetricReading;
  readonly activity: { valueMilli: number | null; activationTargetMilli: number };
  readonly reason: Reason;
}

function buildComposite(input: EventTriggersInput): Composite | null {
  const modifiers = input.spec.event.scalingModifiers;
  if (modifiers === null) return null;
  const parsed = parseFormula(modifiers.formula);
  const { metrics, metricToTrigger, health } = formulaInputs(input);
  const value = compositeValueMilli({
    formula: parsed.ok ? parsed.value : null,
    target: String(modifiers.target),
    fallback: input.spec.fallback,
    health,
    metrics,
    metricToTrigger,
    currentReplicas: input.observation.currentReplicas,
  });
  const trigger: TriggerSpec = {
    name: compositeMetricName,
    type: 'scaling-modifiers',
    metricType: 'External',
    target: { type: modifiers.metricType, value: modifiers.target },
    activation: modifiers.activationTarget,
    config: {},
  };
  const reading: MetricReading = value.ok
    ? { status: 'ok', timestamp: input.now, valuesMilli: [value.value] }
    : {
        status: 'error',
        error: { code: 'CompositeMetricFailed', message: value.error, retryable: true },
      };
  return {
    trigger,
    reading,
    activity: {
      valueMilli: value.ok ? value.value : null,
      activationTargetMilli: Math.round(modifiers.activationTarget * 1000),
    },
    reason: {
      step: 'scalingModifiers',
      code: value.ok ? 'CompositeMetric' : 'CompositeMetricFailed',
      message: value.ok
        ? `formula "${modifiers.formula}" = ${value.value / 1000} (target ${modifiers.target}, activation above ${modifiers.activationTarget})`
        : value.error,
    },
  };
}
