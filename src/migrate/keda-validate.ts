/**
 * KEDA's own validation of a ScaledObject (its admission webhook and the checks in
 * `scaledobject_types.go`), with KEDA's messages: an object KEDA would reject is an `invalid`
 * import error, so the import never writes a spec for an object KEDA would not run.
 *
 * @module
 */
import { checkFormula, formulaVariables, parseFormula } from '../core/policy/event/formula.js';
import { invalid, type Sink } from './issues.js';

const maxLabelLength = 63;

export interface KedaTrigger {
  readonly type: string;
  readonly name: string;
  readonly useCachedMetrics: boolean;
}

export interface KedaObjectView {
  readonly name: string;
  readonly hpaName: string;
  /** As written: undefined = unset. */
  readonly minReplicaCount: number | undefined;
  readonly maxReplicaCount: number | undefined;
  readonly idleReplicaCount: number | undefined;
  readonly triggers: readonly KedaTrigger[];
  readonly fallback: Record<string, unknown> | undefined;
  /** `spec.advanced` is present. */
  readonly advancedPresent: boolean;
  readonly scalingModifiers: Record<string, unknown>;
  /** `advanced.horizontalPodAutoscalerConfig.behavior` as written. */
  readonly behavior: Record<string, unknown> | undefined;
}

const isResource = (t: KedaTrigger): boolean => t.type === 'cpu' || t.type === 'memory';

/** KEDA's IsUsingModifiers: any scalingModifiers field set. */
export function usesModifiers(so: KedaObjectView): boolean {
  return (
    so.advancedPresent &&
    Object.values(so.scalingModifiers).some((v) => v !== undefined && v !== '')
  );
}

/** Runs every check; each failure is an `invalid` issue with KEDA's message. */
export function validateScaledObject(so: KedaObjectView, sink: Sink): void {
  checkName(so, sink);
  checkBehaviorWindows(so.behavior, sink);
  checkTriggers(so.triggers, sink);
  checkReplicaCounts(so, sink);
  checkFallback(so, sink);
  checkScaleToZero(so, sink);
  if (usesModifiers(so)) checkModifiers(so, sink);
  const behavior = so.fallback?.behavior;
  if (behavior === 'scalingModifiers' && (!usesModifiers(so) || !so.scalingModifiers.formula)) {
    invalid(
      sink,
      'spec.fallback.behavior',
      'spec.fallback.behavior = "scalingModifiers": scalingModifiers fallback behavior requires scalingModifiers.formula to be defined',
    );
  }
}

function checkName(so: KedaObjectView, sink: Sink): void {
  if (so.name.length > maxLabelLength) {
    invalid(
      sink,
      'metadata.name',
      `scaledobject name "${so.name}" is ${so.name.length} characters long; must be no more than ${maxLabelLength} characters`,
    );
  } else if (so.hpaName.length > maxLabelLength) {
    invalid(
      sink,
      'spec.advanced.horizontalPodAutoscalerConfig.name',
      `HPA name "${so.hpaName}" derived from scaledobject is ${so.hpaName.length} characters long; must be no more than ${maxLabelLength} characters`,
    );
  }
}

/** The HPA API's rule (the ScaledObject CRD embeds it): stabilization windows within 0–3600 s. */
function checkBehaviorWindows(behavior: Record<string, unknown> | undefined, sink: Sink): void {
  for (const direction of ['scaleUp', 'scaleDown']) {
    const rules = behavior?.[direction];
    const window =
      rules !== null && typeof rules === 'object'
        ? (rules as Record<string, unknown>).stabilizationWindowSeconds
        : undefined;
    if (window === undefined || (typeof window === 'number' && window >= 0 && window <= 3600))
      continue;
    const field = `spec.advanced.horizontalPodAutoscalerConfig.behavior.${direction}.stabilizationWindowSeconds`;
    invalid(sink, field, `${field} = ${JSON.stringify(window)}: must be between 0 and 3600`);
  }
}

/** KEDA's ValidateTriggers. */
function checkTriggers(triggers: readonly KedaTrigger[], sink: Sink): void {
  if (triggers.length === 0)
    invalid(
      sink,
      'spec.triggers',
      'spec.triggers: no triggers defined in the ScaledObject/ScaledJob',
    );
  const seen = new Set<string>();
  triggers.forEach((t, i) => {
    if (t.useCachedMetrics && (isResource(t) || t.type === 'cron')) {
      invalid(
        sink,
        `spec.triggers[${i}].useCachedMetrics`,
        `spec.triggers[${i}]: property "useCachedMetrics" is not supported for "${t.type}" scaler`,
      );
    }
    if (t.name !== '' && seen.has(t.name)) {
      invalid(
        sink,
        `spec.triggers[${i}].name`,
        `spec.triggers[${i}]: triggerName "${t.name}" is defined multiple times in the ScaledObject/ScaledJob, but it must be unique`,
      );
    }
    seen.add(t.name);
  });
}

/** KEDA's GetHPAMinReplicas: minReplicaCount when above 0, else 1. */
export const hpaMinReplicas = (so: Pick<KedaObjectView, 'minReplicaCount'>): number =>
  so.minReplicaCount !== undefined && so.minReplicaCount > 0 ? so.minReplicaCount : 1;

