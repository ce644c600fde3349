/**
 * Decide steps (d) and (f) for a spec that uses no KEDA feature: the fast path `decide` takes
 * instead of `applyEventFallback` → `evaluateEventTriggers` → `applyEventGate`.
 *
 * A spec is event-free when minReplicas ≥ 1, idleReplicas is unset, there is no fallback, no
 * scalingModifiers and no cron trigger. For such a spec the full KEDA steps reduce to three
 * effects, which this step computes in one pass over the triggers:
 *
 * - the fallback step only counts consecutive failures of External triggers in
 *   `state.triggerHealth` (no fallback: nothing is beyond a threshold, no reading is replaced,
 *   no reason is written);
 * - the trigger step marks each External trigger active when its reading did not fail and its
 *   summed value is strictly above its activation threshold (no cron: no floors and no schedule
 *   reasons; no modifiers: the HPA sees `spec.triggers` and the observation unchanged); the
 *   object is active if any trigger is, or if every trigger is cpu/memory and none failed
 *   (`scaledObjectState`);
 * - the executor gate does not apply (minReplicas ≠ 0 and no idleReplicas: no override, never
 *   parked, no `Active` condition, no reasons; no fallback: no `Fallback` condition), and its one
 *   lasting effect is KEDA's lastActiveTime, refreshed when the object is active and either the
 *   target is at 0 (activation) or no trigger failed (`requestScale` with no annotations).
 *
 * `event-free.test.ts` checks (fast-check) that decisions with and without this path are identical.
 *
 * @module
 */
import type { Observation, ScalerSpec, ScalerState, TriggerHealth, TriggerSpec } from '../model.js';
import { isActiveValue } from '../policy/event/activation.js';
import { countFailures } from '../policy/event/fallback.js';
import { isResourceTrigger } from '../policy/event/object-state.js';
import { isEventTrigger, readingFailed } from './event-fallback.js';
import { activationValue } from './event-triggers.js';

/** Whether the spec uses a KEDA feature, so the full event steps must run. */
export function usesEventFeatures(spec: ScalerSpec): boolean {
  return (
    spec.minReplicas < 1 ||
    spec.idleReplicas !== null ||
    spec.fallback !== null ||
    spec.event.scalingModifiers !== null ||
    spec.triggers.some((t) => t.type === 'cron')
  );
}

export interface EventFreeInput {
  readonly spec: ScalerSpec;
  readonly observation: Observation;
  readonly state: ScalerState;
  readonly current: number;
}

export interface EventFreeResult {
  /** The new `state.triggerHealth`: consecutive failures of each External trigger. */
  readonly triggerHealth: Readonly<Record<string, TriggerHealth>>;
  /** KEDA's lastActiveTime becomes now (written after triggerHealth, as the full steps do). */
  readonly lastActiveTimeRefreshed: boolean;
  /** Per External trigger: active (KEDA activation). */
  readonly active: Readonly<Record<string, boolean>>;
  /** The object's activity (`scaledObjectState`). */
  readonly isActive: boolean;
}

/** The type `scaledObjectState` sees: an External trigger's source type, else its resource. */
function viewType(t: TriggerSpec): string {
  return isEventTrigger(t) ? t.type : (t.resource ?? t.type);
}

interface Tally {
  readonly health: Record<string, TriggerHealth>;
  readonly active: Record<string, boolean>;
  isError: boolean;
  anyActive: boolean;
}

/** One External trigger: its failure count and activity (KEDA's fallback and trigger steps). */
function tallyEventTrigger(t: TriggerSpec, input: EventFreeInput, tally: Tally): void {
  const reading = input.observation.metrics[t.name];
  const failed = readingFailed(reading);
  const previous = input.state.triggerHealth[t.name]?.failures ?? 0;
  tally.health[t.name] = { failures: countFailures(previous, failed) };
  const on = !failed && isActiveValue(activationValue(reading), t.activation);
  tally.active[t.name] = on;
  tally.isError ||= failed;
  tally.anyActive ||= on;
}

/** The event steps' effects for an event-free spec (see the module comment). */
export function applyEventFreeSteps(input: EventFreeInput): EventFreeResult {
  const { spec } = input;
  const tally: Tally = { health: {}, active: {}, isError: false, anyActive: false };
  for (const t of spec.triggers) if (isEventTrigger(t)) tallyEventTrigger(t, input, tally);
  const allResource =
    spec.triggers.length > 0 && spec.triggers.every((t) => isResourceTrigger(viewType(t)));
  const isActive = tally.anyActive || (allResource && !tally.isError);
  return {
    triggerHealth: tally.health,
    lastActiveTimeRefreshed: isActive && (input.current === 0 || !tally.isError),
    active: tally.active,
    isActive,
  };
}
