/**
 * Target tracking, the cloud providers' alarm-based form (AWS Application Auto Scaling / EC2
 * target tracking): a CPU target (the spec's first cpu Utilization trigger, e.g. 70 %) watched by
 * two alarms over one-minute datapoints.
 *
 * 1. A datapoint is taken once per wall-clock minute: the average CPU utilization of the
 *    warmed-up pods (ready for at least their sample's window, as an instance warm-up keeps new
 *    instances out of the metric): Σ usage / Σ request over them. No such sample ⇒ no datapoint
 *    (the alarms keep their counts: missing data is "missing", not "breaching").
 * 2. High alarm: three consecutive datapoints above the target ⇒ scale out to
 *    max(current, ceil(warmed × utilization / target)); it re-fires every further minute while
 *    the datapoints stay above (warming replicas are not in the metric, so a re-fire only adds
 *    what is still missing).
 * 3. Low alarm: fifteen consecutive datapoints below 90 % of the target ⇒ scale in to
 *    ceil(warmed × utilization / target) (never above current), unless a scale-in happened in the
 *    last 300 s (the scale-in cooldown; scale-out has none).
 * 4. Between datapoints, and when neither alarm fires, the count stays as it is; the result is
 *    clamped to [minReplicas, maxReplicas].
 *
 * Worked example: target 70 %, 10 ready pods at 91 % for three minutes ⇒ ceil(10 × 91 / 70) =
 * ceil(13.0) = 13 replicas on the third datapoint.
 *
 * @module
 */
import type { Observation, PodInfo, PodSample, Reason } from '../model.js';
import type { ScalerSpec, TriggerSpec } from '../spec.js';

export const TARGET_TRACKING = {
  datapointSeconds: 60,
  scaleOutDatapoints: 3,
  scaleInDatapoints: 15,
  scaleInThreshold: 0.9,
  scaleInCooldownSeconds: 300,
} as const;

/** Plain JSON: what the alarms remember between ticks. */
export interface TargetTrackingState {
  /** Epoch minute (floor(now / 60 s)) of the last datapoint; null before the first. */
  readonly lastMinute: number | null;
  /** Consecutive datapoints above the target. */
  readonly high: number;
  /** Consecutive datapoints below 90 % of the target. */
  readonly low: number;
  /** Epoch ms of the last scale-in; null if none. */
  readonly lastScaleInMs: number | null;
}

export const initialTargetTrackingState = (): TargetTrackingState => ({
  lastMinute: null,
  high: 0,
  low: 0,
  lastScaleInMs: null,
});

export interface TargetTrackingResult {
  readonly replicas: number;
  readonly reasons: readonly Reason[];
  readonly state: TargetTrackingState;
}

function cpuTrigger(spec: ScalerSpec): TriggerSpec | undefined {
  return spec.triggers.find(
    (t) => t.resource === 'cpu' && t.metricType === 'Resource' && t.target.type === 'Utilization',
  );
}

function sampleUsage(sample: PodSample): number {
  let usage = 0;
  for (const c of sample.containers ?? []) usage += c.usageMilli ?? 0;
  return usage;
}

/**
 * Ready pods whose sample covers only ready time (ready for at least the sample's window): like
 * a cloud provider's instance warm-up, a just-ready replica is not yet in the metric, because the
 * sample still describes the load its elders carried without it.
 */
function warmedUp(pod: PodInfo, sample: PodSample | undefined): sample is PodSample {
  if (pod.ready?.status !== true || pod.phase !== 'Running' || sample === undefined) return false;
  return sample.timestamp >= pod.ready.lastTransitionTime + sample.windowSeconds * 1000;
}

/** Utilization (percent) and count of the warmed-up ready pods; null when there are none. */
export function readyUtilization(
  observation: Observation,
  triggerName: string,
): { readonly percent: number; readonly pods: number } | null {
  const reading = observation.metrics[triggerName];
  if (reading?.status !== 'ok' || reading.podSamples === undefined) return null;
  const samples = new Map<string, PodSample>();
  for (const s of reading.podSamples) samples.set(s.pod, s);
  let usage = 0;
  let request = 0;
  let pods = 0;
  for (const pod of observation.pods) {
    const sample = samples.get(pod.name);
    if (!warmedUp(pod, sample)) continue;
    request += pod.containers.reduce((sum, c) => sum + (c.requests.cpu ?? 0), 0);
    usage += sampleUsage(sample);
    pods++;
  }
  return request > 0 ? { percent: (100 * usage) / request, pods } : null;
}