/** KEDA's CheckReplicaCountBoundsAreValid (a set minReplicaCount of 0 counts as 1 here). */
function checkReplicaCounts(so: KedaObjectView, sink: Sink): void {
  const min = so.minReplicaCount === undefined ? 0 : hpaMinReplicas(so);
  const max = so.maxReplicaCount ?? 100;
  if (min > max) {
    invalid(
      sink,
      'spec.minReplicaCount',
      `spec.minReplicaCount: MinReplicaCount=${min} must be less than MaxReplicaCount=${max}`,
    );
  }
  if (so.idleReplicaCount !== undefined && so.idleReplicaCount >= min) {
    invalid(
      sink,
      'spec.idleReplicaCount',
      `spec.idleReplicaCount: IdleReplicaCount=${so.idleReplicaCount} must be less than MinReplicaCount=${min}`,
    );
  }
}

/** KEDA's CheckFallbackValid. */
function checkFallback(so: KedaObjectView, sink: Sink): void {
  const f = so.fallback;
  if (f === undefined) return;
  const threshold = Number(f.failureThreshold ?? 0);
  const replicas = Number(f.replicas ?? 0);
  if (threshold < 0 || replicas < 0) {
    invalid(
      sink,
      'spec.fallback',
      `spec.fallback: FailureThreshold=${threshold} & Replicas=${replicas} must both be greater than or equal to 0`,
    );
    return;
  }
  if (!usesModifiers(so) && so.triggers.every(isResource)) {
    invalid(
      sink,
      'spec.fallback',
      'spec.fallback: at least one trigger (that is not cpu or memory) has to have the `AverageValue` type for the fallback to be enabled',
    );
  }
}

/** KEDA's webhook: only cpu/memory triggers cannot scale to zero. */
function checkScaleToZero(so: KedaObjectView, sink: Sink): void {
  const onlyResource = so.triggers.length > 0 && so.triggers.every(isResource);
  if (onlyResource && (so.minReplicaCount ?? 0) === 0) {
    invalid(
      sink,
      'spec.minReplicaCount',
      "spec.minReplicaCount: scaledobject has only cpu/memory triggers AND minReplica is 0 (scale to zero doesn't work in this case)",
    );
  }
}

/** KEDA's ValidateAndCompileScalingModifiers (compile over the named non-cpu/memory triggers, run at -1). */
function checkModifiers(so: KedaObjectView, sink: Sink): void {
  const sm = so.scalingModifiers;
  const field = 'spec.advanced.scalingModifiers';
  const formula = typeof sm.formula === 'string' ? sm.formula : '';
  if (formula === '') {
    invalid(
      sink,
      `${field}.formula`,
      `${field}.formula: error ScalingModifiers.Formula is mandatory`,
    );
    return;
  }
  if (sm.target === undefined || sm.target === '') {
    invalid(
      sink,
      `${field}.target`,
      `${field}: error validating formula in ScalingModifiers: formula is given but target is empty`,
    );
    return;
  }
  checkFormulaNames(formula, so.triggers, sink);
  const target = Number(sm.target);
  if (!(target > 0)) {
    invalid(
      sink,
      `${field}.target`,
      `${field}.target = ${JSON.stringify(sm.target)}: error converting target for scalingModifiers (string->float) to valid target`,
    );
  }
  if (sm.metricType === 'Utilization') {
    invalid(
      sink,
      `${field}.metricType`,
      `${field}.metricType: error trigger type is Utilization, but it needs to be AverageValue or Value for external metrics`,
    );
  }
}

function checkFormulaNames(formula: string, triggers: readonly KedaTrigger[], sink: Sink): void {
  const field = 'spec.advanced.scalingModifiers.formula';
  const names = triggers.filter((t) => !isResource(t) && t.name !== '').map((t) => t.name);
  const parsed = parseFormula(formula);
  const unknown = parsed.ok ? formulaVariables(parsed.value).filter((n) => !names.includes(n)) : [];
  if (unknown.length > 0) {
    invalid(
      sink,
      field,
      `${field} = ${JSON.stringify(formula)}: error validating formula in ScalingModifiers: unknown name ${unknown.join(', ')} (named non-cpu/memory triggers: ${names.join(', ') || 'none'})`,
    );
    return;
  }
  const checked = checkFormula(formula, names);
  if (!checked.ok) {
    invalid(
      sink,
      field,
      `${field} = ${JSON.stringify(formula)}: error validating formula in ScalingModifiers: ${checked.error}`,
    );
  }
}

/** The paused count of `autoscaling.keda.sh/paused-replicas` (KEDA: a 32-bit integer). */
export function pausedReplicaCount(
  value: string | undefined,
  sink: Sink,
): number | null | undefined {
  if (value === undefined) return undefined;
  if (/^[+-]?\d+$/.test(value) && Math.abs(Number(value)) <= 2_147_483_647) return Number(value);
  const field = 'metadata.annotations["autoscaling.keda.sh/paused-replicas"]';
  invalid(sink, field, `${field} = ${JSON.stringify(value)}: must be a whole number`);
  return null;
}
