/**
 * KEDA's executor for a ScaledObject (`RequestScale`, once per poll): the 0 ↔ 1 and idle ↔ min
 * transitions the HPA cannot make, given the aggregated trigger state.
 *
 * Active (or `force-activation`):
 *   1. at 0, or in idle mode below min → scale to max(minReplicaCount, 1) (unless
 *      `paused-scale-out`) and set lastActiveTime = now;
 *   2. else if some trigger errored → Ready Unknown (PartialTriggerError), lastActiveTime kept;
 *   3. else → lastActiveTime = now (the HPA does the rest).
 * Inactive:
 *   1. error + a fallback with replicas ≠ 0 → nothing (the HPA applies the fallback; going to 0
 *      would disable it);
 *   2. error without fallback → Ready False (TriggerError), nothing else;
 *   3. (idle set and current > idle) or (current > 0 and min == 0) → scale to idle (or min) once
 *      `lastActiveTime + cooldown < now`, or, never active, `creation + initialCooldown < now`
 *      (strict); `paused-scale-in` blocks it; while waiting Active is False/ScalerCooldown;
 *   4. no idle mode and current < min → scale to min;
 *   5. otherwise nothing.
 * `paused: true` or any `paused-replicas` → return at once (Paused True).
 *
 * @module
 */
import { annotationFlag, annotationNames, isPaused, type Annotations } from './annotations.js';
import type { FallbackConfig } from './fallback.js';
import type { HpaHealth } from './hpa-health.js';

export const defaultCooldownSeconds = 300;
export const defaultInitialCooldownSeconds = 0;

