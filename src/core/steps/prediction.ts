/**
 * Step (h) of `decide`: prediction. Feeds the load seen by the scaler's first trigger to the
 * predictive policy (policy/predictive.ts), then, in mode `on`, takes the max of the reactive
 * proposal and the predicted replicas, so prediction only ever adds capacity early and a
 * scale-down happens only when the reactive policy agrees. `forecastOnly` computes, records and
 * explains the forecast without acting; `off` does nothing and keeps no forecaster state.
 *
 * The load is the first trigger's demand in its own target's units, so ceil(load / target) is the
 * count the trigger itself would ask for without tolerance. Every trigger reports a per-replica
 * figure (`TriggerOutcome.value`), so load = value × the replicas it was averaged over:
 *   Utilization / AverageValue per pod (Resource, Pods): average × ready replicas
 *   Object / External AverageValue: the reported average (total / status replicas) × status replicas
 *   Object / External Value: value × ready replicas (the HPA scales the ready count by value / target)
 * Ready, not current: replicas still starting report no usage, and counting them would inflate the
 * load exactly when prediction has just added replicas (a feedback loop).
 * Worked example: CPU at 80 % of request on 4 pods, target 50 % → load 320, target 50 → 7 replicas.
 *
 * @module
 */
import { condition } from '../conditions.js';
import type { Condition, Reason, ScalerSpec, ScalerState, TriggerOutcome } from '../model.js';
import {
  initialPredictiveState,
  isPredictiveState,
  observePredictive,
  predictive,
  type PredictiveProposal,
  type PredictiveState,
} from '../policy/predictive.js';

export interface PredictionInput {
  readonly spec: ScalerSpec;
  readonly state: ScalerState;
  readonly triggers: readonly TriggerOutcome[];
  readonly counts: ReplicaCounts;
  /** The proposal after the reactive steps. */
  readonly desired: number;
  readonly now: number;
}

export interface PredictionResult {
  readonly replicas: number;
  readonly state: ScalerState;
  readonly reasons: readonly Reason[];
  /** The `Predicting` condition; null in mode off. */
  readonly condition: Condition | null;
}

/** The replica counts the per-replica figures were taken over. */
export interface ReplicaCounts {
  /** Ready replicas (the pods whose usage the averages were taken over). */
  readonly readyReplicas: number;
  /** `scale.status.replicas`, the divisor of External/Object AverageValue averages. */
  readonly statusReplicas: number;
}

/** The first trigger's load and per-replica target, or null when it failed this tick. */
export function predictionLoad(
  spec: ScalerSpec,
  triggers: readonly TriggerOutcome[],
  counts: ReplicaCounts,
): { value: number; target: number } | null {
  const trigger = spec.triggers[0];
  const outcome = triggers.find((t) => t.name === trigger?.name);
  if (trigger === undefined || outcome?.value === null || outcome?.value === undefined) return null;
  const external = trigger.metricType === 'Object' || trigger.metricType === 'External';
  const byStatus = external && trigger.target.type === 'AverageValue';
  const replicas = byStatus ? counts.statusReplicas : counts.readyReplicas;
  return { value: outcome.value * replicas, target: trigger.target.value };
}

const STEP = 'prediction';

/** Feeds this tick's load to the predictive state and reads the proposal. */
function advance(input: PredictionInput): { ps: PredictiveState; p: PredictiveProposal } {
  const { spec, now } = input;
  const timing = {
    now,
    startupSeconds: spec.startupSeconds,
    syncPeriodSeconds: spec.syncPeriodSeconds,
  };
  const restored = input.state.forecast;
  let ps = isPredictiveState(restored) ? restored : initialPredictiveState();
  const load = predictionLoad(spec, input.triggers, input.counts);
  if (load !== null) {
    ps = observePredictive(ps, { ...timing, ...load, reactiveReplicas: input.desired });
  }
  const target = load?.target ?? spec.triggers[0]?.target.value ?? 1;
  return { ps, p: predictive(ps, { ...timing, target }) };
}

function raise(desired: number, predicted: number): Reason {
  const replicas = Math.max(desired, predicted);
  return {
    step: STEP,
    code: replicas > desired ? 'PredictionRaised' : 'ReactiveHigher',
    message:
      replicas > desired
        ? `prediction raises the reactive ${desired} to ${replicas} ahead of the forecast load`
        : `the reactive ${desired} already covers the predicted ${predicted}`,
    replicas,
  };
}

/** Applies prediction to the reactive proposal (see the module comment). */
export function applyPrediction(input: PredictionInput): PredictionResult {
  const mode = input.spec.prediction.mode;
  if (mode === 'off') {
    return { replicas: input.desired, state: input.state, reasons: [], condition: null };
  }
  const { ps, p } = advance(input);
  const state = { ...input.state, forecast: ps };
  const acting = mode === 'on' && p.replicas !== null;
  const predicting = condition('Predicting', acting, p.reason.code, p.reason.message);
  if (acting) {
    const r = raise(input.desired, p.replicas ?? 0);
    return {
      replicas: r.replicas ?? input.desired,
      state,
      reasons: [p.reason, r],
      condition: predicting,
    };
  }
  const reasons: Reason[] = [p.reason];
  if (mode === 'forecastOnly' && p.forecastReplicas !== null) {
    reasons.push({
      step: STEP,
      code: 'ForecastOnly',
      message: `mode forecastOnly: prediction would ask for ${p.forecastReplicas}; not acting`,
    });
  }
  return { replicas: input.desired, state, reasons, condition: predicting };
}
