/**
 * `decide` for `policy: kpa`: Knative's decider on the spec's single trigger.
 *
 *   (a) read the trigger: a revision total (concurrency or RPS; `valuesMilli` summed, or the
 *       per-pod `podSamples` extrapolated to the ready pods), in units
 *   (b) record it in the time-keyed window; stable (60 s) and panic (6 s) linear averages
 *   (c) the decider's `Scale` step (rate limits from ready pods, panic, delay window, EBC)
 *   (d) no valid result (no data in the stable window, pod count error) ⇒ hold the current count
 *   (e) Tide's bounds: [minReplicas, maxReplicas], and `kpa.initialScale` until first reached
 *   (f) scale to zero only after the stable window and the grace period (`idle.ts`)
 *
 * The per-pod target is `trigger.target.value × kpa.targetUtilizationPercentage / 100` (Knative's
 * TargetValue, at least 0.01); `trigger.target.value` itself is the per-pod total capacity.
 *
 * @module
 */
import type {
  Condition,
  Decision,
  KpaState,
  MetricReading,
  Observation,
  Reason,
  ReadingError,
  ScalerSpec,
  ScalerState,
  TriggerOutcome,
  TriggerSpec,
} from '../../model.js';
import { recordSample, windowAverage } from '../../window.js';
import { createDecider } from './create.js';
import { gateScaleToZero } from './idle.js';
import { scale, type ScaleStep } from './scale.js';
import { TARGET_MIN } from './target.js';
import type { DeciderSpec, Observed } from './types.js';
import { panicWindowSeconds } from './windows.js';

type Reading =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly error: ReadingError };

const failed = (code: string, message: string): Reading => ({
  ok: false,
  error: { code, message, retryable: true },
});

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/**
 * (a) The revision total a reading stands for, in units. Object/External values are summed.
 * Per-pod samples are extrapolated as Knative does from a scraped subset: the mean per sampled
 * pod times the ready pods (never fewer than the pods sampled, so a full sample is its sum).
 */
export function readTotal(
  trigger: TriggerSpec,
  reading: MetricReading | undefined,
  readyPods: number,
): Reading {
  if (reading === undefined) return failed('NoReading', `no reading for trigger "${trigger.name}"`);
  if (reading.status === 'error') return { ok: false, error: reading.error };
  if (reading.valuesMilli !== undefined && reading.valuesMilli.length > 0) {
    return { ok: true, value: sum(reading.valuesMilli) / 1000 };
  }
  const perPod = (reading.podSamples ?? []).flatMap((p) =>
    p.valueMilli === undefined ? [] : [p.valueMilli],
  );
  if (perPod.length === 0) {
    return failed('NoValue', `trigger "${trigger.name}": the reading holds no values`);
  }
  const pods = Math.max(readyPods, perPod.length);
  return { ok: true, value: (sum(perPod) / perPod.length) * (pods / 1000) };
}

/** Knative's DeciderSpec from a Tide spec. */
export function kpaDeciderSpec(spec: ScalerSpec, trigger: TriggerSpec): DeciderSpec {
  const k = spec.kpa;
  const total = trigger.target.value;
  return {
    scalingMetric: trigger.config.metric === 'rps' ? 'rps' : 'concurrency',
    targetValue: Math.max(TARGET_MIN, (total * k.targetUtilizationPercentage) / 100),
    totalValue: total,
    targetBurstCapacity: k.targetBurstCapacity,
    panicThreshold: k.panicThresholdPercentage / 100,
    maxScaleUpRate: k.maxScaleUpRate,
    maxScaleDownRate: k.maxScaleDownRate,
    stableWindowSeconds: k.stableWindowSeconds,
    scaleDownDelaySeconds: k.scaleDownDelaySeconds,
    reachable: true,
    activationScale: k.activationScale,
    initialScale: k.initialScale,
  };
}

/** Ready endpoints: `readyReplicas`, else the ready pods, else (no pods listed) the current count. */
export function readyPods(observation: Observation): number {
  if (observation.readyReplicas !== undefined) return observation.readyReplicas;
  if (observation.pods.length === 0) return observation.currentReplicas;
  return observation.pods.filter((p) => p.ready?.status === true && p.deleted !== true).length;
}

function initialKpaState(spec: ScalerSpec, observation: Observation, now: number): KpaState {
  const current = observation.currentReplicas;
  return {
    ...createDecider({ spec: spec.kpa, readyPods: readyPods(observation), now }),
    samples: [],
    activeSince: current > 0 ? now : null,
    inactiveSince: current > 0 ? null : now,
    initialScaleReached: false,
  };
}

