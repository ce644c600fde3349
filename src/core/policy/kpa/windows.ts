/**
 * The stable and panic windows of a revision (upstream `StableWindow` and `MakeMetric`):
 * stable = the `window` annotation or the config (60 s); panic = stable × panic-window-percentage
 * / 100 rounded to the second, at least 1 s (60 s × 10 % = 6 s; 60 s × 51 % = 30.6 s ⇒ 31 s).
 *
 * @module
 */
import {
  annotationKeys,
  durationAnnotation,
  numberAnnotation,
  type Annotations,
} from './annotations.js';

export interface WindowConfig {
  readonly stableWindowSeconds: number;
  readonly panicWindowPercentage: number;
}

/** The bounds Knative validates the `window` annotation against. */
export const STABLE_WINDOW_MIN_SECONDS = 6;
export const STABLE_WINDOW_MAX_SECONDS = 3600;

/** The stable window in seconds: the annotation when it is a valid window, else the config. */
export function stableWindowSeconds(
  annotations: Annotations,
  config: Pick<WindowConfig, 'stableWindowSeconds'>,
): number {
  const annotated = durationAnnotation(annotations, annotationKeys.window);
  const valid =
    annotated !== null &&
    annotated >= STABLE_WINDOW_MIN_SECONDS &&
    annotated <= STABLE_WINDOW_MAX_SECONDS;
  return valid ? annotated : config.stableWindowSeconds;
}

/** Rounds like Go's `Duration.Round(time.Second)`: halves away from zero. */
function roundSeconds(seconds: number): number {
  return Math.sign(seconds) * Math.round(Math.abs(seconds));
}

/** The panic window in seconds for a stable window and a percentage. */
export function panicWindowSeconds(stableSeconds: number, percentage: number): number {
  return Math.max(1, roundSeconds((stableSeconds * percentage) / 100));
}

export function resolveWindows(
  annotations: Annotations,
  config: WindowConfig,
): { readonly stableWindowSeconds: number; readonly panicWindowSeconds: number } {
  const stable = stableWindowSeconds(annotations, config);
  const annotated = numberAnnotation(annotations, annotationKeys.panicWindowPercentage);
  const percentage =
    annotated !== null && annotated >= 1 && annotated <= 100
      ? annotated
      : config.panicWindowPercentage;
  return {
    stableWindowSeconds: stable,
    panicWindowSeconds: panicWindowSeconds(stable, percentage),
  };
}
