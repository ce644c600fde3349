/**
 * The KPA decider's inputs and outputs (Knative's `DeciderSpec` and `ScaleResult`), as plain data.
 *
 * @module
 */
import type { KpaState } from '../../model.js';

export type ScalingMetric = 'concurrency' | 'rps';

/** Everything one `Scale` step needs to know about the revision (ALGORITHMS.md §2.2). */
export interface DeciderSpec {
  readonly scalingMetric: ScalingMetric;
  /** Per-pod target: `max(0.01, total × utilization)`. */
  readonly targetValue: number;
  /** Per-pod total capacity (container concurrency or the RPS default). */
  readonly totalValue: number;
  /** 0 = none, −1 = unlimited (activator always in the path). */
  readonly targetBurstCapacity: number;
  /** A fraction: 2.0 = 200 %. */
  readonly panicThreshold: number;
  readonly maxScaleUpRate: number;
  readonly maxScaleDownRate: number;
  readonly stableWindowSeconds: number;
  readonly scaleDownDelaySeconds: number;
  /** The revision receives traffic (routing state is neither reserve nor unreachable). */
  readonly reachable: boolean;
  /** Only values above 1 have an effect. */
  readonly activationScale: number;
  readonly initialScale: number;
}

/** The decider's part of the KPA state. */
export type DeciderState = Pick<KpaState, 'panicTime' | 'maxPanicPods' | 'delayWindow'>;

/** What the pod counter reported: a count, "not found" (counts as 0) or another error. */
export type ReadyPods = number | 'not-found' | 'error';

/** The stable and panic window values (revision totals), or null when they could not be read. */
export interface Observed {
  readonly stable: number;
  readonly panic: number;
}

export interface ScaleResult {
  readonly desiredPodCount: number;
  readonly excessBurstCapacity: number;
  readonly scaleValid: boolean;
}

/** Why a `Scale` step ended invalid (upstream logs these and skips the tick). */
export type InvalidReason = 'ready-pods-error' | 'no-metrics';
