/**
 * (f) KEDA activation, scale to zero after the cooldown, idle replicas — INSERTION POINT (KEDA
 * teammate): uses `TriggerOutcome.active` and `state.lastActiveTime`. Pass-through for now.
 *
 * @module
 */
import type { TriggerOutcome } from '../model.js';
import { passReplicas, type ReplicaStageResult, type StageContext } from './stage.js';

export function applyActivation(
  ctx: StageContext,
  desired: number,
  _triggers: readonly TriggerOutcome[],
): ReplicaStageResult {
  return passReplicas(ctx, desired);
}
