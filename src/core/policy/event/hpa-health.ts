/**
 * How KEDA reads the health of the HPA it owns (`getHPAHealth`): from the HPA's `ScalingActive`
 * condition. In Tide the HPA math runs in-process, so this only serves conformance and the
 * `HPAActive` condition of a KEDA-compatible status.
 *
 * - no HPA name, a read error, or no ScalingActive condition yet → "" (cannot be observed);
 * - ScalingActive True → healthy (`HPAActive`, "HPA is actively scaling");
 * - False because scaling is disabled (target at 0, which KEDA did on purpose) → healthy, with the
 *   HPA's own reason and message;
 * - otherwise → unhealthy, with the HPA's reason (or `HPAMetricsUnavailable` when empty) and
 *   "HPA is not actively scaling: <message>".
 *
 * @module
 */

export interface HpaCondition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

export interface HpaHealth {
  readonly status: 'True' | 'False' | '';
  readonly reason: string;
  readonly message: string;
}

const unobservable: HpaHealth = { status: '', reason: '', message: '' };

export function hpaHealth(input: {
  readonly hpaName: string | null;
  readonly readError: boolean;
  readonly conditions: readonly HpaCondition[] | null;
}): HpaHealth {
  if (input.hpaName === null || input.hpaName === '' || input.readError) return unobservable;
  const active = input.conditions?.find((c) => c.type === 'ScalingActive');
  if (active === undefined) return unobservable;
  if (active.status === 'True') {
    return { status: 'True', reason: 'HPAActive', message: 'HPA is actively scaling' };
  }
  if (active.reason === 'ScalingDisabled') {
    return { status: 'True', reason: active.reason, message: active.message };
  }
  return {
    status: 'False',
    reason: active.reason === '' ? 'HPAMetricsUnavailable' : active.reason,
    message: `HPA is not actively scaling: ${active.message}`,
  };
}

export interface HpaActiveCondition {
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

/**
 * The `HPAActive` condition after a health check (`checkHPAHealth`): an HPA that cannot be
 * observed leaves the previous condition exactly as it was (null = never set); otherwise the
 * observed health replaces it.
 */
export function hpaActiveAfter(
  previous: HpaActiveCondition | null,
  health: HpaHealth,
): HpaActiveCondition | null {
  if (health.status === '') return previous;
  return { status: health.status, reason: health.reason, message: health.message };
}