/** The decision under construction. */
interface Draft {
  readonly spec: ScalerSpec;
  readonly observation: Observation;
  readonly now: number;
  readonly reasons: Reason[];
  readonly conditions: Condition[];
  kpa: KpaState;
}

/** (b) Stable and panic averages; null when the stable window holds no data (ErrNoData). */
function observe(draft: Draft, reading: Reading): Observed | null {
  const k = draft.spec.kpa;
  const stableMs = k.stableWindowSeconds * 1000;
  if (reading.ok) {
    const sample = { timestamp: draft.now, value: reading.value };
    draft.kpa = { ...draft.kpa, samples: recordSample(draft.kpa.samples, sample, stableMs) };
  }
  const stable = windowAverage(draft.kpa.samples, draft.now, stableMs);
  const panicS = panicWindowSeconds(k.stableWindowSeconds, k.panicWindowPercentage);
  const panic = windowAverage(draft.kpa.samples, draft.now, panicS * 1000);
  if (!stable.ok) {
    draft.reasons.push({
      step: 'window',
      code: 'ErrNoData',
      message: `stable window: ${stable.message}`,
    });
    return null;
  }
  // Upstream: an empty panic window averages to 0 while the stable window has data.
  const observed = { stable: stable.value, panic: panic.ok ? panic.value : 0 };
  draft.reasons.push({
    step: 'window',
    code: 'WindowAverages',
    message: `average over the ${k.stableWindowSeconds} s stable window ${observed.stable}, over the ${panicS} s panic window ${observed.panic}`,
  });
  return observed;
}

function explainStep(step: Extract<ScaleStep, { detail: unknown }>, spec: DeciderSpec): Reason {
  const d = step.detail;
  const mode = d.panicking ? 'panic mode (no scale-down)' : 'stable mode';
  const delay =
    d.beforeDelay === null
      ? ''
      : `; scale-down delay holds ${d.beforeDelay} → ${step.result.desiredPodCount}`;
  return {
    step: 'kpa',
    code: d.panicking ? 'KpaPanic' : 'KpaStable',
    message:
      `per-pod target ${spec.targetValue}: stable wants ${d.desiredStable}, panic wants ${d.desiredPanic} ` +
      `(limits ${d.maxScaleDown}..${d.maxScaleUp} from ${d.readyPods} ready pods); ${mode}${delay}; ` +
      `excess burst capacity ${step.result.excessBurstCapacity}`,
    replicas: step.result.desiredPodCount,
  };
}

function outcome(
  trigger: TriggerSpec,
  reading: Reading,
  replicas: number | null,
  value: number | null,
): TriggerOutcome {
  return {
    name: trigger.name,
    type: trigger.type,
    replicas,
    value,
    active: value !== null && value > trigger.activation,
    error: reading.ok ? null : reading.error,
  };
}

function finish(
  draft: Draft,
  desired: number,
  extra: { valid: boolean; triggers: TriggerOutcome[]; state: ScalerState },
): Decision {
  const current = draft.observation.currentReplicas;
  draft.reasons.push({
    step: 'decision',
    code: desired === current ? 'NoChange' : 'Rescale',
    message:
      desired === current
        ? `keep ${desired} replicas`
        : `scale from ${current} to ${desired} replicas`,
    replicas: desired,
  });
  return {
    desiredReplicas: desired,
    valid: extra.valid,
    reasons: draft.reasons,
    conditions: draft.conditions,
    triggers: extra.triggers,
    state: {
      ...extra.state,
      kpa: draft.kpa,
      lastScaleTime: desired === current ? extra.state.lastScaleTime : draft.now,
    },
  };
}

const cond = (type: string, ok: boolean, reason: string, message: string): Condition => ({
  type,
  status: ok ? 'True' : 'False',
  reason,
  message,
});

/**
 * (e) Tide's bounds. As Knative does with `initial-scale`, a count above 1 is a floor until the
 * ready pods have reached it once.
 */
