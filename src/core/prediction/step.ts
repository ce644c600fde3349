/**
 * Step (h) of `decide`: prediction (ADR 3). Feeds the load seen by the scaler's first trigger to
 * the seasonal forecaster (policy/predictive.ts) and to the headroom planner (policy/headroom.ts),
 * then, by mode:
 * - `on`, `headroom: learned` (the default): while the planner is confident, its plan replaces the
 *   first trigger's buffered proposal — ceil((load + learned headroom + the forecast's expected
 *   climb) / ceiling) — but never goes below what the other triggers or a schedule ask for, and
 *   is not used at a tick when any trigger failed (a failure blocks scale-down). The scale-down
 *   window shrinks to the planner's horizon (its plan already covers the horizon's peak). While
 *   it is not confident the reactive proposal stands unchanged: the engine is then the HPA.
 * - `on` with `seasonal: true`: the forecast's upper bound may also raise the count (the max with
 *   the proposal, so it only ever adds capacity early).
 * - `forecastOnly` runs all of it and never acts: what mode on would ask for with the same spec
 *   (the confident plan, or the seasonal raise) is published as the decision's
 *   `predictedReplicas` and said in a `ForecastOnly` reason; `off` does nothing and keeps no
 *   forecaster state.
 *
 * The load is the first trigger's demand in its own target's units, so ceil(load / target) is the
 * count the trigger itself would ask for without tolerance. Every trigger reports a per-replica
 * figure (`TriggerOutcome.value`), so load = value × the replicas it was averaged over:
 *   Utilization / AverageValue per pod (Resource, Pods): average × ready replicas
 *   Object / External AverageValue: the reported average (total / status replicas) × status replicas
 *   Object / External Value: value × ready replicas (the HPA scales the ready count by value / target)
 * Ready, not current: replicas still starting report no usage, and counting them would inflate the
 * load exactly when prediction has just added replicas (a feedback loop); and each ready replica
 * counts by the share of the samples' window it was ready for (`windowReadyReplicas`). A
 * Utilization reading, which the HPA truncates to a whole percent, counts at its middle (v + 0.5).
 * Worked example: CPU at 80 % of request on 4 pods ready all window, target 50 % → load
 * (80 + 0.5) × 4 = 322, target 50 → 7 replicas.
 *
 * @module
 */
import { condition } from '../conditions.js';
import {
  forecastWindow,
  observe,
  type ForecasterState,
  type Sample,
} from '../forecast/forecaster.js';
import { effectiveBehavior } from '../steps/normalize.js';
import type {
  Condition,
  MetricReading,
  PodInfo,
  Reason,
  ScalerSpec,
  ScalerState,
  TriggerOutcome,
} from '../model.js';
import {
  horizonMs as headroomHorizonMs,
  metricAgeOf,
  observeHeadroom,
  planHeadroom,
  restoreHeadroomState,
  type HeadroomInput,
  type HeadroomState,
  type HeadroomPlan,
} from './planner.js';
import {
  initialPredictiveState,
  isPredictiveState,
  observePredictive,
  predictive,
  type PredictiveProposal,
  type PredictiveState,
} from './seasonal.js';

export interface PredictionInput {
  readonly spec: ScalerSpec;
  readonly state: ScalerState;
  readonly triggers: readonly TriggerOutcome[];
  readonly counts: ReplicaCounts;
  /** The proposal after the reactive steps. */
  readonly desired: number;
  readonly now: number;
  /**
   * The window the first trigger's per-pod samples average over (`metricWindowOf`); null when
   * they do not say (External and Object metrics).
   */
  readonly metricWindowSeconds?: number | null;
}

