/**
 * `decide(spec, observation, state, now)`: the one entry point of the engine. `policy: kpa` goes
 * to Knative's decider as a whole (`policy/kpa/decide-kpa.ts`: windows, panic, rate limits, its
 * own bounds and scale-to-zero rule; none of the HPA's normalization applies). `policy:
 * target-tracking` (the cloud providers' alarm-based form, `policy/target-tracking.ts`) replaces
 * (c)–(i) after the early exits. `policy: hpa` is a short pipeline of named steps, each appending
 * a Reason:
 *
 *   (a) seed the recommendation history with (current, now) on the first decision
 *   (d) KEDA fallback, on the observation: failures counted in `state.triggerHealth`; past the
 *       threshold a trigger's reading becomes the value that makes the HPA land on the fallback
 *       count; then each trigger's activity, the scalingModifiers composite, the cron windows
 *   (f) KEDA's executor (when minReplicas is 0 or idleReplicas is set): activation from 0/idle
 *       and scale to 0/idle after the cooldown are written directly; at rest the HPA is off
 *   (b) HPA early exits: target at 0 with min > 0 → disabled; current outside [min, max] → bound
 *       (with KEDA's transitions the HPA's minimum is max(minReplicas, 1))
 *   (c) per-trigger proposals (the HPA's replica calculator) over what (d) prepared
 *   (e) combine: max; all failed → hold (invalid); some failed and best < current → hold
 *   (g) schedule floors: an open cron window raises the count to its desiredReplicas
 *   (h) prediction: max of the reactive proposal and the forecast (prediction/step.ts)
 *   (i) normalize: behavior path (stabilize → rate limits + min/max) or the legacy path
 *   (j) record: the recommendation (in (i)), and on a change lastScaleTime and the scale event
 *
 * @module
 */
import { condition, setCondition } from './conditions.js';
import type {
  Condition,
  Decision,
  Observation,
  Reason,
  ScalerSpec,
  ScalerState,
  TriggerOutcome,
  TriggerSpec,
} from './model.js';
import { combineProposals, type CombineResult } from './policy/combine.js';
import { evaluateHpaTrigger, type TriggerEvaluation } from './policy/hpa/trigger.js';
import { decideKpa } from './policy/kpa/decide-kpa.js';
import { targetTracking } from './policy/target-tracking.js';
import { hpaEarlyExit } from './steps/bounds.js';
import { normalize } from './steps/normalize.js';
import {
  applyPrediction as applyPredictionStep,
  metricWindowOf,
  windowReadyReplicas,
} from './prediction/step.js';
import { recordRescale } from './steps/record.js';
import { resolveTolerance } from './steps/tolerance.js';
import { applyEventFallback } from './steps/event-fallback.js';
import { applyEventGate, hpaMinReplicas } from './steps/event-gate.js';
import { applyEventFreeSteps, usesEventFeatures } from './steps/event-free.js';
import { evaluateEventTriggers, type EventTriggersResult } from './steps/event-triggers.js';
import { compositeMetricName } from './policy/event/modifiers.js';
import { pausedReplicas } from './steps/pause.js';
import { copyState, type WorkingState } from './state-copy.js';

/** What (d) hands on: what (c), (e) and (g) read of the event steps, and the executor's verdict. */
interface Prepared {
  readonly event: EventView;
  /** A count the executor writes directly (activation, zero/idle); null = the HPA path decides. */
  readonly override: number | null;
  /** The target rests at 0/idle with every trigger inactive: the HPA is off. */
  readonly parked: boolean;
}

/** The parts of the event steps' result that the rest of `decide` reads. */
type EventView = Pick<EventTriggersResult, 'floors' | 'active'> & {
  readonly state: { readonly isActive: boolean };
};

const noFloors: EventTriggersResult['floors'] = [];

