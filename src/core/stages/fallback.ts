/**
 * (d) KEDA fallback — INSERTION POINT (KEDA teammate): after more than `fallback.failureThreshold`
 * consecutive failures of a trigger, replace its proposal with the fallback replicas, keeping the
 * per-trigger failure counts in `state.triggerHealth`. Pass-through for now.
 *
 * @module
 */
import type { TriggerEvaluation } from '../policy/hpa/trigger.js';
import type { StageContext, TriggerStageResult } from './stage.js';

export function applyFallback(
  ctx: StageContext,
  evaluations: readonly TriggerEvaluation[],
): TriggerStageResult {
  return { evaluations, state: ctx.state, reasons: [] };
}