export interface PredictionResult {
  readonly replicas: number;
  /**
   * The state's new `forecast` (the input state's own in mode off): the caller, which owns a copy
   * of the state for the decision, writes it there (a copy of the whole state here cost a tick
   * ~0.2 µs).
   */
  readonly forecast: ScalerState['forecast'];
  readonly reasons: readonly Reason[];
  /** The `Predicting` condition; null in mode off. */
  readonly condition: Condition | null;
  /**
   * While the headroom plan is applied: the scale-down stabilization window to use instead of a
   * longer configured one (the plan already covers the horizon's highest load); else null.
   */
  readonly downWindowSeconds: number | null;
  /**
   * What prediction asks for at this tick (mode on, applied) or would ask for (mode forecastOnly:
   * what mode on would ask with the same spec and state); null when it asks for nothing — mode
   * off, or no confident plan and no seasonal raise, so the reactive proposal stands.
   */
  readonly proposal: number | null;
}

/** The replica counts the per-replica figures were taken over. */
export interface ReplicaCounts {
  /**
   * Ready replicas the per-pod averages were taken over: `windowReadyReplicas` when the samples
   * say over which window, else the ready count.
   */
  readonly readyReplicas: number;
  /** `scale.status.replicas`, the divisor of External/Object AverageValue averages. */
  readonly statusReplicas: number;
}

/**
 * The ready replicas, each counted by the share of the per-pod samples' window it was ready for
 * (null without samples). A load of average × ready-now overstates the load just after new
 * replicas became ready — their window still holds the time before — and would feed prediction
 * its own scale-ups as rises.
 * Worked example: samples over 60 s ending at t; 4 pods ready long before, 2 ready since t − 15 s
 * → 4 + 2 × 15 / 60 = 4.5.
 */
export function windowReadyReplicas(
  pods: readonly PodInfo[],
  reading: MetricReading | undefined,
): number | null {
  const sample = reading?.status === 'ok' ? reading.podSamples?.[0] : undefined;
  if (sample === undefined) return null;
  const end = sample.timestamp;
  const windowMs = sample.windowSeconds * 1000;
  let sum = 0;
  for (const pod of pods) sum += readyShare(pod, end, windowMs);
  return sum > 0 ? sum : null;
}

/** The share of (end − window, end] a pod was ready for (0 … 1; a zero window: ready at end). */
function readyShare(pod: PodInfo, end: number, windowMs: number): number {
  const ready = pod.phase === 'Running' && pod.ready?.status === true && pod.deleted !== true;
  if (!ready || pod.ready === null) return 0;
  const from = Math.max(pod.ready.lastTransitionTime, end - windowMs);
  if (windowMs <= 0) return from <= end ? 1 : 0;
  return Math.min(1, Math.max(0, (end - from) / windowMs));
}

/** The first trigger's load and per-replica target, or null when it failed this tick. */
export function predictionLoad(
  spec: ScalerSpec,
  triggers: readonly TriggerOutcome[],
  counts: ReplicaCounts,
): { value: number; target: number } | null {
  const trigger = spec.triggers[0];
  const outcome = triggers.find((t) => t.name === trigger?.name);
  if (trigger === undefined || outcome?.value === null || outcome?.value === undefined) return null;
  const external = trigger.metricType === 'Object' || trigger.metricType === 'External';
  const byStatus = external && trigger.target.type === 'AverageValue';
  const replicas = byStatus ? counts.statusReplicas : counts.readyReplicas;
  // The HPA truncates utilization to a whole percent: the true value lies in [v, v + 1), so the
  // load takes its middle (a plan at the SLO ceiling has no buffer to absorb a biased reading).
  const value = trigger.target.type === 'Utilization' ? outcome.value + 0.5 : outcome.value;
  return { value: value * replicas, target: trigger.target.value };
}

const STEP = 'prediction';

/** The SLO ceiling for a target: the spec's, else target × 9 / 7 (70 → 90). */
export function ceilingFor(spec: ScalerSpec, target: number): number {
  return spec.prediction.ceiling ?? (target * 9) / 7;
}

interface Advanced {
  readonly ps: PredictiveState;
  /** The seasonal forecast's proposal; null when it does not run (mode on without `seasonal`). */
  readonly p: PredictiveProposal | null;
  /** The headroom plan; null when the first trigger gave no load this tick. */
  readonly plan: HeadroomPlan | null;
}

