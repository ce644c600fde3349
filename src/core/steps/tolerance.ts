/**
 * The HPA's dead band around a usage ratio of 1.0 (ALGORITHMS.md §1.8).
 *
 * `within(r) ⇔ 1 − scaleDown ≤ r ≤ 1 + scaleUp`, both bounds inclusive. With the default 0.1 a
 * ratio of 0.9 or 1.1 is within (no change), 1.1000001 is not. NaN and ±Infinity are never within.
 *
 * @module
 */
import type { ScalerSpec } from '../model.js';

export interface Tolerance {
  readonly scaleDown: number;
  readonly scaleUp: number;
}

export function withinTolerance(ratio: number, tolerance: Tolerance): boolean {
  return ratio >= 1 - tolerance.scaleDown && ratio <= 1 + tolerance.scaleUp;
}

/**
 * The tolerance a spec asks for: `behavior.scale{Up,Down}.tolerance` when set (upstream's
 * HPAConfigurableTolerance), else the controller-wide `hpa.tolerance`.
 */
export function resolveTolerance(spec: Pick<ScalerSpec, 'behavior' | 'hpa'>): Tolerance {
  const flag = spec.hpa.tolerance;
  return {
    scaleDown: spec.behavior?.scaleDown.tolerance ?? flag,
    scaleUp: spec.behavior?.scaleUp.tolerance ?? flag,
  };
}
