/**
 * Per-pod metric values as the HPA's metrics client returns them (ALGORITHMS.md §1.4, last
 * paragraph): one integer milli-value per pod, with the sample's time and window.
 *
 * @module
 */
import type { PodSample } from '../../model.js';

export interface PodMetric {
  /** Milli-units. */
  readonly value: number;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly windowMs: number;
}

/** Pod name → metric. Superfluous entries (pods not in the pod list) are kept, as upstream does. */
export type PodMetrics = Map<string, PodMetric>;

/** Sum of a resource sample's containers; null when a container lacks usage or none is listed. */
function podUsage(sample: PodSample): number | null {
  const containers = sample.containers ?? [];
  if (containers.length === 0) return null;
  let sum = 0;
  for (const c of containers) {
    if (c.usageMilli === null) return null;
    sum += c.usageMilli;
  }
  return sum;
}

/** One container's usage; null when the container is absent or has no usage. */
function containerUsage(sample: PodSample, container: string): number | null {
  const found = (sample.containers ?? []).find((c) => c.name === container);
  return found?.usageMilli ?? null;
}

/**
 * Resource (whole pod) or ContainerResource (`container` set) samples → per-pod values. A pod whose
 * usage cannot be formed is left out (it becomes "missing" in grouping).
 */
export function resourcePodMetrics(
  samples: readonly PodSample[],
  container: string | null,
): PodMetrics {
  const out: PodMetrics = new Map();
  for (const s of samples) {
    const value = container === null ? podUsage(s) : containerUsage(s, container);
    if (value !== null) {
      out.set(s.pod, { value, timestamp: s.timestamp, windowMs: s.windowSeconds * 1000 });
    }
  }
  return out;
}

/** Pods-metric samples → per-pod values (samples without a value are left out). */
export function customPodMetrics(samples: readonly PodSample[]): PodMetrics {
  const out: PodMetrics = new Map();
  for (const s of samples) {
    if (s.valueMilli !== undefined) {
      out.set(s.pod, {
        value: s.valueMilli,
        timestamp: s.timestamp,
        windowMs: s.windowSeconds * 1000,
      });
    }
  }
  return out;
}