const clamp = (n: number, spec: ScalerSpec): number =>
  Math.min(spec.maxReplicas, Math.max(spec.minReplicas, n));

interface Alarm {
  readonly replicas: number;
  readonly code: string;
  readonly message: string;
  readonly scaledIn: boolean;
}

function alarm(
  counts: { high: number; low: number; cooling: boolean },
  input: { current: number; ready: number; utilization: number; target: number },
): Alarm | null {
  const { current, ready, utilization, target } = input;
  const wanted = Math.ceil((ready * utilization) / target - 1e-9);
  const shown = `${utilization.toFixed(1)} % against a target of ${target} %`;
  if (counts.high >= TARGET_TRACKING.scaleOutDatapoints) {
    const replicas = Math.max(current, wanted);
    const message = `${counts.high} datapoints above target (${shown}): ceil(${ready} × ${utilization.toFixed(1)} / ${target}) = ${wanted}`;
    return { replicas, code: 'AlarmHigh', message, scaledIn: false };
  }
  if (counts.low >= TARGET_TRACKING.scaleInDatapoints && wanted < current) {
    if (counts.cooling) {
      const message = `${counts.low} datapoints below 90 % of target, but a scale-in happened less than ${TARGET_TRACKING.scaleInCooldownSeconds} s ago`;
      return { replicas: current, code: 'ScaleInCooldown', message, scaledIn: false };
    }
    const message = `${counts.low} datapoints below 90 % of target (${shown}): ceil(${ready} × ${utilization.toFixed(1)} / ${target}) = ${wanted}`;
    return { replicas: wanted, code: 'AlarmLow', message, scaledIn: true };
  }
  return null;
}

/** One target-tracking decision; `state` null = a first decision. */
export function targetTracking(
  spec: ScalerSpec,
  observation: Observation,
  state: TargetTrackingState | null,
  now: number,
): TargetTrackingResult {
  const prev = state ?? initialTargetTrackingState();
  const current = observation.currentReplicas;
  const hold = (code: string, message: string, next: TargetTrackingState): TargetTrackingResult => {
    const replicas = clamp(current, spec);
    return {
      replicas,
      reasons: [{ step: 'target-tracking', code, message, replicas }],
      state: next,
    };
  };
  const trigger = cpuTrigger(spec);
  if (trigger === undefined) {
    return hold('NoCpuTarget', 'target tracking needs a cpu Utilization trigger', prev);
  }
  const minute = Math.floor(now / (TARGET_TRACKING.datapointSeconds * 1000));
  if (prev.lastMinute === minute)
    return hold('AwaitingDatapoint', 'no new datapoint this minute', prev);
  const measured = readyUtilization(observation, trigger.name);
  if (measured === null) return hold('NoDatapoint', 'no CPU sample from a warmed-up pod', prev);
  return datapoint(spec, observation, {
    prev,
    minute,
    utilization: measured.percent,
    ready: measured.pods,
    target: trigger.target.value,
    now,
  });
}

function datapoint(
  spec: ScalerSpec,
  observation: Observation,
  point: {
    prev: TargetTrackingState;
    minute: number;
    utilization: number;
    ready: number;
    target: number;
    now: number;
  },
): TargetTrackingResult {
  const { prev, utilization, ready, target, now } = point;
  const current = observation.currentReplicas;
  const high = utilization > target ? prev.high + 1 : 0;
  const low = utilization < TARGET_TRACKING.scaleInThreshold * target ? prev.low + 1 : 0;
  const cooling =
    prev.lastScaleInMs !== null &&
    now - prev.lastScaleInMs < TARGET_TRACKING.scaleInCooldownSeconds * 1000;
  const next: TargetTrackingState = { ...prev, lastMinute: point.minute, high, low };
  const fired = alarm({ high, low, cooling }, { current, ready, utilization, target });
  const decided = fired ?? {
    replicas: current,
    code: 'WithinTarget',
    message: `${utilization.toFixed(1)} % against a target of ${target} %`,
    scaledIn: false,
  };
  const replicas = clamp(decided.replicas, spec);
  return {
    replicas,
    reasons: [{ step: 'target-tracking', code: decided.code, message: decided.message, replicas }],
    state: decided.scaledIn && replicas < current ? { ...next, lastScaleInMs: now } : next,
  };
}