function advancePlanner(
  hs: HeadroomState,
  h: HeadroomInput & { readonly load: number },
): { hs: HeadroomState; plan: HeadroomPlan } {
  const next = observeHeadroom(hs, h);
  return { hs: next, plan: planHeadroom(next, h) };
}

/** The keys of a PredictiveState as `initialPredictiveState` and this step write them, in order. */
const PLAIN_KEYS = ['version', 'forecaster', 'check', 'headroom'] as const;

/** Whether `ps` has exactly PLAIN_KEYS, in that order (`headroom` may be missing). */
function isPlain(ps: PredictiveState): boolean {
  const keys = Object.keys(ps);
  if (keys.length < 3 || keys.length > 4) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== PLAIN_KEYS[i]) return false;
  // No symbol check: a state is plain JSON (it comes from JSON or from this module), and a
  // symbol-keyed property would not survive the status anyway.
  return true;
}

/**
 * `{ ...ps, ...part }`: the same keys in the same order, written out when `ps` has the plain
 * shape (V8 copies a spread on a slow generic path, and this runs twice a tick), spread otherwise.
 */
function predictiveWith(
  ps: PredictiveState,
  part: { readonly forecaster?: ForecasterState; readonly headroom?: HeadroomState },
): PredictiveState {
  const headroom = part.headroom ?? ps.headroom;
  // A `headroom` key holding undefined is not the plain shape: the spread keeps it as it is.
  if (!isPlain(ps) || (headroom === undefined && 'headroom' in ps)) return { ...ps, ...part };
  const forecaster = part.forecaster ?? ps.forecaster;
  if (headroom === undefined) return { version: ps.version, forecaster, check: ps.check };
  return { version: ps.version, forecaster, check: ps.check, headroom };
}

interface Timing {
  readonly now: number;
  readonly startupSeconds: number;
  readonly syncPeriodSeconds: number;
  readonly metricAgeSeconds: number;
}

const timingOf = (input: PredictionInput): Timing => ({
  now: input.now,
  startupSeconds: input.spec.startupSeconds,
  syncPeriodSeconds: input.spec.syncPeriodSeconds,
  metricAgeSeconds: metricAgeOf(input.metricWindowSeconds ?? null),
});

/** The window the per-pod samples of a reading average over (the longest); null without any. */
export function metricWindowOf(reading: MetricReading | undefined): number | null {
  if (reading?.status !== 'ok' || reading.podSamples === undefined) return null;
  let longest: number | null = null;
  for (const s of reading.podSamples) {
    if (Number.isFinite(s.windowSeconds)) longest = Math.max(longest ?? 0, s.windowSeconds);
  }
  return longest;
}

/** The scale-down stabilization window the reactive answer runs with. */
function scaleDownWindowSeconds(spec: ScalerSpec): number {
  const behavior = effectiveBehavior(spec);
  return behavior === null
    ? spec.hpa.downscaleStabilizationSeconds
    : behavior.scaleDown.stabilizationWindowSeconds;
}

/** The seasonal forecast runs in mode forecastOnly, and in mode on when `seasonal` is set. */
const runsSeasonal = (spec: ScalerSpec): boolean =>
  spec.prediction.mode === 'forecastOnly' || spec.prediction.seasonal;

/**
 * A fresh state, shared: nothing in prediction writes a state it is given (each step returns new
 * objects), so a scaler without one need not build its own every tick.
 */
const freshState: PredictiveState = initialPredictiveState();

function restoredState(state: ScalerState): PredictiveState {
  return isPredictiveState(state.forecast) ? state.forecast : freshState;
}

function expectedRise(
  f: ForecasterState,
  at: { readonly now: number; readonly ms: number },
): number {
  const ahead = forecastWindow(f, { from: at.now, to: at.now + at.ms });
  const here = forecastWindow(f, { from: at.now - 1, to: at.now });
  if (ahead === null || here === null || !((ahead.skill ?? 0) > 0)) return 0;
  return Math.max(0, ahead.point - here.point);
}

