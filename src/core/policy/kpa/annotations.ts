/**
 * Knative's per-revision `autoscaling.knative.dev/*` annotations, read as upstream's getters do:
 * a missing or unparsable annotation is "not set" (`null`) and the cluster config applies.
 *
 * @module
 */

export type Annotations = Readonly<Record<string, string>>;

const prefix = 'autoscaling.knative.dev/';

export const annotationKeys = {
  metric: `${prefix}metric`,
  target: `${prefix}target`,
  targetUtilizationPercentage: `${prefix}target-utilization-percentage`,
  window: `${prefix}window`,
  panicWindowPercentage: `${prefix}panic-window-percentage`,
  panicThresholdPercentage: `${prefix}panic-threshold-percentage`,
  targetBurstCapacity: `${prefix}target-burst-capacity`,
  minScale: `${prefix}min-scale`,
  maxScale: `${prefix}max-scale`,
  initialScale: `${prefix}initial-scale`,
  scaleToZeroPodRetentionPeriod: `${prefix}scale-to-zero-pod-retention-period`,
  /** The revision's own progress deadline (serving group), copied onto its PodAutoscaler. */
  progressDeadline: 'serving.knative.dev/progress-deadline',
} as const;

const unitSeconds: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** Parses a Go duration (`45s`, `2m0s`, `1.5h`, `0`) into seconds; null when it is not one. */
export function parseGoDuration(text: string): number | null {
  if (text === '0') return 0;
  const match = /^([-+]?)((?:\d*\.?\d+(?:ns|us|µs|ms|s|m|h))+)$/.exec(text);
  if (match === null) return null;
  let total = 0;
  for (const part of (match[2] ?? '').matchAll(/(\d*\.?\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (unitSeconds[part[2] ?? ''] ?? Number.NaN);
  }
  if (!Number.isFinite(total)) return null;
  return match[1] === '-' ? -total : total;
}

/** A finite number annotation, or null. */
export function numberAnnotation(annotations: Annotations, key: string): number | null {
  const raw = annotations[key];
  if (raw === undefined || raw.trim() === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}

/** An integer annotation (`min-scale`, `initial-scale`, ...), or null. */
export function intAnnotation(annotations: Annotations, key: string): number | null {
  const value = numberAnnotation(annotations, key);
  return value !== null && Number.isInteger(value) ? value : null;
}

/** A duration annotation in seconds, or null. */
export function durationAnnotation(annotations: Annotations, key: string): number | null {
  const raw = annotations[key];
  return raw === undefined ? null : parseGoDuration(raw);
}
