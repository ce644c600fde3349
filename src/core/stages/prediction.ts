/**
 * (h) Prediction — INSERTION POINT (prediction teammate): the max of the reactive count and the
 * forecast's, per `spec.prediction.mode`; forecaster state in `state.forecast`. Pass-through for now.
 *
 * @module
 */
import type { TriggerOutcome } from '../model.js';
import { passReplicas, type ReplicaStageResult, type StageContext } from './stage.js';

export function applyPrediction(
  ctx: StageContext,
  desired: number,
  _triggers: readonly TriggerOutcome[],
): ReplicaStageResult {
  return passReplicas(ctx, desired);
}