function learnOnly(f: ForecasterState, sample: Sample): ForecasterState {
  return Number.isFinite(sample.value) ? observe(f, sample) : f;
}

interface Fed {
  readonly ps: PredictiveState;
  readonly plan: HeadroomPlan;
}

/**
 * Feeds one reading of the load to the forecaster and the headroom planner, as every tick does.
 * `reactiveReplicas` is what reacting alone asked for (the seasonal self-check's yardstick).
 */
function feed(
  spec: ScalerSpec,
  ps: PredictiveState,
  at: { readonly timing: Timing; readonly load: Load; readonly reactiveReplicas: number },
): Fed {
  const { timing, load } = at;
  // The forecaster always learns (its expected climb feeds the planner); its own self-check,
  // which only judges the forecast's direct raise, runs only where that raise can act.
  const seasonal = runsSeasonal(spec)
    ? observePredictive(ps, { ...timing, ...load, reactiveReplicas: at.reactiveReplicas })
    : null;
  const forecaster =
    seasonal?.forecaster ?? learnOnly(ps.forecaster, { time: timing.now, value: load.value });
  const learned = seasonal ?? ps;
  // Written out rather than `...timing`: V8 copies that spread on its slow path, which halved
  // decide's throughput (`npm run bench`, decide (a): 111 k → 257 k decisions/s written out).
  const { hs, plan } = advancePlanner(restoreHeadroomState(learned.headroom), {
    now: timing.now,
    startupSeconds: timing.startupSeconds,
    syncPeriodSeconds: timing.syncPeriodSeconds,
    metricAgeSeconds: timing.metricAgeSeconds,
    load: load.value,
    target: load.target,
    ceiling: ceilingFor(spec, load.target),
    reactiveWindowSeconds: scaleDownWindowSeconds(spec),
    expectedRise: expectedRise(forecaster, {
      now: timing.now,
      ms: headroomHorizonMs(timing),
    }),
    costRatio: spec.prediction.costRatio,
  });
  // One copy of the predictive state a tick, with both parts (the self-check's already has its
  // forecaster).
  const part = seasonal === null ? { forecaster, headroom: hs } : { headroom: hs };
  return { ps: predictiveWith(learned, part), plan };
}

interface Load {
  readonly value: number;
  readonly target: number;
}

/** Feeds this tick's load to the predictive state and the headroom planner; reads both. */
function advance(input: PredictionInput): Advanced {
  const { spec } = input;
  const timing = timingOf(input);
  const ps = restoredState(input.state);
  const load = predictionLoad(spec, input.triggers, input.counts);
  const read = (state: PredictiveState, target: number): PredictiveProposal | null =>
    runsSeasonal(spec) ? predictive(state, { ...timing, target }) : null;
  if (load === null) return { ps, p: read(ps, spec.triggers[0]?.target.value ?? 1), plan: null };
  const fed = feed(spec, ps, { timing, load, reactiveReplicas: input.desired });
  return { ps: fed.ps, p: read(fed.ps, load.target), plan: fed.plan };
}

/**
 * Catches prediction up on the recent past, e.g. after a restart: each sample of `recent` (the
 * first trigger's load, oldest first, one per sync period) is fed to the forecaster and the
 * headroom planner exactly as a tick feeds it, so the planner's record — a function of the load
 * and the spec alone — is the one it would hold had the scaler been running. Two differences: the
 * seasonal self-check (`seasonal: true` only) takes ceil(load / target) for what reacting alone
 * asked for; and a sample that is not a finite load ≥ 0, or not later than the one before, is
 * skipped. The forecaster must not have seen these samples already (fit it on older history).
 * Returns the state, the samples fed, and whether the planner is confident at the end.
 */
