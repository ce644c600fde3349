/**
 * The HPA's early exits before any metric is read (ALGORITHMS.md §1.2 step 4): a target at zero
 * replicas with minReplicas > 0 has autoscaling disabled; a count outside [min, max] goes straight
 * to the violated bound.
 *
 * @module
 */
import type { Reason } from '../model.js';

export type EarlyExit =
  | { readonly kind: 'disabled'; readonly replicas: number; readonly reason: Reason }
  | { readonly kind: 'bound'; readonly replicas: number; readonly reason: Reason };

export function hpaEarlyExit(
  current: number,
  minReplicas: number,
  maxReplicas: number,
): EarlyExit | null {
  if (current === 0 && minReplicas !== 0) {
    return {
      kind: 'disabled',
      replicas: 0,
      reason: {
        step: 'bounds',
        code: 'ScalingDisabled',
        message:
          'the target has 0 replicas and minReplicas is ' +
          String(minReplicas) +
          ': scaling is disabled until it is scaled up by hand',
        replicas: 0,
      },
    };
  }
  if (current > maxReplicas) {
    return {
      kind: 'bound',
      replicas: maxReplicas,
      reason: {
        step: 'bounds',
        code: 'TooManyReplicas',
        message: `current ${current} is above maxReplicas ${maxReplicas}: scaling to ${maxReplicas} without reading metrics`,
        replicas: maxReplicas,
      },
    };
  }
  if (current < minReplicas) {
    return {
      kind: 'bound',
      replicas: minReplicas,
      reason: {
        step: 'bounds',
        code: 'TooFewReplicas',
        message: `current ${current} is below minReplicas ${minReplicas}: scaling to ${minReplicas} without reading metrics`,
        replicas: minReplicas,
      },
    };
  }
  return null;
}
