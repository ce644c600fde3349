/**
 * (c) Proposals under `policy: kpa` — INSERTION POINT for Knative's decider (KPA teammate).
 * Until it lands, a `kpa` spec holds its count: every trigger reports `PolicyNotAvailable`, which
 * the combine step turns into "hold current, invalid" (bad data never shrinks a service).
 *
 * @module
 */
import type { StageContext, TriggerStageResult } from './stage.js';

export function proposeKpa(ctx: StageContext): TriggerStageResult {
  const evaluations = ctx.spec.triggers.map((t) => ({
    outcome: {
      name: t.name,
      type: t.type,
      replicas: null,
      value: null,
      active: false,
      error: {
        code: 'PolicyNotAvailable',
        message: 'the kpa policy is not available in this build',
        retryable: false,
      },
    },
    failureReason: 'PolicyNotAvailable',
  }));
  return { evaluations, state: ctx.state, reasons: [] };
}
