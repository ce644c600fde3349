/**
 * Decide step (f), KEDA's executor inside decide: activation from 0 (or idle), scale to zero (or
 * idle) after the cooldown, and the `Active` / `Fallback` conditions.
 *
 * It matters only when `minReplicas` is 0 or `idleReplicas` is set (KEDA: otherwise cooldown and
 * activation are irrelevant). Then, as in KEDA, the HPA math runs with a floor of
 * max(minReplicas, 1) and the executor alone moves the target to and from 0/idle: activation
 * writes max(minReplicas, 1), deactivation writes idle (or 0) directly, past stabilization.
 * A failed read is never evidence of idleness: an object with a failing trigger is not scaled
 * to zero (policy/event/executor.ts).
 *
 * @module
 */
import type { Condition, Reason, ScalerSpec, ScalerState, TriggerSpec } from '../model.js';
import {
  requestScale,
  type ExecutorAction,
  type RequestScaleResult,
} from '../policy/event/executor.js';
import type { ObjectState } from '../policy/event/object-state.js';

type GateSpec = Pick<ScalerSpec, 'minReplicas' | 'idleReplicas' | 'triggers'> & {
  readonly event: Pick<ScalerSpec['event'], 'zeroTransitions'>;
};

const isResourceMetric = (t: TriggerSpec): boolean =>
  t.metricType === 'Resource' || t.metricType === 'ContainerResource';

/**
 * KEDA's transitions apply: scale to zero allowed (or an idle count below the minimum), and the
 * triggers are KEDA's kind: at least one External or cron trigger (cpu/memory cannot wake a
 * target from 0: KEDA refuses scale to zero without one), and no Pods/Object metrics (KEDA has
 * none; their activity would be unknown). Otherwise the HPA's own rules hold.
 */
export function eventGateApplies(spec: GateSpec): boolean {
  if (spec.event.zeroTransitions !== 'keda') return false;
  if (spec.minReplicas !== 0 && spec.idleReplicas === null) return false;
  const kedaKinds = spec.triggers.every((t) => t.metricType === 'External' || isResourceMetric(t));
  return kedaKinds && spec.triggers.some((t) => !isResourceMetric(t));
}

/** The minimum the HPA math uses: KEDA's generated HPA never has minReplicas 0. */
export function hpaMinReplicas(spec: GateSpec): number {
  return eventGateApplies(spec) ? Math.max(spec.minReplicas, 1) : spec.minReplicas;
}

export interface EventGateResult {
  /** A count the executor writes directly (activation, zero/idle); null = the HPA path decides. */
  readonly override: number | null;
  /** The target sits at 0 (or idle) and stays there: the HPA is disabled. */
  readonly parked: boolean;
  readonly action: ExecutorAction;
  readonly state: ScalerState;
  readonly reasons: readonly Reason[];
  readonly conditions: readonly Condition[];
}

const reasonCodes: Partial<Record<ExecutorAction, string>> = {
  Activated: 'Activated',
  ActivationBlocked: 'ActivationBlocked',
  ScaledToZero: 'ScaledToZero',
  ScaledToIdle: 'ScaledToIdle',
  CooldownPending: 'CooldownPending',
  ScaleInBlocked: 'ScaleInBlocked',
  FallbackHolds: 'FallbackHolds',
  TriggerError: 'NoScaleToZeroOnError',
  PartialTriggerError: 'PartialTriggerError',
};

export interface EventGateInput {
  readonly spec: ScalerSpec;
  readonly state: ScalerState;
  readonly objectState: ObjectState;
  readonly current: number;
  readonly fallbackActive: boolean;
  readonly now: number;
}

export function applyEventGate(input: EventGateInput): EventGateResult {
  const { spec, state, current, now } = input;
  const result = requestScale({
    object: {
      minReplicaCount: spec.minReplicas,
      idleReplicaCount: spec.idleReplicas,
      cooldownSeconds: spec.event.cooldownSeconds,
      initialCooldownSeconds: spec.event.initialCooldownSeconds,
      annotations: {},
      fallback: spec.fallback,
      creationTime: state.createdAt ?? now,
      lastActiveTime: state.lastActiveTime,
    },
    currentReplicas: current,
    isActive: input.objectState.isActive,
    isError: input.objectState.isError,
    now,
  });
  const applies = eventGateApplies(spec);
  const atRest = current === 0 || (spec.idleReplicas !== null && current <= spec.idleReplicas);
  return {
    override: applies ? result.scaleTo : null,
    parked: applies && result.scaleTo === null && atRest && current < hpaMinReplicas(spec),
    action: result.action,
    state: result.lastActiveTimeSet ? { ...state, lastActiveTime: now } : state,
    reasons: applies ? gateReasons(result) : [],
    conditions: gateConditions({ result, applies, spec, fallbackActive: input.fallbackActive }),
  };
}

function gateReasons(result: RequestScaleResult): Reason[] {
  const code = reasonCodes[result.action];
  if (code === undefined) return [];
  const replicas = result.scaleTo === null ? {} : { replicas: result.scaleTo };
  return [{ step: 'activation', code, message: result.message, ...replicas }];
}

/** `Active` when KEDA's transitions apply; `Fallback` when a fallback is configured. */
function gateConditions(input: {
  result: RequestScaleResult;
  applies: boolean;
  spec: ScalerSpec;
  fallbackActive: boolean;
}): Condition[] {
  const out: Condition[] = [];
  if (input.applies) {
    const active = input.result.conditions.Active ?? { status: 'Unknown', reason: '', message: '' };
    out.push({ type: 'Active', ...active });
  }
  if (input.spec.fallback === null) return out;
  out.push(
    input.fallbackActive
      ? {
          type: 'Fallback',
          status: 'True',
          reason: 'FallbackExists',
          message: 'At least one trigger is falling back on this scaler',
        }
      : {
          type: 'Fallback',
          status: 'False',
          reason: 'NoFallbackFound',
          message: 'No fallbacks are active on this scaler',
        },
  );
  return out;
}