/** The decision under construction; local to one `decide` call. */
interface Draft {
  readonly spec: ScalerSpec;
  readonly observation: Observation;
  /** What the HPA math sees (KEDA: fallback values, composite metric, no cron, min ≥ 1). */
  hpaSpec: ScalerSpec;
  hpaObservation: Observation;
  readonly now: number;
  readonly current: number;
  readonly reasons: Reason[];
  conditions: Condition[];
  triggers: readonly TriggerOutcome[];
  /** This call's own copy of the state (state-copy.ts): steps write its fields in place. */
  state: WorkingState;
  valid: boolean;
  /** Prediction's proposal at this tick (`Decision.predictedReplicas`); null for none. */
  predicted: number | null;
}

// (a) -----------------------------------------------------------------------------------------
function begin(spec: ScalerSpec, observation: Observation, state: ScalerState, now: number): Draft {
  const current = observation.currentReplicas;
  const draft: Draft = {
    spec,
    observation,
    hpaSpec: spec,
    hpaObservation: observation,
    now,
    current,
    reasons: [],
    conditions: [
      condition('AbleToScale', true, 'SucceededGetScale', "the target's current scale was read"),
    ],
    triggers: [],
    state: copyState(state),
    valid: true,
    predicted: null,
  };
  draft.state.createdAt = state.createdAt ?? now;
  if (state.recommendations === null) {
    draft.state.recommendations = [{ replicas: current, timestamp: now }];
    draft.reasons.push({
      step: 'history',
      code: 'HistorySeeded',
      message: `no recommendation history yet: seeded with the current ${current} replicas, so scale-down waits a full stabilization window`,
    });
  }
  return draft;
}

// (c) -----------------------------------------------------------------------------------------
function proposeTriggers(draft: Draft): TriggerEvaluation[] {
  const { hpaSpec: spec, hpaObservation: observation, now } = draft;
  const ctx = {
    observation,
    tolerance: resolveTolerance(spec),
    cpuInitializationPeriodSeconds: spec.hpa.cpuInitializationPeriodSeconds,
    initialReadinessDelaySeconds: spec.hpa.initialReadinessDelaySeconds,
    now,
  };
  return spec.triggers.map((t) => evaluateHpaTrigger(t, ctx));
}

/**
 * (d) KEDA fallback, on the observation: failures are counted in `state.triggerHealth`; past
 * `fallback.failureThreshold` a trigger's reading is replaced by the value that makes the HPA math
 * land on the fallback replica count. Then each trigger's activity, the scalingModifiers
 * composite and the cron windows (steps/event-*.ts).
 */
function prepareEvent(draft: Draft): Prepared {
  const { spec, now } = draft;
  const fallback = applyEventFallback({
    spec,
    observation: draft.observation,
    health: draft.state.triggerHealth,
    now,
  });
  draft.state.triggerHealth = fallback.health;
  draft.reasons.push(...fallback.reasons);
  // Only a scalingModifiers formula reads the failure counts (formulaInputs): not built otherwise.
  const failures =
    spec.event.scalingModifiers === null
      ? {}
      : Object.fromEntries(Object.entries(fallback.health).map(([k, v]) => [k, v.failures]));
  const event = evaluateEventTriggers({
    spec,
    observation: fallback.observation,
    beyond: fallback.beyond,
    failures,
    now,
  });
  draft.reasons.push(...event.reasons);
  draft.hpaSpec = { ...spec, minReplicas: hpaMinReplicas(spec), triggers: [...event.triggers] };
  draft.hpaObservation = event.observation;
  const gate = applyEventGate({
    spec,
    state: draft.state,
    objectState: event.state,
    current: draft.current,
    fallbackActive: spec.fallback !== null && fallback.beyond.length > 0,
    now,
  });
  // The gate hands back the state it was given, or a copy with lastActiveTime refreshed.
  if (gate.state !== draft.state) draft.state.lastActiveTime = gate.state.lastActiveTime;
  draft.reasons.push(...gate.reasons);
  for (const c of gate.conditions) draft.conditions = setCondition(draft.conditions, c);
  return { event, override: gate.override, parked: gate.parked };
}

/**
 * (d) and (f) for a spec that uses no KEDA feature (steps/event-free.ts): the same effects on the
 * state and the trigger activity, without building the fallback observation, the trigger views
 * and the executor's conditions that such a spec never uses. The HPA sees the spec and the
 * observation as they are (what the full steps pass on is equal to them field by field).
 */
