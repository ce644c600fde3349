/**
 * Usage ratios with upstream's integer milli-unit math (ALGORITHMS.md §1.6).
 *
 * Utilization is truncated to an integer percent BEFORE the ratio: usage 2800m over requests
 * 10000m at a 50 % target gives U = trunc(100 × 2800 / 10000) = 28 and ratio 28 / 50 = 0.56.
 *
 * @module
 */
import type { PodMetrics } from './pod-metrics.js';

export interface UtilizationRatio {
  readonly ratio: number;
  /** Integer percent of the request. */
  readonly utilization: number;
  /** trunc(Σusage / pods counted), milli-units. */
  readonly rawAverageMilli: number;
}

/** Only pods present in both maps count; no overlap is an error. */
export function resourceUtilizationRatio(
  metrics: PodMetrics,
  requests: ReadonlyMap<string, number>,
  targetUtilization: number,
): UtilizationRatio | string {
  let usage = 0;
  let requested = 0;
  let count = 0;
  metrics.forEach((metric, pod) => {
    const request = requests.get(pod);
    if (request === undefined) return;
    usage += metric.value;
    requested += request;
    count++;
  });
  if (requested === 0) return 'no metrics returned matched known pods';
  const utilization = Math.trunc((usage * 100) / requested);
  return {
    ratio: utilization / targetUtilization,
    utilization,
    rawAverageMilli: Math.trunc(usage / count),
  };
}

export interface PlainRatio {
  readonly ratio: number;
  /** trunc(Σvalues / number of samples), milli-units. */
  readonly averageMilli: number;
}

/** Plain average over every sample (superfluous ones included), against a per-pod target. */
export function metricUsageRatio(metrics: PodMetrics, targetMilli: number): PlainRatio {
  let total = 0;
  metrics.forEach((metric) => {
    total += metric.value;
  });
  const averageMilli = Math.trunc(total / metrics.size);
  return { ratio: averageMilli / targetMilli, averageMilli };
}
