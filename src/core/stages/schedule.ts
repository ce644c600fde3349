/**
 * (g) Schedule floors — INSERTION POINT (schedule teammate): raise the count to the minimum of any
 * active cron window (time zones honoured). Pass-through for now.
 *
 * @module
 */
import type { TriggerOutcome } from '../model.js';
import { passReplicas, type ReplicaStageResult, type StageContext } from './stage.js';

export function applyScheduleFloors(
  ctx: StageContext,
  desired: number,
  _triggers: readonly TriggerOutcome[],
): ReplicaStageResult {
  return passReplicas(ctx, desired);
}
