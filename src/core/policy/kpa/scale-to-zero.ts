/**
 * The KPA reconciler's scale step (upstream `kpa.scaler.scale`, ALGORITHMS.md §2.5): bounds
 * (min/max scale, initial scale), then the scale-to-zero gate, which is a small state machine
 * over the PodAutoscaler's `Active` condition:
 *
 * - activating (Unknown): wait, unless activation has failed for longer than
 *   progress deadline + buffer, then allow 0;
 * - active (True): 0 is reported but not applied once active for a stable window (this marks the
 *   PA inactive and puts the activator in the path); before that, apply 1;
 * - inactive (False): the activator must answer for the revision (unless TBC = −1); then apply 0
 *   after max(grace period, pod retention) inactive, or once the activator has proxied for the
 *   grace period (pod retention permitting); otherwise re-check later.
 *
 * Probing is I/O: the caller passes the probe as a function, called only when the gate needs it.
 *
 * @module
 */
import {
  annotationKeys,
  durationAnnotation,
  intAnnotation,
  numberAnnotation,
  type Annotations,
} from './annotations.js';
import { stableWindowSeconds } from './windows.js';

export interface ScalerConfig {
  readonly enableScaleToZero: boolean;
  readonly scaleToZeroGracePeriodSeconds: number;
  readonly stableWindowSeconds: number;
  readonly scaleToZeroPodRetentionSeconds: number;
  readonly progressDeadlineSeconds: number;
  readonly activationTimeoutBufferSeconds: number;
  readonly initialScale: number;
  readonly allowZeroInitialScale: boolean;
  readonly minScale: number;
  /** 0 = unbounded. */
  readonly maxScale: number;
  readonly targetBurstCapacity: number;
}

export type Reachability = 'Reachable' | 'Unreachable' | 'Unknown' | '';

export interface PodAutoscalerView {
  readonly annotations: Annotations;
  readonly reachability: Reachability;
  readonly active: {
    readonly status: 'True' | 'False' | 'Unknown';
    /** Epoch ms of the condition's last transition. */
    readonly lastTransitionTime: number;
  };
  readonly scaleTargetInitialized: boolean;
}

export interface ScaleGateInput {
  readonly config: ScalerConfig;
  readonly pa: PodAutoscalerView;
  /** The decider's recommendation; −1 = unknown (no metrics yet). */
  readonly desiredScale: number;
  /** The target's `spec.replicas`. */
  readonly currentReplicas: number;
  readonly now: number;
  /** The serverless service's mode and how long the activator has been proxying (0 = not). */
  readonly sks: { readonly mode: 'Serve' | 'Proxy'; readonly proxyForSeconds: number };
  /** Synchronous probe: does the activator answer for this revision? */
  readonly probeActivator: () => boolean;
}

export interface ScaleGateResult {
  /** The desired scale the reconciler records (may be 0 while nothing is applied). */
  readonly scale: number;
  /** The gate allows applying `scale` (applied only if it differs from the current count). */
  readonly allowed: boolean;
  /** `scale` was applied to the target. */
  readonly applied: boolean;
  /** Re-check this PA after this many seconds; null = no re-check requested. */
  readonly requeueAfterSeconds: number | null;
  readonly startAsyncProbe: boolean;
  /** A stable code saying which branch decided. */
  readonly code: string;
}

/** `[min, max]` scale: annotation or config; min is 0 for unreachable revisions; max 0 = none. */
export function scaleBounds(
  config: Pick<ScalerConfig, 'minScale' | 'maxScale'>,
  pa: Pick<PodAutoscalerView, 'annotations' | 'reachability'>,
): { readonly min: number; readonly max: number } {
  const min = intAnnotation(pa.annotations, annotationKeys.minScale) ?? config.minScale;
  const max = intAnnotation(pa.annotations, annotationKeys.maxScale) ?? config.maxScale;
  return { min: pa.reachability === 'Unreachable' ? 0 : min, max };
}

/** The initial scale: the annotation (0 only when zero initial scale is allowed) or the config. */
export function initialScale(
  config: Pick<ScalerConfig, 'initialScale' | 'allowZeroInitialScale'>,
  annotations: Annotations,
): number {
  const annotated = intAnnotation(annotations, annotationKeys.initialScale);
  if (annotated !== null && (annotated > 0 || config.allowZeroInitialScale)) return annotated;
  return config.initialScale;
}

/** Pod retention: annotation or config, and 0 for unreachable revisions. */
export function podRetentionSeconds(
  config: Pick<ScalerConfig, 'scaleToZeroPodRetentionSeconds'>,
  pa: Pick<PodAutoscalerView, 'annotations' | 'reachability'>,
): number {
  if (pa.reachability === 'Unreachable') return 0;
  const annotated = durationAnnotation(
    pa.annotations,
    annotationKeys.scaleToZeroPodRetentionPeriod,
  );
  return annotated !== null && annotated >= 0 ? annotated : config.scaleToZeroPodRetentionSeconds;
}

