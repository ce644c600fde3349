/**
 * KEDA's pause (`autoscaling.keda.sh/paused`, `autoscaling.keda.sh/paused-replicas`): while
 * `event.paused` is set nothing is read or decided; the count is held, or moved to the paused
 * count and held there. KEDA's executor returns without acting and the paused count is written
 * as it is, outside minReplicas/maxReplicas.
 *
 * @module
 */
import type { Reason, ScalerSpec } from '../model.js';

export interface PauseResult {
  readonly replicas: number;
  readonly reason: Reason;
}

/** The paused count and why; null when the spec is not paused. */
export function pausedReplicas(spec: ScalerSpec, current: number): PauseResult | null {
  const paused = spec.event.paused;
  if (paused === null) return null;
  const replicas = paused.replicas ?? current;
  return {
    replicas,
    reason: {
      step: 'pause',
      code: 'Paused',
      message:
        paused.replicas === null
          ? `autoscaling is paused: the target stays at ${current} replicas`
          : `autoscaling is paused at ${paused.replicas} replicas`,
      replicas,
    },
  };
}