function prepareEventFree(draft: Draft): Prepared {
  const result = applyEventFreeSteps({
    spec: draft.spec,
    observation: draft.observation,
    state: draft.state,
    current: draft.current,
  });
  draft.state.triggerHealth = result.triggerHealth;
  if (result.lastActiveTimeRefreshed) draft.state.lastActiveTime = draft.now;
  return {
    event: { floors: noFloors, active: result.active, state: { isActive: result.isActive } },
    override: null,
    parked: false,
  };
}

/** (g) cron windows: an active window floors the count at its desiredReplicas. */
function applyScheduleFloors(draft: Draft, event: EventView, desired: number): number {
  let floored = desired;
  for (const f of event.floors) {
    if (!f.active || f.replicas <= floored) continue;
    floored = f.replicas;
    draft.reasons.push({
      step: `schedule:${f.trigger}`,
      code: 'ScheduleFloor',
      message: `cron trigger "${f.trigger}" is inside its window: at least ${f.replicas} replicas`,
      replicas: f.replicas,
    });
  }
  return floored;
}

/** Ready pods (Running and Ready); without a pod list, `readyReplicas` or the current count. */
function readyCount(o: Observation): number {
  if (o.pods.length === 0) return o.readyReplicas ?? o.currentReplicas;
  return o.pods.filter((p) => p.phase === 'Running' && p.ready?.status === true).length;
}

/** (h) forecast-based floor: max with the reactive proposal (modes off / forecastOnly / on). */
function applyPrediction(
  draft: Draft,
  desired: number,
): { replicas: number; downWindowSeconds: number | null } {
  // Mode off holds the proposal and keeps no state (the step says so too): skip counting pods.
  if (draft.spec.prediction.mode === 'off') return { replicas: desired, downWindowSeconds: null };
  const first = draft.observation.metrics[draft.spec.triggers[0]?.name ?? ''];
  const r = applyPredictionStep({
    spec: draft.spec,
    state: draft.state,
    triggers: draft.triggers,
    counts: {
      readyReplicas:
        windowReadyReplicas(draft.observation.pods, first) ?? readyCount(draft.observation),
      statusReplicas: draft.observation.statusReplicas ?? draft.current,
    },
    desired,
    now: draft.now,
    metricWindowSeconds: metricWindowOf(first),
  });
  draft.state.forecast = r.forecast;
  draft.predicted = r.proposal;
  draft.reasons.push(...r.reasons);
  if (r.condition !== null) draft.conditions = setCondition(draft.conditions, r.condition);
  return { replicas: r.replicas, downWindowSeconds: r.downWindowSeconds };
}

// (j) -----------------------------------------------------------------------------------------
function conclude(draft: Draft, desired: number): Decision {
  const state = recordRescale({
    spec: draft.spec,
    state: draft.state,
    current: draft.current,
    desired,
    now: draft.now,
  });
  if (desired !== draft.current) {
    draft.conditions = setCondition(
      draft.conditions,
      condition(
        'AbleToScale',
        true,
        'SucceededRescale',
        `the HPA controller was able to update the target scale to ${desired}`,
      ),
    );
  }
  draft.reasons.push({
    step: 'decision',
    code: desired === draft.current ? 'NoChange' : 'Rescale',
    message:
      desired === draft.current
        ? `keep ${desired} replicas`
        : `scale from ${draft.current} to ${desired} replicas`,
    replicas: desired,
  });
  const decision: { -readonly [K in keyof Decision]: Decision[K] } = {
    desiredReplicas: desired,
    valid: draft.valid,
    reasons: draft.reasons,
    conditions: draft.conditions,
    triggers: draft.triggers,
    state,
  };
  // Added last, as `{ ...decision, predictedReplicas }` would (a spread here cost a tick ~0.1 µs).
  if (draft.predicted !== null) decision.predictedReplicas = draft.predicted;
  return decision;
}

