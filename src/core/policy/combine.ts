/**
 * Combining several triggers' proposals (ALGORITHMS.md §1.9): the largest valid proposal wins;
 * failures block scale-down but not scale-up.
 *
 * @module
 */
import type { Reason, TriggerOutcome } from '../model.js';

export interface CombineInput {
  readonly current: number;
  readonly outcomes: readonly TriggerOutcome[];
  /** The HPA condition reason of each failed trigger, in trigger order. */
  readonly failureReasons: readonly (string | null)[];
}

export type CombineResult =
  | { readonly kind: 'proceed'; readonly replicas: number; readonly reason: Reason }
  | {
      readonly kind: 'hold';
      /** True when every trigger failed: the engine could not decide at all. */
      readonly allFailed: boolean;
      /** The first failed trigger's HPA condition reason and message. */
      readonly conditionReason: string;
      readonly message: string;
      readonly reason: Reason;
    };

function firstFailure(input: CombineInput): { reason: string; message: string } {
  const i = input.failureReasons.findIndex((r) => r !== null);
  const outcome = input.outcomes[i];
  return {
    reason: input.failureReasons[i] ?? 'FailedGetMetrics',
    message: `the HPA was unable to compute the replica count: ${outcome?.error?.message ?? 'no triggers'}`,
  };
}

/**
 * Example: proposals 4 (cpu) and a failed queue trigger with current 3 → proceed with 4; with
 * current 5 → hold at 5 (never scale down on partial information).
 */
export function combineProposals(input: CombineInput): CombineResult {
  let best = 0;
  let bestName = '';
  let failures = 0;
  for (const o of input.outcomes) {
    if (o.replicas === null) failures++;
    else if (best === 0 || o.replicas > best) {
      best = o.replicas;
      bestName = o.name;
    }
  }
  const allFailed = failures >= input.outcomes.length;
  if (allFailed || (failures > 0 && best < input.current)) {
    const first = firstFailure(input);
    const message = allFailed
      ? `every trigger failed; holding ${input.current}: ${first.message}`
      : `${failures} trigger(s) failed and the others propose ${best} < current ${input.current}; holding ${input.current} (no scale-down on partial data)`;
    return {
      kind: 'hold',
      allFailed,
      conditionReason: first.reason,
      message: first.message,
      reason: { step: 'combine', code: first.reason, message, replicas: input.current },
    };
  }
  const note = failures > 0 ? ` (${failures} failed trigger(s) ignored: scaling up is safe)` : '';
  return {
    kind: 'proceed',
    replicas: best,
    reason: {
      step: 'combine',
      code: 'ValidMetricFound',
      message: `largest proposal is ${best} from trigger "${bestName}"${note}`,
      replicas: best,
    },
  };
}
