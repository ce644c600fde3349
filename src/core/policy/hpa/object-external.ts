/**
 * Object and External metrics (ALGORITHMS.md §1.3): one value (Object) or the sum of every series
 * (External), against a total (`Value`) or per-replica (`AverageValue`) target. Values are int64
 * milli-units, so this file computes with BigInt: External sums saturate at 2^63 − 1 and replica
 * proposals at 2^31 − 1.
 *
 * @module
 */
import type { PodInfo } from '../../model.js';
import { withinTolerance, type Tolerance } from '../../steps/tolerance.js';
import type { CalcResult } from './calculator.js';

export const MAX_INT64 = 9_223_372_036_854_775_807n;
export const MAX_INT32 = 2_147_483_647;

/** Σ values, saturating at 2^63 − 1 (upstream's overflow guard). */
export function saturatingSum(values: readonly bigint[]): bigint {
  let sum = 0n;
  for (const v of values) {
    sum += v;
    if (sum > MAX_INT64) return MAX_INT64;
  }
  return sum;
}

/** ceil(x) as an int32 replica count, saturating at 2^31 − 1. */
function ceilInt32(x: number): number {
  const c = Math.ceil(x);
  return c > MAX_INT32 ? MAX_INT32 : c;
}

export interface ValueProposal {
  readonly replicas: number;
  /** The value reported in status: the total (Value) or per-replica average (AverageValue). */
  readonly usageMilli: bigint;
}

export interface TotalInput {
  /** `scale.spec.replicas`. */
  readonly currentReplicas: number;
  readonly pods: readonly PodInfo[];
  readonly usageMilli: bigint;
  readonly targetMilli: bigint;
  readonly tolerance: Tolerance;
}

/**
 * `Value` targets: ratio = value / target. With current ≠ 0: within tolerance → current, else
 * ceil(ratio × ready pods) (Running and Ready; zero pods is an error). With current 0 (min 0):
 * ceil(ratio), no tolerance. Example: 20000m against 15000m with 3 ready pods → ceil(1.33 × 3) = 4.
 */
export function getValueReplicas(input: TotalInput): CalcResult<ValueProposal> {
  const ratio = Number(input.usageMilli) / Number(input.targetMilli);
  if (input.currentReplicas === 0) {
    return { ok: true, replicas: ceilInt32(ratio), usageMilli: input.usageMilli };
  }
  if (withinTolerance(ratio, input.tolerance)) {
    return { ok: true, replicas: input.currentReplicas, usageMilli: input.usageMilli };
  }
  if (input.pods.length === 0) {
    return {
      ok: false,
      error:
        'unable to calculate ready pods: no pods returned by selector while calculating replica count',
    };
  }
  const ready = input.pods.filter((p) => p.phase === 'Running' && p.ready?.status === true).length;
  return { ok: true, replicas: ceilInt32(ratio * ready), usageMilli: input.usageMilli };
}

export interface PerReplicaInput {
  /** `scale.status.replicas`. */
  readonly statusReplicas: number;
  readonly usageMilli: bigint;
  readonly targetMilli: bigint;
  readonly tolerance: Tolerance;
}

/**
 * `AverageValue` targets: with R = status.replicas, ratio = value / (target × R); outside
 * tolerance the proposal is ceil(value / target), else R. Status reports ceil(value / R).
 * Example: 8600m, target 2150m, R 3 → ratio 1.33 → ceil(4.0) = 4; average ceil(2866.7) = 2867.
 */
export function getPerReplicaReplicas(input: PerReplicaInput): CalcResult<ValueProposal> {
  const usage = Number(input.usageMilli);
  const target = Number(input.targetMilli);
  const r = input.statusReplicas;
  const ratio = usage / (target * r);
  const replicas = withinTolerance(ratio, input.tolerance) ? r : ceilInt32(usage / target);
  const average = Math.ceil(usage / r);
  let usageMilli: bigint;
  if (Number.isNaN(average)) usageMilli = 0n;
  else if (average >= 2 ** 63) usageMilli = MAX_INT64;
  else usageMilli = BigInt(average);
  return { ok: true, replicas, usageMilli };
}
