/**
 * The proposal for per-pod metrics, with the pessimistic correction pass for missing and unready
 * pods (ALGORITHMS.md §1.7). Shared by the utilization path and the plain (average) path.
 *
 * @module
 */
import { withinTolerance, type Tolerance } from '../../steps/tolerance.js';
import type { PodGroups } from './group-pods.js';
import type { PodMetrics } from './pod-metrics.js';

export interface CorrectionInput {
  readonly currentReplicas: number;
  /** The ratio over ready pods' samples (first pass). */
  readonly ratio: number;
  readonly groups: PodGroups;
  /** Samples left after removing ignored and unready pods (superfluous ones included). */
  readonly metrics: PodMetrics;
  readonly tolerance: Tolerance;
  /** Value assumed for a missing pod when the first pass points down (ratio < 1). */
  readonly missingValueOnScaleDown: (pod: string) => number;
  /** Recomputes the ratio over the filled-in samples; a string is an error. */
  readonly recompute: (metrics: PodMetrics) => number | string;
}

function fill(
  metrics: PodMetrics,
  pods: ReadonlySet<string>,
  value: (pod: string) => number,
): void {
  for (const pod of pods) metrics.set(pod, { value: value(pod), timestamp: 0, windowMs: 0 });
}

/** Fills in missing (by the first pass's direction) and, on a scale-up, unready pods. */
function filled(input: CorrectionInput, scaleUpWithUnready: boolean): PodMetrics {
  const metrics: PodMetrics = new Map(input.metrics);
  if (input.ratio < 1) fill(metrics, input.groups.missing, input.missingValueOnScaleDown);
  else if (input.ratio > 1) fill(metrics, input.groups.missing, () => 0);
  if (scaleUpWithUnready) fill(metrics, input.groups.unready, () => 0);
  return metrics;
}

/** The new ratio cancels the change when within tolerance or pointing the other way. */
function cancels(ratio: number, newRatio: number, tolerance: Tolerance): boolean {
  const flipped = (ratio > 1 && newRatio < 1) || (ratio < 1 && newRatio > 1);
  return flipped || withinTolerance(newRatio, tolerance);
}

/** A proposal that moves against the new ratio's direction is dropped. */
function movesAgainst(newRatio: number, proposal: number, current: number): boolean {
  return (newRatio < 1 && proposal > current) || (newRatio > 1 && proposal < current);
}

/**
 * Step 1 alone: with no unready pods on a scale-up and no missing pods, the proposal needs no
 * correction pass (within tolerance → current, else ceil(ratio × ready pods)); null otherwise.
 * Callers on a hot path use it before building the correction's inputs.
 */
export function proposeDirect(
  current: number,
  ratio: number,
  groups: PodGroups,
  tolerance: Tolerance,
): number | null {
  if ((groups.unready.size > 0 && ratio > 1) || groups.missing.size > 0) return null;
  return withinTolerance(ratio, tolerance) ? current : Math.ceil(ratio * groups.readyCount);
}

/**
 * 1. no unready pods on a scale-up and no missing pods: within tolerance → current, else
 *    ceil(ratio × ready pods);
 * 2. otherwise fill in missing pods (scale-down: the fallback value; scale-up: 0; ratio exactly 1:
 *    left out) and, on scale-up, unready pods as 0, recompute, and keep current when the new ratio
 *    is within tolerance, flips direction, or the new count moves against it.
 * Example: ratio 1.5 over 2 ready pods with 1 unready → filled 3 samples at 1.0 → current.
 */
export function proposeWithCorrection(input: CorrectionInput): number | string {
  const { currentReplicas: current, ratio, groups, tolerance } = input;
  const direct = proposeDirect(current, ratio, groups, tolerance);
  if (direct !== null) return direct;
  const scaleUpWithUnready = groups.unready.size > 0 && ratio > 1;
  const metrics = filled(input, scaleUpWithUnready);
  const newRatio = input.recompute(metrics);
  if (typeof newRatio === 'string') return newRatio;
  if (cancels(ratio, newRatio, tolerance)) return current;
  const proposal = Math.ceil(newRatio * metrics.size);
  return movesAgainst(newRatio, proposal, current) ? current : proposal;
}