function concludeEarly(
  draft: Draft,
  early: NonNullable<ReturnType<typeof hpaEarlyExit>>,
): Decision {
  draft.reasons.push(early.reason);
  if (early.kind === 'disabled') {
    draft.conditions = setCondition(
      draft.conditions,
      condition('ScalingActive', false, 'ScalingDisabled', early.reason.message),
    );
  }
  return conclude(draft, early.replicas);
}

function recordTriggers(
  draft: Draft,
  evaluations: readonly TriggerEvaluation[],
  event: EventView,
): void {
  draft.triggers = evaluations.map((e) => withActivity(e.outcome, event));
  for (const e of evaluations) {
    const o = e.outcome;
    const step = `trigger:${o.name}`;
    const code = e.failureReason ?? 'Proposal';
    // Two literals rather than a spread of a conditional object (same keys, same order).
    draft.reasons.push(
      o.replicas === null
        ? {
            step,
            code,
            message: `trigger "${o.name}" failed: ${o.error?.message ?? 'unknown error'}`,
          }
        : {
            step,
            code,
            message: `trigger "${o.name}" reads ${readText(triggerNamed(draft, o.name), o.value)} and proposes ${o.replicas} replicas`,
            replicas: o.replicas,
          },
    );
  }
}

const triggerNamed = (draft: Draft, name: string): TriggerSpec | undefined =>
  draft.hpaSpec.triggers.find((t) => t.name === name);

/**
 * What a trigger read, against its target, as the HPA's status shows a metric:
 * "91% of requested cpu (target 50%)", "15 (target AverageValue 10)".
 */
function readText(trigger: TriggerSpec | undefined, value: number | null): string {
  if (value === null) return 'n/a';
  const target = trigger?.target;
  if (target === undefined) return String(value);
  if (target.type === 'Utilization') {
    return `${value}% of requested ${trigger?.resource ?? 'resource'} (target ${target.value}%)`;
  }
  return `${value} (target ${target.type} ${target.value})`;
}

/**
 * `{ ...outcome, active }` with KEDA's activity, written as a literal: V8 clones objects holding
 * fractional numbers (a metric value) through its slow path. `satisfies Required<...>` makes a new
 * TriggerOutcome field a compile error here until it is copied too.
 */
function withActivity(o: TriggerOutcome, event: EventView): TriggerOutcome {
  const active =
    o.name === compositeMetricName ? event.state.isActive : (event.active[o.name] ?? o.active);
  return {
    name: o.name,
    type: o.type,
    replicas: o.replicas,
    value: o.value,
    active,
    error: o.error,
  } satisfies Required<TriggerOutcome>;
}

/** `policy: target-tracking`: the alarm-based policy replaces (c)–(i); (j) records as usual. */
function decideTargetTracking(draft: Draft): Decision {
  const { spec, observation, now } = draft;
  const result = targetTracking(spec, observation, draft.state.targetTracking ?? null, now);
  draft.reasons.push(...result.reasons);
  draft.state.targetTracking = result.state;
  return conclude(draft, result.replicas);
}

/**
 * KEDA's executor wrote the count itself (activation from 0/idle, zero/idle after the cooldown),
 * or the target rests at 0/idle with every trigger inactive: the HPA math does not run.
 */
function concludeEvent(draft: Draft, prepared: Prepared): Decision {
  const { event, override } = prepared;
  draft.triggers = draft.spec.triggers.map((t) => ({
    name: t.name,
    type: t.type,
    replicas: null,
    value: null,
    active: event.active[t.name] ?? false,
    error: null,
  }));
  if (override === null) {
    draft.conditions = setCondition(
      draft.conditions,
      condition(
        'ScalingActive',
        false,
        'ScalingDisabled',
        `the target rests at ${draft.current} replicas until a trigger becomes active`,
      ),
    );
    draft.reasons.push({
      step: 'activation',
      code: 'Inactive',
      message: `no trigger is active: the target stays at ${draft.current} replicas`,
      replicas: draft.current,
    });
  }
  return conclude(draft, override ?? draft.current);
}

