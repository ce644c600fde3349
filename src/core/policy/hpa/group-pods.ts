/**
 * Pod classification (`groupPods`, ALGORITHMS.md §1.4): every pod matching the selector is
 * ignored, unready, missing or ready, checked in that order.
 *
 * @module
 */
import type { PodInfo } from '../../model.js';
import type { PodMetric, PodMetrics } from './pod-metrics.js';

export interface PodGroups {
  readonly readyCount: number;
  readonly unready: ReadonlySet<string>;
  readonly missing: ReadonlySet<string>;
  readonly ignored: ReadonlySet<string>;
}

export interface GroupPodsOptions {
  /** Readiness filtering applies to cpu only; null for Pods metrics. */
  readonly resource: 'cpu' | 'memory' | null;
  readonly cpuInitializationPeriodMs: number;
  readonly initialReadinessDelayMs: number;
  readonly now: number;
}

/**
 * CPU samples are distrusted while a pod starts:
 * - no Ready condition or no start time → unready;
 * - inside the initialization period (start + period > now): unready when not Ready, or when the
 *   sample does not cover a full window since the last readiness transition;
 * - after it: unready only when not Ready and never been ready
 *   (start + readinessDelay > lastTransitionTime, strictly).
 */
function cpuUnready(pod: PodInfo, metric: PodMetric, opts: GroupPodsOptions): boolean {
  const ready = pod.ready;
  if (ready === null || pod.startTime === null) return true;
  if (pod.startTime + opts.cpuInitializationPeriodMs > opts.now) {
    return !ready.status || metric.timestamp < ready.lastTransitionTime + metric.windowMs;
  }
  return !ready.status && pod.startTime + opts.initialReadinessDelayMs > ready.lastTransitionTime;
}

const NONE: ReadonlySet<string> = new Set();

type PodClass = 'ignored' | 'unready' | 'missing' | 'ready';

function classify(pod: PodInfo, metrics: PodMetrics, opts: GroupPodsOptions): PodClass {
  if (pod.deleted === true || pod.phase === 'Failed') return 'ignored';
  if (pod.phase === 'Pending') return 'unready';
  const metric = metrics.get(pod.name);
  if (metric === undefined) return 'missing';
  if (opts.resource === 'cpu' && cpuUnready(pod, metric, opts)) return 'unready';
  return 'ready';
}

export function groupPods(
  pods: readonly PodInfo[],
  metrics: PodMetrics,
  opts: GroupPodsOptions,
): PodGroups {
  let readyCount = 0;
  // Sets are allocated on first use: most ticks have neither unready, missing nor ignored pods.
  const sets: Partial<Record<Exclude<PodClass, 'ready'>, Set<string>>> = {};
  for (const pod of pods) {
    const c = classify(pod, metrics, opts);
    if (c === 'ready') readyCount++;
    else (sets[c] ??= new Set()).add(pod.name);
  }
  return {
    readyCount,
    unready: sets.unready ?? NONE,
    missing: sets.missing ?? NONE,
    ignored: sets.ignored ?? NONE,
  };
}
