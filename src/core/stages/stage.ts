/**
 * The contract of the pluggable stages of `decide` (KPA proposals, KEDA fallback and activation,
 * schedule floors, prediction): each stage is a pure function of the tick's context and returns
 * its result, the state it wants kept, and the Reasons it adds to the explanation chain.
 *
 * @module
 */
import type { Observation, Reason, ScalerSpec, ScalerState } from '../model.js';
import type { TriggerEvaluation } from '../policy/hpa/trigger.js';

export interface StageContext {
  readonly spec: ScalerSpec;
  readonly observation: Observation;
  /** The state so far this tick (recommendation history already seeded). */
  readonly state: ScalerState;
  /** Epoch ms. */
  readonly now: number;
  /** `observation.currentReplicas`. */
  readonly current: number;
}

/** A stage that adjusts the desired count: activation, schedule floors, prediction. */
export interface ReplicaStageResult {
  readonly replicas: number;
  readonly state: ScalerState;
  readonly reasons: readonly Reason[];
}

/** A stage that produces or adjusts per-trigger proposals: KPA, fallback. */
export interface TriggerStageResult {
  readonly evaluations: readonly TriggerEvaluation[];
  readonly state: ScalerState;
  readonly reasons: readonly Reason[];
}

/** What a not-yet-implemented replica stage returns: the count and state unchanged, no reason. */
export function passReplicas(ctx: StageContext, desired: number): ReplicaStageResult {
  return { replicas: desired, state: ctx.state, reasons: [] };
}