/** With only cron triggers the HPA sees no metric above 0: its minimum, then the floors. */
function combineTriggers(draft: Draft, evaluations: readonly TriggerEvaluation[]): CombineResult {
  if (draft.hpaSpec.triggers.length === 0) {
    const replicas = draft.hpaSpec.minReplicas;
    return {
      kind: 'proceed',
      replicas,
      reason: {
        step: 'combine',
        code: 'ScheduleOnly',
        message: `only schedule triggers: ${replicas} replicas outside their windows`,
        replicas,
      },
    };
  }
  return combineProposals({
    current: draft.current,
    outcomes: draft.triggers,
    failureReasons: evaluations.map((e) => e.failureReason),
  });
}

/** (b)–(j) once (d)/(f) have run; shared by `decide` and `decideWithEventSteps`. */
function decideAfterEvent(draft: Draft, prepared: Prepared): Decision {
  const { spec, now } = draft;
  if (prepared.override !== null || prepared.parked) return concludeEvent(draft, prepared);
  const { event } = prepared;
  const early = hpaEarlyExit(draft.current, draft.hpaSpec.minReplicas, spec.maxReplicas); // (b)
  if (early !== null) return concludeEarly(draft, early);
  if (spec.policy === 'target-tracking') return decideTargetTracking(draft);
  const evaluations = proposeTriggers(draft); // (c)
  recordTriggers(draft, evaluations, event);
  const combined = combineTriggers(draft, evaluations); // (e)
  draft.reasons.push(combined.reason);
  if (combined.kind === 'hold') {
    draft.valid = !combined.allFailed;
    draft.conditions = setCondition(
      draft.conditions,
      condition('ScalingActive', false, combined.conditionReason, combined.message),
    );
    return conclude(draft, draft.current);
  }
  draft.conditions = setCondition(
    draft.conditions,
    condition('ScalingActive', true, 'ValidMetricFound', combined.reason.message),
  );
  const desired = applyScheduleFloors(draft, event, combined.replicas); // (g)
  const predicted = applyPrediction(draft, desired); // (h)
  const normalized = normalize({
    spec: draft.hpaSpec,
    current: draft.current,
    desired: predicted.replicas,
    downWindowSeconds: predicted.downWindowSeconds,
    recommendations: draft.state.recommendations ?? [],
    scaleUpEvents: draft.state.scaleUpEvents,
    scaleDownEvents: draft.state.scaleDownEvents,
    now,
  }); // (i)
  draft.reasons.push(...normalized.reasons);
  for (const c of normalized.conditions) draft.conditions = setCondition(draft.conditions, c);
  draft.state.recommendations = normalized.recommendations;
  return conclude(draft, normalized.replicas); // (j)
}

interface DecideInput {
  readonly spec: ScalerSpec;
  readonly observation: Observation;
  readonly state: ScalerState;
  readonly now: number;
}

function decideBy(input: DecideInput, prepare: (draft: Draft) => Prepared): Decision {
  const { spec, observation, state, now } = input;
  if (spec.policy === 'kpa') return decideKpa(spec, observation, state, now);
  const draft = begin(spec, observation, state, now); // (a)
  const paused = pausedReplicas(spec, draft.current); // KEDA's pause: nothing else is decided
  if (paused !== null) {
    draft.reasons.push(paused.reason);
    return conclude(draft, paused.replicas);
  }
  return decideAfterEvent(draft, prepare(draft)); // (d), (f), then (b)–(j)
}

/** Decides the replica count for one tick. Pure: time comes in as `now`, state goes out. */
export function decide(
  spec: ScalerSpec,
  observation: Observation,
  state: ScalerState,
  now: number,
): Decision {
  // (d) KEDA fallback, activity, (f) executor; the fast path when the spec uses none of them.
  const prepare = usesEventFeatures(spec) ? prepareEvent : prepareEventFree;
  return decideBy({ spec, observation, state, now }, prepare);
}

/**
 * `decide` with every KEDA step run in full, even for a spec that uses no KEDA feature: the
 * reference the event-free fast path is checked against (steps/event-free.test.ts). Same result.
 */
export const decideWithEventSteps: typeof decide = (spec, observation, state, now) =>
  decideBy({ spec, observation, state, now }, prepareEvent);