export function warmPrediction(
  spec: ScalerSpec,
  state: ScalerState,
  recent: readonly Sample[],
): { state: ScalerState; fed: number; confident: boolean } {
  const target = spec.triggers[0]?.target.value;
  if (spec.prediction.mode === 'off' || target === undefined || !(target > 0)) {
    return { state, fed: 0, confident: false };
  }
  let ps = restoredState(state);
  let plan: HeadroomPlan | null = null;
  let fed = 0;
  let last = Number.NEGATIVE_INFINITY;
  // History is read only for External and Object triggers, which do not say their window.
  const metricAgeSeconds = metricAgeOf(null);
  for (const sample of recent) {
    if (!Number.isFinite(sample.value) || sample.value < 0 || !(sample.time > last)) continue;
    last = sample.time;
    const timing: Timing = {
      now: sample.time,
      startupSeconds: spec.startupSeconds,
      syncPeriodSeconds: spec.syncPeriodSeconds,
      metricAgeSeconds,
    };
    const load = { value: sample.value, target };
    const reactiveReplicas = Math.ceil(sample.value / target);
    ({ ps, plan } = feed(spec, ps, { timing, load, reactiveReplicas }));
    fed += 1;
  }
  return { state: { ...state, forecast: ps }, fed, confident: plan?.confident === true };
}

/**
 * The proposals the headroom plan must still respect: the other triggers' proposals and a
 * schedule floor (the proposal above every trigger's). Null when some trigger failed this tick:
 * a failure blocks scale-down (combine.ts), so the plan must not replace anything then.
 */
function othersFloor(input: PredictionInput): number | null {
  const first = input.spec.triggers[0]?.name;
  let others = 0;
  let all = 0;
  for (const t of input.triggers) {
    if (t.replicas === null) return null;
    all = Math.max(all, t.replicas);
    if (t.name !== first) others = Math.max(others, t.replicas);
  }
  return input.desired > all ? Math.max(others, input.desired) : others;
}

function raise(desired: number, predicted: number): Reason {
  const replicas = Math.max(desired, predicted);
  return {
    step: STEP,
    code: replicas > desired ? 'PredictionRaised' : 'ReactiveHigher',
    message:
      replicas > desired
        ? `prediction raises the reactive ${desired} to ${replicas} ahead of the forecast load`
        : `the reactive ${desired} already covers the predicted ${predicted}`,
    replicas,
  };
}

const reasonsOf = (a: Advanced): Reason[] => [
  ...(a.p === null ? [] : [a.p.reason]),
  ...(a.plan === null ? [] : [a.plan.reason]),
];

const noLoad = (input: PredictionInput): Reason => ({
  step: STEP,
  code: 'NoLoad',
  message: `trigger "${input.spec.triggers[0]?.name ?? '(none)'}" gave no load this tick: nothing to plan from`,
});

/**
 * The confident headroom plan replaces the first trigger's buffered proposal: the result is the
 * plan, the forecast's count (when prediction acts) and what the other triggers and schedules ask
 * for, whichever is highest.
 */
function applyPlan(
  input: PredictionInput,
  a: Advanced & { readonly plan: HeadroomPlan },
  planned: number,
): PredictionResult | null {
  const floor = othersFloor(input);
  if (floor === null) return null;
  const predicted = a.p?.replicas ?? 0;
  const replicas = Math.max(planned, predicted, floor);
  const parts = [
    `plan ${planned}`,
    ...(predicted > 0 ? [`forecast ${predicted}`] : []),
    ...(floor > 0 ? [`other triggers and schedules ${floor}`] : []),
  ];
  const reason: Reason = {
    step: STEP,
    code: 'HeadroomPlan',
    message: `the ${a.plan.candidate ?? 'rise'} plan asks for ${replicas} replicas (${parts.join(', ')}) instead of the buffered target's ${input.desired}`,
    replicas,
  };
  return {
    replicas,
    forecast: a.ps,
    reasons: [...reasonsOf(a), reason],
    condition: condition('Predicting', true, 'HeadroomConfident', a.plan.reason.message),
    downWindowSeconds: Math.round(a.plan.holdSeconds),
    proposal: replicas,
  };
}