function bound(draft: Draft, desired: number): number {
  const { spec } = draft;
  const initial = spec.kpa.initialScale;
  const reached = draft.kpa.initialScaleReached || readyPods(draft.observation) >= initial;
  draft.kpa = { ...draft.kpa, initialScaleReached: reached };
  const min = initial > 1 && !reached ? Math.max(spec.minReplicas, initial) : spec.minReplicas;
  const bounded = Math.min(Math.max(desired, min), spec.maxReplicas);
  if (bounded !== desired) {
    draft.reasons.push({
      step: 'bounds',
      code: bounded > desired ? 'TooFewReplicas' : 'TooManyReplicas',
      message:
        `${desired} is outside [${min}, ${spec.maxReplicas}]: ${bounded}` +
        (min > spec.minReplicas ? ` (initial scale ${initial} not reached yet)` : ''),
      replicas: bounded,
    });
  }
  return bounded;
}

/** (f) The scale-to-zero rule. */
function gate(draft: Draft, bounded: number): number {
  const { spec, now } = draft;
  const idle = gateScaleToZero({
    desired: bounded,
    current: draft.observation.currentReplicas,
    now,
    state: draft.kpa,
    stableWindowSeconds: spec.kpa.stableWindowSeconds,
    gracePeriodSeconds: spec.kpa.scaleToZeroGracePeriodSeconds,
    podRetentionSeconds: spec.kpa.scaleToZeroPodRetentionSeconds,
  });
  draft.kpa = { ...draft.kpa, ...idle.state };
  if (idle.code !== 'Active') {
    draft.reasons.push({
      step: 'scale-to-zero',
      code: idle.code,
      message: idle.message,
      replicas: idle.replicas,
    });
  }
  return idle.replicas;
}

function newDraft(spec: ScalerSpec, observation: Observation, kpa: KpaState, now: number): Draft {
  return {
    spec,
    observation,
    now,
    reasons: [],
    conditions: [
      cond('AbleToScale', true, 'SucceededGetScale', "the target's current scale was read"),
    ],
    kpa,
  };
}

/** (d) No valid decision: hold the current count. Bad data never shrinks a service. */
function hold(
  draft: Draft,
  why: string,
  extra: { triggers: TriggerOutcome[]; state: ScalerState },
): Decision {
  const current = draft.observation.currentReplicas;
  const message = `no valid decision (${why}): hold ${current} replicas`;
  draft.reasons.push({ step: 'kpa', code: 'HoldNoData', message, replicas: current });
  draft.conditions.push(cond('ScalingActive', false, 'FailedGetMetrics', message));
  return finish(draft, current, { valid: false, ...extra });
}

/** Decides one tick for a `kpa` spec. Pure: time comes in as `now`, state goes out. */
export function decideKpa(
  spec: ScalerSpec,
  observation: Observation,
  state: ScalerState,
  now: number,
): Decision {
  const base: ScalerState = { ...state, createdAt: state.createdAt ?? now };
  const [trigger, ...ignored] = spec.triggers;
  if (trigger === undefined) {
    const draft = newDraft(
      spec,
      observation,
      state.kpa ?? initialKpaState(spec, observation, now),
      now,
    );
    return hold(draft, 'policy kpa needs one trigger, triggers is empty', {
      triggers: [],
      state: base,
    });
  }
  const deciderSpec = kpaDeciderSpec(spec, trigger);
  const draft = newDraft(
    spec,
    observation,
    state.kpa ?? initialKpaState(spec, observation, now),
    now,
  );
  if (ignored.length > 0) {
    draft.reasons.push({
      step: 'kpa',
      code: 'ExtraTriggersIgnored',
      message: `policy kpa scales on one trigger ("${trigger.name}"); ignored: ${ignored.map((t) => `"${t.name}"`).join(', ')}`,
    });
  }
  const reading = readTotal(trigger, observation.metrics[trigger.name], readyPods(observation));
  const observed = observe(draft, reading);
  const step = scale({
    spec: deciderSpec,
    state: draft.kpa,
    now,
    readyPods: readyPods(observation),
    observed,
  });
  draft.kpa = { ...draft.kpa, ...step.state };
  if ('invalid' in step) {
    return hold(draft, step.invalid, {
      triggers: [outcome(trigger, reading, null, null)],
      state: base,
    });
  }
  draft.reasons.push(explainStep(step, deciderSpec));
  draft.conditions.push(
    cond('ScalingActive', true, 'ValidMetricFound', 'the stable window holds data'),
  );
  const desired = gate(draft, bound(draft, step.result.desiredPodCount));
  const triggers = [
    outcome(trigger, reading, step.result.desiredPodCount, observed?.stable ?? null),
  ];
  return finish(draft, desired, { valid: true, triggers, state: base });
}
