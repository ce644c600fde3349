/**
 * KEDA's Event wording (reasons from `pkg/eventreason`, messages from the scale executor and the
 * scale handler), so that a scaler imported from a ScaledObject emits the Events existing alerts
 * and dashboards match on. Pure: the caller says what happened, this says it in KEDA's words.
 *
 * | what happened                               | type    | reason                            | message                                                        |
 * |---------------------------------------------|---------|-----------------------------------|----------------------------------------------------------------|
 * | activation from 0/idle                      | Normal  | KEDAScaleTargetActivated          | Scaled apps/v1.Deployment ns/web from 0 to 1, triggered by q   |
 * | activation forced by annotation             | Normal  | KEDAScaleTargetActivated          | Scaled … from 0 to 1, caused by forced activation annotation   |
 * | activation write failed                     | Warning | KEDAScaleTargetActivationFailed   | Failed to scale apps/v1.Deployment ns/web from 0 to 1          |
 * | deactivation to 0/idle                      | Normal  | KEDAScaleTargetDeactivated        | Deactivated apps/v1.Deployment ns/web from 3 to 0              |
 * | deactivation write failed                   | Warning | KEDAScaleTargetDeactivationFailed | Failed to deactivate apps/v1.Deployment ns/web from 3 to 0     |
 * | fallback starts / stops serving             | Normal  | ScaledObjectFallbackActivated / … | ScaledObject fallback is active / is no longer active          |
 * | a trigger cannot be read                    | Warning | KEDAScalerFailed                  | the error text                                                 |
 *
 * The target is written as KEDA's `status.scaleTargetKind` (the GVK string, `apps/v1.Deployment`)
 * then `namespace/name`; KEDA leaves two spaces when the kind is unknown, and so does this.
 *
 * @module
 */

export interface KedaEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface KedaScaleTarget {
  /** `apps/v1.Deployment` ('' when unknown, as in a ScaledObject whose status is not yet set). */
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** The executor's moves that KEDA records an Event for. */
export type KedaTransition = 'activation' | 'deactivation';

/**
 * Which transition an executor action is (policy/event/executor.ts, also the `activation` step's
 * reason code in a decision): scaling from 0 or idle, or to 0 or idle. Raising a target below
 * its minimum back to it is silent in KEDA, and everything else is the HPA's business.
 */
export function kedaTransition(action: string): KedaTransition | null {
  if (action === 'Activated') return 'activation';
  if (action === 'ScaledToZero' || action === 'ScaledToIdle') return 'deactivation';
  return null;
}

/** Without the executor's action at hand: leaving the idle count (or 0) is an activation, reaching it a deactivation. */
export function kedaTransitionOfCounts(
  from: number,
  to: number,
  idle: number,
): KedaTransition | null {
  if (from <= idle && to > idle) return 'activation';
  if (from > idle && to <= idle) return 'deactivation';
  return null;
}

export interface KedaScaleChange {
  readonly transition: KedaTransition;
  readonly target: KedaScaleTarget;
  readonly from: number;
  readonly to: number;
  /** Names of the active triggers (KEDA joins them with ';'). */
  readonly activeTriggers: readonly string[];
  /** Activation caused by the `autoscaling.keda.sh/force-activation` annotation. */
  readonly forced: boolean;
  /** The write to the scale subresource failed. */
  readonly failed: boolean;
}

const targetText = (t: KedaScaleTarget): string => `${t.kind} ${t.namespace}/${t.name}`;

/**
 * The Event KEDA's executor records for an activation or deactivation. Worked example (KEDA's
 * TestEventWitTriggerInfo): idle 0, min 5, 2 replicas, trigger `testTrigger` active → activation
 * 2 → 5, "Normal KEDAScaleTargetActivated Scaled  namespace/name from 2 to 5, triggered by
 * testTrigger" (the kind is unknown there, hence two spaces).
 */
export function kedaScaleEvent(c: KedaScaleChange): KedaEvent {
  const what = `${targetText(c.target)} from ${c.from} to ${c.to}`;
  if (c.transition === 'deactivation') {
    return c.failed
      ? {
          type: 'Warning',
          reason: 'KEDAScaleTargetDeactivationFailed',
          message: `Failed to deactivate ${what}`,
        }
      : { type: 'Normal', reason: 'KEDAScaleTargetDeactivated', message: `Deactivated ${what}` };
  }
  if (c.failed) {
    return {
      type: 'Warning',
      reason: 'KEDAScaleTargetActivationFailed',
      message: `Failed to scale ${what}`,
    };
  }
  const cause = c.forced
    ? 'caused by forced activation annotation'
    : `triggered by ${c.activeTriggers.join(';')}`;
  return {
    type: 'Normal',
    reason: 'KEDAScaleTargetActivated',
    message: `Scaled ${what}, ${cause}`,
  };
}

/** KEDA's Event when the fallback starts or stops serving (the Fallback condition flips). */
export function kedaFallbackEvent(wasActive: boolean, isActive: boolean): KedaEvent | null {
  if (isActive && !wasActive) {
    return {
      type: 'Normal',
      reason: 'ScaledObjectFallbackActivated',
      message: 'ScaledObject fallback is active',
    };
  }
  if (!isActive && wasActive) {
    return {
      type: 'Normal',
      reason: 'ScaledObjectFallbackDeactivated',
      message: 'ScaledObject fallback is no longer active',
    };
  }
  return null;
}

/** KEDA's Event for a trigger that cannot be read (the message must already be redacted). */
export function kedaScalerFailedEvent(error: string): KedaEvent {
  return { type: 'Warning', reason: 'KEDAScalerFailed', message: error };
}

/** `"<type> <reason> <message>"`, as client-go's FakeRecorder renders an Event in KEDA's tests. */
export const renderKedaEvent = (e: KedaEvent): string => `${e.type} ${e.reason} ${e.message}`;