/** The confident plan applied (`applyPlan`); null when there is none or it cannot act. */
function planned(input: PredictionInput, a: Advanced): PredictionResult | null {
  const plan = a.plan;
  const replicas = plan?.replicas ?? null;
  return plan === null || replicas === null ? null : applyPlan(input, { ...a, plan }, replicas);
}

const hold = (
  input: PredictionInput,
  forecast: ScalerState['forecast'],
  reasons: Reason[],
): PredictionResult => ({
  replicas: input.desired,
  forecast,
  reasons,
  condition: null,
  downWindowSeconds: null,
  proposal: null,
});

/** The Predicting condition's reason: the forecast's, else the planner's, else why neither ran. */
const explanation = (input: PredictionInput, a: Advanced): Reason =>
  a.p?.reason ?? a.plan?.reason ?? noLoad(input);

/**
 * What mode on would ask for with the same spec: the confident plan (with the seasonal forecast
 * only where `seasonal` lets it act), else the seasonal raise where `seasonal` is set; null when
 * mode on would leave the reactive proposal alone.
 */
function wouldAsk(input: PredictionInput, a: Advanced): number | null {
  const asOn: Advanced = input.spec.prediction.seasonal ? a : { ...a, p: null };
  const applied = input.spec.prediction.headroom === 'learned' ? planned(input, asOn) : null;
  if (applied !== null) return applied.replicas;
  const predicted = asOn.p?.replicas ?? null;
  return predicted === null ? null : Math.max(input.desired, predicted);
}

function forecastOnly(
  input: PredictionInput,
  a: Advanced,
): { proposal: number | null; reason: Reason } {
  const proposal = wouldAsk(input, a);
  const forecast = a.p?.forecastReplicas ?? null;
  const parts = [
    proposal === null
      ? `mode on would keep the reactive ${input.desired}`
      : `mode on would ask for ${proposal}`,
    ...(forecast === null
      ? []
      : input.spec.prediction.seasonal
        ? [`the seasonal forecast asks for ${forecast}`]
        : [
            `the seasonal forecast (which mode on uses only with seasonal: true) asks for ${forecast}`,
          ]),
  ];
  const message = `mode forecastOnly: ${parts.join('; ')}; not acting`;
  return { proposal, reason: { step: STEP, code: 'ForecastOnly', message } };
}

/** The seasonal forecast's part: raise in mode on, explain in forecastOnly. */
function applySeasonal(input: PredictionInput, a: Advanced): PredictionResult {
  const state = a.ps;
  const on = input.spec.prediction.mode === 'on';
  const predicted = on ? (a.p?.replicas ?? null) : null;
  const why = explanation(input, a);
  const predicting = condition('Predicting', predicted !== null, why.code, why.message);
  if (!on) {
    // Never acting, the condition says what acting would do rather than why the forecast waits.
    const only = forecastOnly(input, a);
    const reasons = [...reasonsOf(a), only.reason];
    const said = condition('Predicting', false, 'ForecastOnly', only.reason.message);
    return { ...hold(input, state, reasons), condition: said, proposal: only.proposal };
  }
  if (predicted === null) return { ...hold(input, state, reasonsOf(a)), condition: predicting };
  const r = raise(input.desired, predicted);
  const replicas = r.replicas ?? input.desired;
  return {
    ...hold(input, state, [...reasonsOf(a), r]),
    replicas,
    condition: predicting,
    proposal: replicas,
  };
}

/** Applies prediction to the reactive proposal (see the module comment). */
export function applyPrediction(input: PredictionInput): PredictionResult {
  const { mode, headroom } = input.spec.prediction;
  if (mode === 'off') return hold(input, input.state.forecast, []);
  const a = advance(input);
  if (mode === 'on' && headroom === 'learned') {
    const applied = planned(input, a);
    if (applied !== null) return applied;
  }
  return applySeasonal(input, a);
}
