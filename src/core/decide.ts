/**
 * `decide(spec, observation, state, now)`: the one entry point of the engine. `policy: kpa` goes
 * to Knative's decider as a whole (`policy/kpa/decide-kpa.ts`: windows, panic, rate limits, its
 * own bounds and scale-to-zero rule; none of the HPA's normalization applies). `policy: hpa` is a
 * short pipeline of named steps, each appending a Reason:
 *
 *   (a) seed the recommendation history with (current, now) on the first decision
 *   (b) HPA early exits: target at 0 with min > 0 → disabled; current outside [min, max] → bound
 *   (c) per-trigger proposals (the HPA's replica calculator)
 *   (d) [KEDA fallback]                                  — insertion point, pass-through for now
 *   (e) combine: max; all failed → hold (invalid); some failed and best < current → hold
 *   (f) [KEDA activation / scale to zero / idle]         — insertion point, pass-through for now
 *   (g) [schedule floors]                                — insertion point, pass-through for now
 *   (h) prediction: max of the reactive proposal and the forecast (steps/prediction.ts)
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
} from './model.js';
import { combineProposals } from './policy/combine.js';
import { evaluateHpaTrigger, type TriggerEvaluation } from './policy/hpa/trigger.js';
import { decideKpa } from './policy/kpa/decide-kpa.js';
import { hpaEarlyExit } from './steps/bounds.js';
import { normalize } from './steps/normalize.js';
import { applyPrediction as applyPredictionStep } from './steps/prediction.js';
import { recordRescale } from './steps/record.js';
import { resolveTolerance } from './steps/tolerance.js';

/** The decision under construction; local to one `decide` call. */
interface Draft {
  readonly spec: ScalerSpec;
  readonly observation: Observation;
  readonly now: number;
  readonly current: number;
  readonly reasons: Reason[];
  conditions: Condition[];
  triggers: readonly TriggerOutcome[];
  state: ScalerState;
  valid: boolean;
}

// (a) -----------------------------------------------------------------------------------------
function begin(spec: ScalerSpec, observation: Observation, state: ScalerState, now: number): Draft {
  const current = observation.currentReplicas;
  const draft: Draft = {
    spec,
    observation,
    now,
    current,
    reasons: [],
    conditions: [
      condition('AbleToScale', true, 'SucceededGetScale', "the target's current scale was read"),
    ],
    triggers: [],
    state: { ...state, createdAt: state.createdAt ?? now },
    valid: true,
  };
  if (state.recommendations === null) {
    draft.state = { ...draft.state, recommendations: [{ replicas: current, timestamp: now }] };
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
  const { spec, observation, now } = draft;
  const ctx = {
    observation,
    tolerance: resolveTolerance(spec),
    cpuInitializationPeriodSeconds: spec.hpa.cpuInitializationPeriodSeconds,
    initialReadinessDelaySeconds: spec.hpa.initialReadinessDelaySeconds,
    now,
  };
  return spec.triggers.map((t) => evaluateHpaTrigger(t, ctx));
}

/** [KEDA teammate] (d) fallback replicas after N consecutive failures. Pass-through for now. */
function applyFallback(_draft: Draft, evaluations: TriggerEvaluation[]): TriggerEvaluation[] {
  return evaluations;
}

/** [KEDA teammate] (f) activation, scale to zero after the cooldown, idle replicas. Pass-through. */
function applyActivation(_draft: Draft, desired: number): number {
  return desired;
}

/** [schedule teammate] (g) cron-window floors. Pass-through for now. */
function applyScheduleFloors(_draft: Draft, desired: number): number {
  return desired;
}

/** Ready pods (Running and Ready); without a pod list, `readyReplicas` or the current count. */
function readyCount(o: Observation): number {
  if (o.pods.length === 0) return o.readyReplicas ?? o.currentReplicas;
  return o.pods.filter((p) => p.phase === 'Running' && p.ready?.status === true).length;
}

/** (h) forecast-based floor: max with the reactive proposal (modes off / forecastOnly / on). */
function applyPrediction(draft: Draft, desired: number): number {
  const r = applyPredictionStep({
    spec: draft.spec,
    state: draft.state,
    triggers: draft.triggers,
    counts: {
      readyReplicas: readyCount(draft.observation),
      statusReplicas: draft.observation.statusReplicas ?? draft.current,
    },
    desired,
    now: draft.now,
  });
  draft.state = r.state;
  draft.reasons.push(...r.reasons);
  if (r.condition !== null) draft.conditions = setCondition(draft.conditions, r.condition);
  return r.replicas;
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
  return {
    desiredReplicas: desired,
    valid: draft.valid,
    reasons: draft.reasons,
    conditions: draft.conditions,
    triggers: draft.triggers,
    state,
  };
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

function recordTriggers(draft: Draft, evaluations: readonly TriggerEvaluation[]): void {
  draft.triggers = evaluations.map((e) => e.outcome);
  for (const e of evaluations) {
    const o = e.outcome;
    draft.reasons.push({
      step: `trigger:${o.name}`,
      code: e.failureReason ?? 'Proposal',
      message:
        o.replicas === null
          ? `trigger "${o.name}" failed: ${o.error?.message ?? 'unknown error'}`
          : `trigger "${o.name}" reads ${o.value ?? 'n/a'} and proposes ${o.replicas} replicas`,
      ...(o.replicas === null ? {} : { replicas: o.replicas }),
    });
  }
}

/** Decides the replica count for one tick. Pure: time comes in as `now`, state goes out. */
export function decide(
  spec: ScalerSpec,
  observation: Observation,
  state: ScalerState,
  now: number,
): Decision {
  if (spec.policy === 'kpa') return decideKpa(spec, observation, state, now);
  const draft = begin(spec, observation, state, now); // (a)
  const early = hpaEarlyExit(draft.current, spec.minReplicas, spec.maxReplicas); // (b)
  if (early !== null) return concludeEarly(draft, early);
  const evaluations = applyFallback(draft, proposeTriggers(draft)); // (c), (d)
  recordTriggers(draft, evaluations);
  const combined = combineProposals({
    current: draft.current,
    outcomes: draft.triggers,
    failureReasons: evaluations.map((e) => e.failureReason),
  }); // (e)
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
  let desired = applyActivation(draft, combined.replicas); // (f)
  desired = applyScheduleFloors(draft, desired); // (g)
  desired = applyPrediction(draft, desired); // (h)
  const normalized = normalize({
    spec,
    current: draft.current,
    desired,
    recommendations: draft.state.recommendations ?? [],
    scaleUpEvents: draft.state.scaleUpEvents,
    scaleDownEvents: draft.state.scaleDownEvents,
    now,
  }); // (i)
  draft.reasons.push(...normalized.reasons);
  for (const c of normalized.conditions) draft.conditions = setCondition(draft.conditions, c);
  draft.state = { ...draft.state, recommendations: normalized.recommendations };
  return conclude(draft, normalized.replicas); // (j)
}