export interface ExecutorCondition {
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

export type ConditionType = 'Ready' | 'Active' | 'Paused' | 'HPAActive';
export type ExecutorConditions = Partial<Record<ConditionType, ExecutorCondition>>;

export interface ScaledObjectView {
  readonly minReplicaCount: number | null;
  readonly idleReplicaCount: number | null;
  /** null = KEDA's default (300 s). */
  readonly cooldownSeconds: number | null;
  /** null = KEDA's default (0 s). */
  readonly initialCooldownSeconds: number | null;
  readonly annotations: Annotations;
  readonly fallback: FallbackConfig | null;
  /** Epoch ms. */
  readonly creationTime: number;
  /** Epoch ms of the last active poll; null = never active. */
  readonly lastActiveTime: number | null;
}

export interface RequestScaleInput {
  readonly object: ScaledObjectView;
  readonly currentReplicas: number;
  readonly isActive: boolean;
  readonly isError: boolean;
  readonly now: number;
  /** The HPA's health when it could be read; null leaves HPAActive untouched. */
  readonly hpaHealth?: HpaHealth | null;
  /** Conditions before the call; default: Ready True (the object was accepted). */
  readonly conditions?: ExecutorConditions;
}

/** What happened, as a stable code for Tide's explanation chain. */
export type ExecutorAction =
  | 'Paused'
  | 'Activated'
  | 'ActivationBlocked'
  | 'PartialTriggerError'
  | 'Active'
  | 'FallbackHolds'
  | 'TriggerError'
  | 'ScaledToZero'
  | 'ScaledToIdle'
  | 'CooldownPending'
  | 'ScaleInBlocked'
  | 'RaisedToMin'
  | 'Inactive';

export interface RequestScaleResult {
  /** The replica count to write to the target; null = no write. */
  readonly scaleTo: number | null;
  readonly action: ExecutorAction;
  /** True when this poll refreshes lastActiveTime to `now`. */
  readonly lastActiveTimeSet: boolean;
  readonly conditions: ExecutorConditions;
  readonly message: string;
}

export const conditionTexts = {
  ready: {
    status: 'True',
    reason: 'ScaledObjectReady',
    message: 'ScaledObject is defined correctly and is ready for scaling',
  },
  partial: {
    status: 'Unknown',
    reason: 'PartialTriggerError',
    message: 'Some triggers for the ScaledObject are not working correctly',
  },
  triggerError: {
    status: 'False',
    reason: 'TriggerError',
    message: 'Triggers defined in ScaledObject are not working correctly',
  },
  active: {
    status: 'True',
    reason: 'ScalerActive',
    message: 'Scaling is performed because triggers are active',
  },
  forced: {
    status: 'True',
    reason: 'ScalerActive',
    message: 'Scaling is performed because activation is being forced by annotation',
  },
  notActive: {
    status: 'False',
    reason: 'ScalerNotActive',
    message: 'Scaling is not performed because triggers are not active',
  },
  cooldown: {
    status: 'False',
    reason: 'ScalerCooldown',
    message: 'Scaler cooling down because triggers are not active',
  },
  paused: { status: 'True', reason: 'ScaledObjectPaused', message: 'ScaledObject is paused' },
} as const satisfies Record<string, ExecutorCondition>;

/** The count KEDA deactivates to: idleReplicaCount when set, else minReplicaCount (default 0). */
export function idleOrMinimumReplicaCount(input: {
  readonly idleReplicaCount: number | null;
  readonly minReplicaCount: number | null;
}): { isIdle: boolean; replicas: number } {
  if (input.idleReplicaCount !== null) return { isIdle: true, replicas: input.idleReplicaCount };
  return { isIdle: false, replicas: input.minReplicaCount ?? 0 };
}

/** Whether the cooldown before scaling to zero/idle has passed (strict comparisons). */
export function cooldownElapsed(object: ScaledObjectView, now: number): boolean {
  if (object.lastActiveTime === null) {
    const initial = object.initialCooldownSeconds ?? defaultInitialCooldownSeconds;
    return object.creationTime + initial * 1000 < now;
  }
  const cooldown = object.cooldownSeconds ?? defaultCooldownSeconds;
  return object.lastActiveTime + cooldown * 1000 < now;
}

/** One poll's executor decision. */
export function requestScale(input: RequestScaleInput): RequestScaleResult {
  const conditions = baseConditions(input);
  if (isPaused(input.object.annotations)) {
    return {
      scaleTo: null,
      action: 'Paused',
      lastActiveTimeSet: false,
      conditions: { ...conditions, Paused: conditionTexts.paused },
      message: 'paused by annotation: no action',
    };
  }
  const forced =
    !input.isActive && annotationFlag(input.object.annotations, annotationNames.forceActivation);
  const active = input.isActive || forced;
  const step = active ? activeStep(input) : inactiveStep(input);
  return { ...step, conditions: { ...conditions, ...stepConditions(step.action, active, forced) } };
}

function baseConditions(input: RequestScaleInput): ExecutorConditions {
  const before: ExecutorConditions = input.conditions ?? { Ready: conditionTexts.ready };
  const conditions: ExecutorConditions = { ...before };
  if (!input.isError && before.Ready?.status !== 'True') conditions.Ready = conditionTexts.ready;
  const health = input.hpaHealth;
  if (health && health.status !== '') conditions.HPAActive = { ...health, status: health.status };
  return conditions;
}

function stepConditions(
  action: ExecutorAction,
  active: boolean,
  forced: boolean,
): ExecutorConditions {
  const out: ExecutorConditions = {};
  if (action === 'PartialTriggerError') out.Ready = conditionTexts.partial;
  if (action === 'TriggerError') out.Ready = conditionTexts.triggerError;
  if (active) out.Active = forced ? conditionTexts.forced : conditionTexts.active;
  else
    out.Active = action === 'CooldownPending' ? conditionTexts.cooldown : conditionTexts.notActive;
  return out;
}

type Step = Omit<RequestScaleResult, 'conditions'>;

function activeStep(input: RequestScaleInput): Step {
  const { object, currentReplicas } = input;
  const min = object.minReplicaCount ?? 0;
  const belowIdle = object.idleReplicaCount !== null && currentReplicas < min;
  if (belowIdle || currentReplicas === 0) {
    const to = Math.max(min, 1);
    if (annotationFlag(object.annotations, annotationNames.pausedScaleOut)) {
      return {
        scaleTo: null,
        action: 'ActivationBlocked',
        lastActiveTimeSet: false,
        message: `active, but paused-scale-out keeps ${currentReplicas} replicas`,
      };
    }
    return {
      scaleTo: to,
      action: 'Activated',
      lastActiveTimeSet: true,
      message: `activated: ${currentReplicas} → ${to} replicas`,
    };
  }
  if (input.isError) {
    return {
      scaleTo: null,
      action: 'PartialTriggerError',
      lastActiveTimeSet: false,
      message: 'active, but some triggers failed: lastActiveTime not refreshed',
    };
  }
  return {
    scaleTo: null,
    action: 'Active',
    lastActiveTimeSet: true,
    message: 'active: replicas follow the HPA math',
  };
}

function inactiveStep(input: RequestScaleInput): Step {
  const { object, currentReplicas } = input;
  if (input.isError) return inactiveWithError(object);
  const min = object.minReplicaCount ?? 0;
  const idle = object.idleReplicaCount;
  if ((idle !== null && currentReplicas > idle) || (currentReplicas > 0 && min === 0)) {
    return deactivate(input);
  }
  if (idle === null && currentReplicas < min) {
    return {
      scaleTo: min,
      action: 'RaisedToMin',
      lastActiveTimeSet: false,
      message: `below minReplicaCount: ${currentReplicas} → ${min}`,
    };
  }
  return {
    scaleTo: null,
    action: 'Inactive',
    lastActiveTimeSet: false,
    message: 'inactive: nothing to do',
  };
}

function inactiveWithError(object: ScaledObjectView): Step {
  if (object.fallback !== null && object.fallback.replicas !== 0) {
    return {
      scaleTo: null,
      action: 'FallbackHolds',
      lastActiveTimeSet: false,
      message: 'inactive with a failing trigger and a fallback: holding replicas',
    };
  }
  return {
    scaleTo: null,
    action: 'TriggerError',
    lastActiveTimeSet: false,
    message: 'inactive with a failing trigger: never scaled to zero on a failed read',
  };
}

function deactivate(input: RequestScaleInput): Step {
  const { object, currentReplicas } = input;
  if (annotationFlag(object.annotations, annotationNames.pausedScaleIn)) {
    return {
      scaleTo: null,
      action: 'ScaleInBlocked',
      lastActiveTimeSet: false,
      message: `inactive, but paused-scale-in keeps ${currentReplicas} replicas`,
    };
  }
  if (!cooldownElapsed(object, input.now)) {
    return {
      scaleTo: null,
      action: 'CooldownPending',
      lastActiveTimeSet: false,
      message: cooldownMessage(object, input.now),
    };
  }
  const target = idleOrMinimumReplicaCount(object);
  return {
    scaleTo: target.replicas,
    action: target.isIdle ? 'ScaledToIdle' : 'ScaledToZero',
    lastActiveTimeSet: false,
    message: `inactive past the cooldown: ${currentReplicas} → ${target.replicas} replicas (${target.isIdle ? 'idleReplicaCount' : 'minReplicaCount'})`,
  };
}

function cooldownMessage(object: ScaledObjectView, now: number): string {
  const end =
    object.lastActiveTime === null
      ? object.creationTime +
        (object.initialCooldownSeconds ?? defaultInitialCooldownSeconds) * 1000
      : object.lastActiveTime + (object.cooldownSeconds ?? defaultCooldownSeconds) * 1000;
  const left = Math.max(0, Math.ceil((end - now) / 1000));
  return object.lastActiveTime === null
    ? `inactive, never active: initial cooldown ends in ${left} s`
    : `inactive: cooldown since the last active poll ends in ${left} s`;
}