/** The effective target burst capacity: annotation or config. */
export function targetBurstCapacity(
  config: Pick<ScalerConfig, 'targetBurstCapacity'>,
  annotations: Annotations,
): number {
  return (
    numberAnnotation(annotations, annotationKeys.targetBurstCapacity) ?? config.targetBurstCapacity
  );
}

/** Bounds as upstream's `applyBounds` (pre: 0 ≤ min ≤ max or max = 0). */
function applyBounds(min: number, max: number, x: number): number {
  if (x < min) return min;
  if (max !== 0 && x > max) return max;
  return x;
}

interface Gate {
  readonly scale: number;
  readonly allowed: boolean;
  readonly requeueAfterSeconds: number | null;
  readonly startAsyncProbe: boolean;
  readonly code: string;
}

const gate = (
  scale: number,
  allowed: boolean,
  code: string,
  requeue: number | null = null,
): Gate => ({
  scale,
  allowed,
  requeueAfterSeconds: requeue,
  startAsyncProbe: false,
  code,
});

const sinceSeconds = (input: ScaleGateInput): number =>
  (input.now - input.pa.active.lastTransitionTime) / 1000;

/** The revision's progress deadline (PA annotation, else config) plus the activation buffer. */
function activationTimeoutSeconds(input: ScaleGateInput): number {
  const deadline =
    durationAnnotation(input.pa.annotations, annotationKeys.progressDeadline) ??
    input.config.progressDeadlineSeconds;
  return deadline + input.config.activationTimeoutBufferSeconds;
}

function activatingGate(input: ScaleGateInput): Gate {
  const timeout = activationTimeoutSeconds(input);
  if (sinceSeconds(input) > timeout) return gate(0, true, 'ActivationTimedOut');
  return gate(-1, false, 'Activating', timeout);
}

function activeGate(input: ScaleGateInput): Gate {
  const window = stableWindowSeconds(input.pa.annotations, input.config);
  const activeFor = sinceSeconds(input);
  if (activeFor >= window) {
    // Report 0 without applying it: the PA turns inactive and the activator enters the path.
    return gate(0, false, 'MarkInactive', input.sks.mode === 'Proxy' ? 3 : null);
  }
  return gate(1, true, 'IdleButActive', window - activeFor);
}

function inactiveGate(input: ScaleGateInput): Gate {
  const unlimited = targetBurstCapacity(input.config, input.pa.annotations) === -1;
  if (!unlimited && !input.probeActivator()) {
    return { ...gate(0, false, 'ActivatorNotInPath'), startAsyncProbe: true };
  }
  const inactiveFor = sinceSeconds(input);
  const retention = podRetentionSeconds(input.config, input.pa);
  const grace = input.config.scaleToZeroGracePeriodSeconds;
  if (inactiveFor >= Math.max(grace, retention)) return gate(0, true, 'ScaleToZero');
  if (retention > 0 && inactiveFor < retention) {
    return gate(0, false, 'PodRetention', retention - inactiveFor);
  }
  const remaining = grace - input.sks.proxyForSeconds;
  if (remaining <= 0) return gate(0, true, 'ScaleToZeroProxied');
  return gate(0, false, 'GracePeriod', remaining);
}

function scaleToZeroGate(input: ScaleGateInput, desired: number): Gate {
  if (desired !== 0) return gate(desired, true, 'Scale');
  if (!input.config.enableScaleToZero) return gate(1, true, 'ScaleToZeroDisabled');
  switch (input.pa.active.status) {
    case 'Unknown':
      return activatingGate(input);
    case 'True':
      return activeGate(input);
    default:
      return inactiveGate(input);
  }
}

/** One reconciler scale step for a decider recommendation. */
export function reconcileScale(input: ScaleGateInput): ScaleGateResult {
  const { config, pa } = input;
  if (input.desiredScale < 0 && pa.active.status !== 'Unknown') {
    return { ...gate(input.desiredScale, false, 'NoMetrics'), applied: false };
  }
  const bounds = scaleBounds(config, pa);
  let min = bounds.min;
  const initial = initialScale(config, pa.annotations);
  if (initial > 1 && !pa.scaleTargetInitialized && pa.reachability !== 'Unreachable') {
    min = Math.max(min, initial);
  }
  const result = scaleToZeroGate(input, applyBounds(min, bounds.max, input.desiredScale));
  return { ...result, applied: result.allowed && result.scale !== input.currentReplicas };
}
